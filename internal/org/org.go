// Package org stores organisations (the tenants) and the projects they run
// together. None of it is personal data of young people.
package org

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
)

// Org is a municipality or a non-municipal partner; each is a tenant.
type Org struct {
	ID   int    `db:"id"`
	Key  string `db:"key"` // kommunkod for a municipality
	Name string `db:"name"`
	Kind string `db:"kind"`
}

// ByKey returns the organisation with key. Returns db.ErrNotFound if there is none.
func ByKey(ctx context.Context, q db.Querier, key string) (Org, error) {
	rows, _ := q.Query(ctx, `SELECT id, key, name, kind FROM orgs WHERE key = $1`, key)
	o, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Org])
	if errors.Is(err, pgx.ErrNoRows) {
		return Org{}, fmt.Errorf("org: %q: %w", key, db.ErrNotFound)
	}
	return o, err
}

// All returns every organisation in the order of their keys, for the jobs
// that run in each of them (gallring, the daily digest).
func All(ctx context.Context, q db.Querier) ([]Org, error) {
	rows, _ := q.Query(ctx, `SELECT id, key, name, kind FROM orgs ORDER BY key`)
	orgs, err := pgx.CollectRows(rows, pgx.RowToStructByName[Org])
	if err != nil {
		return nil, fmt.Errorf("org: all: %w", err)
	}
	return orgs, nil
}

// OrgWithAdmins is an organisation with its number of administrators.
type OrgWithAdmins struct {
	Org
	Admins int `db:"admins"`
}

// List returns every organisation with its number of administrators, for the
// system administrator. The count comes from org_admin_counts, which reads
// across tenants and returns counts only.
func List(ctx context.Context, q db.Querier) ([]OrgWithAdmins, error) {
	rows, _ := q.Query(ctx, `
		SELECT o.id, o.key, o.name, o.kind, coalesce(c.admins, 0) AS admins
		FROM orgs o LEFT JOIN org_admin_counts() c ON c.org_id = o.id
		ORDER BY o.kind = 'municipality' DESC, o.name`)
	return pgx.CollectRows(rows, pgx.RowToStructByName[OrgWithAdmins])
}

// Create adds an organisation. Returns db.ErrConflict if the key is taken.
func Create(ctx context.Context, tx pgx.Tx, o Org) (Org, error) {
	err := tx.QueryRow(ctx, `INSERT INTO orgs (key, name, kind) VALUES ($1, $2, $3) RETURNING id`, o.Key, o.Name, o.Kind).Scan(&o.ID)
	if db.IsUniqueViolation(err) {
		return o, fmt.Errorf("org: create %q: %w", o.Key, db.ErrConflict)
	}
	if err != nil {
		return o, fmt.Errorf("org: create: %w", err)
	}
	return o, audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: audit.MetaFrom(ctx).UserID, Action: "org.create",
		Detail: map[string]any{"org_id": o.ID, "key": o.Key}})
}

// Project is a project run by one or more organisations.
type Project struct {
	ID       int       `db:"id"`
	Key      string    `db:"key"`
	Name     string    `db:"name"`
	Owner    string    `db:"owner"`
	StartsOn time.Time `db:"starts_on"`
	EndsOn   time.Time `db:"ends_on"`
	Members  int       `db:"members"`
}

// Period is the project's period as Swedish text.
func (p Project) Period() string {
	return p.StartsOn.Format("2006-01-02") + " – " + p.EndsOn.Format("2006-01-02")
}

const projectColumns = `p.id, p.key, p.name, o.name AS owner, p.starts_on, p.ends_on,
	(SELECT count(*) FROM project_orgs m WHERE m.project_id = p.id) AS members`

// Projects returns every project.
func Projects(ctx context.Context, q db.Querier) ([]Project, error) {
	rows, _ := q.Query(ctx, `SELECT `+projectColumns+` FROM projects p JOIN orgs o ON o.id = p.owner_org_id ORDER BY p.starts_on DESC, p.name`)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Project])
}

// ProjectsOf returns the projects the organisation takes part in.
func ProjectsOf(ctx context.Context, q db.Querier, orgID int) ([]Project, error) {
	rows, _ := q.Query(ctx, `
		SELECT `+projectColumns+` FROM projects p JOIN orgs o ON o.id = p.owner_org_id
		WHERE EXISTS (SELECT 1 FROM project_orgs m WHERE m.project_id = p.id AND m.org_id = $1)
		ORDER BY p.starts_on DESC, p.name`, orgID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Project])
}

// ProjectByKey returns the project with key. Returns db.ErrNotFound if there is none.
func ProjectByKey(ctx context.Context, q db.Querier, key string) (Project, error) {
	rows, _ := q.Query(ctx, `SELECT `+projectColumns+` FROM projects p JOIN orgs o ON o.id = p.owner_org_id WHERE p.key = $1`, key)
	p, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Project])
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("org: project %q: %w", key, db.ErrNotFound)
	}
	return p, err
}

// Members returns the organisations taking part in a project.
func Members(ctx context.Context, q db.Querier, projectID int) ([]Org, error) {
	rows, _ := q.Query(ctx, `
		SELECT o.id, o.key, o.name, o.kind FROM orgs o JOIN project_orgs m ON m.org_id = o.id
		WHERE m.project_id = $1 ORDER BY o.name`, projectID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Org])
}

// Subproject is one organisation's part of a project.
type Subproject struct {
	ID      int    `db:"id"`
	OrgName string `db:"org_name"`
	Name    string `db:"name"`
	Focus   string `db:"focus"`
	Planned *int   `db:"planned_participants"`
}

// Subprojects returns the sub-projects of a project; orgID 0 means all members'.
func Subprojects(ctx context.Context, q db.Querier, projectID, orgID int) ([]Subproject, error) {
	rows, _ := q.Query(ctx, `
		SELECT s.id, o.name AS org_name, s.name, s.focus, s.planned_participants
		FROM subprojects s JOIN orgs o ON o.id = s.org_id
		WHERE s.project_id = $1 AND ($2 = 0 OR s.org_id = $2)
		ORDER BY o.name, s.name`, projectID, orgID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Subproject])
}

// Target is a project's target for one indicator.
type Target struct {
	Indicator string  `db:"indicator"`
	Target    float64 `db:"target"`
}

// Targets returns a project's targets.
func Targets(ctx context.Context, q db.Querier, projectID int) ([]Target, error) {
	rows, _ := q.Query(ctx, `SELECT indicator, target::float8 AS target FROM project_targets WHERE project_id = $1 ORDER BY indicator`, projectID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Target])
}

// ProjectOwnedBy returns project key if orgID owns it. Returns db.ErrNotFound otherwise.
func ProjectOwnedBy(ctx context.Context, q db.Querier, key string, orgID int) (Project, error) {
	p, err := ProjectByKey(ctx, q, key)
	if err != nil {
		return p, err
	}
	var owner int
	if err := q.QueryRow(ctx, `SELECT owner_org_id FROM projects WHERE id = $1`, p.ID).Scan(&owner); err != nil {
		return p, err
	}
	if owner != orgID {
		return p, fmt.Errorf("org: project %q not owned by %d: %w", key, orgID, db.ErrNotFound)
	}
	return p, nil
}

// OwnedProjects returns the projects orgID owns.
func OwnedProjects(ctx context.Context, q db.Querier, orgID int) ([]Project, error) {
	rows, _ := q.Query(ctx, `SELECT `+projectColumns+` FROM projects p JOIN orgs o ON o.id = p.owner_org_id
		WHERE p.owner_org_id = $1 ORDER BY p.starts_on DESC`, orgID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Project])
}

// SetPeriod changes a project's period.
func SetPeriod(ctx context.Context, tx pgx.Tx, projectID int, from, to time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE projects SET starts_on = $2, ends_on = $3 WHERE id = $1`, projectID, from, to); err != nil {
		return fmt.Errorf("org: project period: %w", err)
	}
	return projectAudit(ctx, tx, projectID, "project.period", nil)
}

// SetTarget sets (or, with a nil value, removes) one of a project's targets.
func SetTarget(ctx context.Context, tx pgx.Tx, projectID int, indicator string, value *float64) error {
	// Only a change is written to the security log: the previous value is
	// read first, and an unchanged target is left alone.
	var before *float64
	err := tx.QueryRow(ctx, `SELECT target FROM project_targets WHERE project_id = $1 AND indicator = $2`, projectID, indicator).Scan(&before)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("org: project target: %w", err)
	}
	switch {
	case before == nil && value == nil, before != nil && value != nil && *before == *value:
		return nil
	case value == nil:
		_, err = tx.Exec(ctx, `DELETE FROM project_targets WHERE project_id = $1 AND indicator = $2`, projectID, indicator)
	default:
		_, err = tx.Exec(ctx, `INSERT INTO project_targets (project_id, indicator, target) VALUES ($1, $2, $3)
			ON CONFLICT (project_id, indicator) DO UPDATE SET target = excluded.target`, projectID, indicator, *value)
	}
	if err != nil {
		return fmt.Errorf("org: project target: %w", err)
	}
	return projectAudit(ctx, tx, projectID, "project.target", map[string]any{"indicator": indicator, "from": before, "to": value})
}

// ErrUnknownOrg means the organisation does not exist.
var ErrUnknownOrg = errors.New("org: no such organisation")

// Invite invites orgID to the project. It becomes a member only when one of
// its own municipality administrators accepts (Accept). Inviting a member or
// an organisation already invited changes nothing and logs nothing. Returns
// ErrUnknownOrg when there is no such organisation.
func Invite(ctx context.Context, tx pgx.Tx, projectID, orgID int) error {
	tag, err := tx.Exec(ctx, `
		INSERT INTO project_invitations (project_id, org_id, invited_by)
		SELECT $1, $2, NULLIF($3, 0)
		WHERE NOT EXISTS (SELECT 1 FROM project_orgs WHERE project_id = $1 AND org_id = $2)
		ON CONFLICT DO NOTHING`, projectID, orgID, audit.MetaFrom(ctx).UserID)
	switch {
	case isForeignKeyViolation(err):
		return fmt.Errorf("org: invite %d: %w", orgID, ErrUnknownOrg)
	case err != nil:
		return fmt.Errorf("org: invite: %w", err)
	case tag.RowsAffected() == 0:
		return nil
	}
	return projectAudit(ctx, tx, projectID, "project.member_invite", map[string]any{"org": orgID})
}

// Invited returns the organisations invited to a project that have not
// answered yet.
func Invited(ctx context.Context, q db.Querier, projectID int) ([]Org, error) {
	rows, _ := q.Query(ctx, `
		SELECT o.id, o.key, o.name, o.kind FROM orgs o JOIN project_invitations i ON i.org_id = o.id
		WHERE i.project_id = $1 ORDER BY o.name`, projectID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Org])
}

// ErrNotInvited means the organisation has no invitation to the project
// waiting for its answer.
var ErrNotInvited = errors.New("org: not invited to the project")

// Withdraw takes back the invitation of orgID to the project. Returns
// ErrNotInvited when orgID has no invitation waiting.
func Withdraw(ctx context.Context, tx pgx.Tx, projectID, orgID int) error {
	tag, err := tx.Exec(ctx, `DELETE FROM project_invitations WHERE project_id = $1 AND org_id = $2`, projectID, orgID)
	if err != nil {
		return fmt.Errorf("org: withdraw: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("org: withdraw %d: %w", orgID, ErrNotInvited)
	}
	return projectAudit(ctx, tx, projectID, "project.invitation_withdraw", map[string]any{"org": orgID})
}

// InvitationsOf returns the projects that have invited the organisation of
// tx and that it has not answered, newest first.
func InvitationsOf(ctx context.Context, tx db.Tx) ([]Project, error) {
	rows, _ := tx.Query(ctx, `
		SELECT `+projectColumns+` FROM projects p JOIN orgs o ON o.id = p.owner_org_id
		JOIN project_invitations i ON i.project_id = p.id AND i.org_id = $1
		ORDER BY i.invited_at DESC, p.name`, tx.TenantID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Project])
}

// InvitationOf returns the project with key if it has invited the
// organisation of tx. Returns db.ErrNotFound otherwise, also for a project
// the organisation is already a member of.
func InvitationOf(ctx context.Context, tx db.Tx, key string) (Project, error) {
	rows, _ := tx.Query(ctx, `
		SELECT `+projectColumns+` FROM projects p JOIN orgs o ON o.id = p.owner_org_id
		JOIN project_invitations i ON i.project_id = p.id AND i.org_id = $2
		WHERE p.key = $1`, key, tx.TenantID)
	p, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Project])
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("org: invitation to %q: %w", key, db.ErrNotFound)
	}
	return p, err
}

// Accept makes the organisation of tx a member of project p, which must have
// invited it (InvitationOf), as the acting user, who must be a municipality
// administrator there: the database refuses anyone else (SQLSTATE 42501).
// The answer is in the organisation's audit log and the project's security
// log.
func Accept(ctx context.Context, tx db.Tx, p Project) error {
	if _, err := tx.Exec(ctx, `INSERT INTO project_orgs (project_id, org_id, accepted_at, accepted_by) VALUES ($1, $2, now(), $3)`,
		p.ID, tx.TenantID, tx.UserID); err != nil {
		return fmt.Errorf("org: accept: %w", err)
	}
	return answered(ctx, tx, p, "project.join", "project.member_accept")
}

// Decline refuses the invitation of the organisation of tx to project p.
func Decline(ctx context.Context, tx db.Tx, p Project) error {
	return answered(ctx, tx, p, "project.decline", "project.member_decline")
}

func answered(ctx context.Context, tx db.Tx, p Project, action, projectAction string) error {
	tag, err := tx.Exec(ctx, `DELETE FROM project_invitations WHERE project_id = $1 AND org_id = $2`, p.ID, tx.TenantID)
	if err != nil {
		return fmt.Errorf("org: answer invitation: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("org: answer invitation to %q: %w", p.Key, db.ErrNotFound)
	}
	if err := audit.Record(ctx, tx, audit.Event{Action: action, RecordType: "project", RecordID: p.Key,
		Detail: map[string]any{"project": p.Name, "owner": p.Owner}}); err != nil {
		return err
	}
	return projectAudit(ctx, tx, p.ID, projectAction, map[string]any{"org": tx.TenantID})
}

// ErrNotMember means the organisation is not a member of the project.
var ErrNotMember = errors.New("org: not a member of the project")

// ErrMemberInUse means a member still has sub-projects.
var ErrMemberInUse = errors.New("org: member has sub-projects")

// RemoveMember removes orgID from the project. Returns ErrMemberInUse while
// the member has sub-projects, ErrNotMember when it is not a member.
func RemoveMember(ctx context.Context, tx pgx.Tx, projectID, orgID int) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM subprojects WHERE project_id = $1 AND org_id = $2`, projectID, orgID).Scan(&n); err != nil {
		return fmt.Errorf("org: remove member: %w", err)
	}
	if n > 0 {
		return ErrMemberInUse
	}
	tag, err := tx.Exec(ctx, `DELETE FROM project_orgs WHERE project_id = $1 AND org_id = $2`, projectID, orgID)
	if err != nil {
		return fmt.Errorf("org: remove member: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotMember
	}
	return projectAudit(ctx, tx, projectID, "project.member_remove", map[string]any{"org": orgID})
}

// AddSubproject adds a sub-project of a member. Returns db.ErrConflict when
// the member already has one with that name, db.ErrNotFound when orgID is
// not a member.
func AddSubproject(ctx context.Context, tx pgx.Tx, projectID, orgID int, name, focus string, planned *int) error {
	_, err := tx.Exec(ctx, `INSERT INTO subprojects (project_id, org_id, name, focus, planned_participants) VALUES ($1, $2, $3, $4, $5)`,
		projectID, orgID, name, focus, planned)
	switch {
	case db.IsUniqueViolation(err):
		return fmt.Errorf("org: sub-project %q: %w", name, db.ErrConflict)
	case isForeignKeyViolation(err):
		return fmt.Errorf("org: sub-project of a non-member: %w", db.ErrNotFound)
	case err != nil:
		return fmt.Errorf("org: sub-project: %w", err)
	}
	return projectAudit(ctx, tx, projectID, "project.subproject_add", map[string]any{"org": orgID})
}

func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23503"
}

func projectAudit(ctx context.Context, tx pgx.Tx, projectID int, action string, detail map[string]any) error {
	return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: audit.MetaFrom(ctx).UserID, Action: action, ProjectID: projectID, Detail: detail})
}

// RequiresTwoFactor reports whether the organisation of tx requires
// two-factor sign-in of everyone who sees personal data there.
func RequiresTwoFactor(ctx context.Context, tx db.Tx) (bool, error) {
	var on bool
	err := tx.QueryRow(ctx, `SELECT require_two_factor FROM orgs WHERE id = $1`, tx.TenantID).Scan(&on)
	return on, err
}

// SetRequiresTwoFactor turns the requirement on or off for the organisation
// of tx; a change is in its audit log.
func SetRequiresTwoFactor(ctx context.Context, tx db.Tx, on bool) error {
	tag, err := tx.Exec(ctx, `UPDATE orgs SET require_two_factor = $2 WHERE id = $1 AND require_two_factor <> $2`, tx.TenantID, on)
	if err != nil || tag.RowsAffected() == 0 {
		return err
	}
	return audit.Record(ctx, tx, audit.Event{Action: "settings.update", RecordType: "settings", Detail: map[string]any{"require_two_factor": on}})
}

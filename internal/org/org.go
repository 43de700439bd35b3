// Package org stores organisations (the tenants) and the projects they run
// together. None of it is personal data of young people.
package org

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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

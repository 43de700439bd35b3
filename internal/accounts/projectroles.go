package accounts

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/db"
)

// ProjectRoleHolder is a person holding a role in a project.
type ProjectRoleHolder struct {
	UserID int
	Name   string
	Email  string
	Role   auth.Role
}

// ProjectRoleHolders lists who holds a project role in project, and writes
// the read to the security log (project.roles_read). The caller has checked
// that the acting user administers the project's owner.
func ProjectRoleHolders(ctx context.Context, tx pgx.Tx, projectID int) ([]ProjectRoleHolder, error) {
	rows, _ := tx.Query(ctx, `
		SELECT u.id, u.name, u.email, r.role
		FROM project_roles r JOIN users u ON u.id = r.user_id
		WHERE r.project_id = $1 ORDER BY r.role DESC, u.name, u.id`, projectID)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ProjectRoleHolder, error) {
		var h ProjectRoleHolder
		err := r.Scan(&h.UserID, &h.Name, &h.Email, &h.Role)
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("accounts: project roles: %w", err)
	}
	return list, audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: audit.MetaFrom(ctx).UserID, Action: "project.roles_read",
		ProjectID: projectID, Detail: map[string]any{"count": len(list)}})
}

// GrantProjectRole gives the person with email the project role role in
// project. A person without an account gets an invited one with name (no
// password, no role in any organisation: evaluators are often from outside
// the member organisations); an account deactivated for holding no role is
// active again. Written to the security log as project.role_grant.
// Returns ErrConflict when the person holds the role already and
// auth.ErrSystemAdmin for a system administrator's account.
func GrantProjectRole(ctx context.Context, tx pgx.Tx, projectID int, email, name string, role auth.Role) (int, error) {
	if !slices.Contains(auth.ProjectRoles, role) {
		return 0, fmt.Errorf("accounts: grant project role %q: %w", role, db.ErrNotFound)
	}
	var id int
	var systemAdmin, deactivated bool
	err := tx.QueryRow(ctx, `SELECT id, is_system_admin, NOT active AND NOT must_change_password FROM users WHERE email = $1`, email).Scan(&id, &systemAdmin, &deactivated)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		err = tx.QueryRow(ctx, `
			INSERT INTO users (email, name, password_hash, must_change_password)
			VALUES ($1, $2, '', true) RETURNING id`, email, name).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("accounts: grant project role: %w", err)
		}
	case err != nil:
		return 0, fmt.Errorf("accounts: grant project role: %w", err)
	case systemAdmin:
		return 0, auth.ErrSystemAdmin
	case deactivated:
		// An account its organisation ended (a leaver, deprovisioned) is
		// not brought back by a project role: only an invited account that
		// never signed in is activated here.
		return 0, ErrDeactivated
	}
	tag, err := tx.Exec(ctx, `
		INSERT INTO project_roles (project_id, user_id, role) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, projectID, id, role)
	if err != nil {
		return 0, fmt.Errorf("accounts: grant project role: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return id, fmt.Errorf("accounts: grant project role: %w", db.ErrConflict)
	}
	if _, err := tx.Exec(ctx, `UPDATE users SET active = true WHERE id = $1 AND NOT active`, id); err != nil {
		return 0, fmt.Errorf("accounts: grant project role: %w", err)
	}
	return id, audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: audit.MetaFrom(ctx).UserID, Action: "project.role_grant",
		ProjectID: projectID, Detail: map[string]any{"user": id, "role": role}})
}

// ErrDeactivated is a project role given to an account that its
// organisation has deactivated.
var ErrDeactivated = errors.New("accounts: the account is deactivated")

// RevokeProjectRole takes role in project from user userID. An account left
// with no role anywhere is deactivated and its sessions end, as when an
// organisation removes its last role (auth.SetTenantRoles). Written to the
// security log as project.role_revoke. Returns ErrNotFound when the user
// does not hold the role there.
func RevokeProjectRole(ctx context.Context, tx pgx.Tx, projectID, userID int, role auth.Role) error {
	tag, err := tx.Exec(ctx, `DELETE FROM project_roles WHERE project_id = $1 AND user_id = $2 AND role = $3`, projectID, userID, role)
	if err != nil {
		return fmt.Errorf("accounts: revoke project role: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("accounts: revoke project role %s of %d: %w", role, userID, db.ErrNotFound)
	}
	if _, err := tx.Exec(ctx, `
		UPDATE users SET active = false, sessions_valid_after = clock_timestamp()
		WHERE id = $1 AND NOT user_has_any_role($1)`, userID); err != nil {
		return fmt.Errorf("accounts: revoke project role: %w", err)
	}
	return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: audit.MetaFrom(ctx).UserID, Action: "project.role_revoke",
		ProjectID: projectID, Detail: map[string]any{"user": userID, "role": role}})
}

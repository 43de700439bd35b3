package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
)

// Errors of the system administrator's actions on an organisation's administrators.
var (
	// ErrHasAdmin means the organisation already has an active administrator,
	// so only break-glass may add another.
	ErrHasAdmin = errors.New("auth: the organisation already has an administrator")
	// ErrSystemAdmin means the account is a system administrator's, which
	// never holds a role in an organisation: the role would let it read the
	// organisation's personal data.
	ErrSystemAdmin = errors.New("auth: a system administrator cannot hold a role in an organisation")
)

// orgAdminsLock is the first key of the advisory lock taken while the system
// administrator adds an administrator to an organisation (the second key is
// the organisation), so that two at once cannot both be "the first".
const orgAdminsLock = 1016

// CreateFirstAdmin gives u the municipality administrator role in the tenant
// of tx, as the organisation's first administrator. Returns ErrHasAdmin when
// the organisation already has an active administrator, ErrSystemAdmin for a
// system administrator's account and ErrConflict when the account already
// holds a role here.
func CreateFirstAdmin(ctx context.Context, tx db.Tx, u NewUser) (int, error) {
	n, err := activeAdmins(ctx, tx)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		return 0, ErrHasAdmin
	}
	u.Roles = []Role{MunicipalityAdmin}
	id, _, err := CreateTenantUser(ctx, tx, u)
	if err != nil {
		return 0, err
	}
	return id, audit.RecordSecurity(ctx, tx.Tx, audit.SecurityEvent{UserID: tx.UserID, Action: "admin.first_admin",
		Detail: map[string]any{"org": tx.TenantID, "user": id}})
}

// BreakGlassAdmin makes u a municipality administrator of the tenant of tx
// although the organisation may have administrators already: the system
// administrator's way in when they are all gone or unreachable. reason is
// written to the organisation's audit log and shown to its administrators
// (BreakGlassLog). An account already holding other roles here keeps them.
// Returns ErrSystemAdmin for a system administrator's account and ErrConflict
// when the account is an administrator here already.
func BreakGlassAdmin(ctx context.Context, tx db.Tx, u NewUser, reason string) (int, error) {
	if _, err := activeAdmins(ctx, tx); err != nil {
		return 0, err
	}
	var id int
	var roles []Role
	err := tx.QueryRow(ctx, `
		SELECT u.id, array_agg(m.role ORDER BY m.role) FROM users u JOIN memberships m ON m.user_id = u.id
		WHERE m.tenant_id = $1 AND u.email = $2 GROUP BY u.id`, tx.TenantID, u.Email).Scan(&id, &roles)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		u.Roles = []Role{MunicipalityAdmin}
		if id, _, err = CreateTenantUser(ctx, tx, u); err != nil {
			return 0, err
		}
	case err != nil:
		return 0, fmt.Errorf("auth: break glass: %w", err)
	case slices.Contains(roles, MunicipalityAdmin):
		return 0, fmt.Errorf("auth: break glass: %w", db.ErrConflict)
	default:
		if err := SetTenantRoles(ctx, tx, id, append(roles, MunicipalityAdmin)); err != nil {
			return 0, err
		}
	}
	if err := audit.Record(ctx, tx, audit.Event{Action: "membership.break_glass", RecordType: "user", RecordID: strconv.Itoa(id),
		Detail: map[string]any{"reason": reason}}); err != nil {
		return 0, err
	}
	return id, audit.RecordSecurity(ctx, tx.Tx, audit.SecurityEvent{UserID: tx.UserID, Action: "admin.break_glass",
		Detail: map[string]any{"org": tx.TenantID, "user": id}})
}

// RecordRefusal writes to the security log that userID was refused giving
// an account a role in organisation org, and why ("has_admin",
// "system_admin"): the refused transaction itself leaves no row.
func RecordRefusal(ctx context.Context, pool *pgxpool.Pool, userID, org int, why string) error {
	return db.InGlobal(ctx, pool, 0, func(tx pgx.Tx) error {
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: userID, Action: "membership.refused",
			Detail: map[string]any{"org": org, "why": why}})
	})
}

// activeAdmins locks the organisation's administrators for the rest of tx
// and counts the active ones.
func activeAdmins(ctx context.Context, tx db.Tx) (n int, err error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, orgAdminsLock, tx.TenantID); err != nil {
		return 0, fmt.Errorf("auth: lock administrators: %w", err)
	}
	err = tx.QueryRow(ctx, `
		SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id AND u.active
		WHERE m.tenant_id = $1 AND m.role = 'municipality_admin'`, tx.TenantID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("auth: count administrators: %w", err)
	}
	return n, nil
}

// BreakGlass is one administrator the system administrator added in
// break-glass, as the organisation's administrators see it.
type BreakGlass struct {
	At     time.Time
	By     string // the system administrator's name
	Name   string // the administrator added
	Email  string
	Reason string
}

// BreakGlassLog lists the break-glass additions to the tenant of tx, newest
// first, from its audit log.
func BreakGlassLog(ctx context.Context, tx db.Tx) ([]BreakGlass, error) {
	rows, _ := tx.Query(ctx, `
		SELECT a.at, coalesce(b.name, ''), coalesce(u.name, ''), coalesce(u.email, ''), coalesce(a.detail->>'reason', '')
		FROM audit_events a
		LEFT JOIN users b ON b.id = a.user_id
		LEFT JOIN users u ON u.id::text = a.record_id
		WHERE a.tenant_id = $1 AND a.action = 'membership.break_glass'
		ORDER BY a.at DESC, a.id DESC`, tx.TenantID)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[BreakGlass])
	if err != nil {
		return nil, fmt.Errorf("auth: break-glass log: %w", err)
	}
	return out, nil
}

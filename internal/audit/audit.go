// Package audit writes the audit log: every read and write of personal data,
// every sign-in and its failures, role changes and exports. Rows are written in
// the same transaction as the action they record, so there is never an action
// without its row or a row without its action.
package audit

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/db"
)

// Meta is who acts and from where; middleware puts it in the request context.
type Meta struct {
	UserID     int
	RequestID  string
	ClientAddr string
}

type metaKey struct{}

// WithMeta returns ctx carrying m.
func WithMeta(ctx context.Context, m Meta) context.Context {
	return context.WithValue(ctx, metaKey{}, m)
}

// MetaFrom returns the Meta carried by ctx (zero when none).
func MetaFrom(ctx context.Context) Meta {
	m, _ := ctx.Value(metaKey{}).(Meta)
	return m
}

// Event is one thing that happened to one record.
type Event struct {
	Action     string // "<area>.<verb>", e.g. "user.create"
	RecordType string // e.g. "user", "participant"
	RecordID   string
	Detail     map[string]any // counts and codes, never personal data
}

// Record writes e to the tenant's audit log inside tx. The acting user is
// tx.UserID; request id and client address come from ctx.
func Record(ctx context.Context, tx db.Tx, e Event) error {
	m := MetaFrom(ctx)
	_, err := tx.Exec(ctx, `
		INSERT INTO audit_events (tenant_id, user_id, action, record_type, record_id, request_id, client_addr, detail)
		VALUES ($1, NULLIF($2, 0), $3, $4, $5, $6, $7, $8)`,
		tx.TenantID, tx.UserID, e.Action, e.RecordType, e.RecordID, m.RequestID, m.ClientAddr, detail(e.Detail))
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	return nil
}

// SecurityEvent is an event that belongs to no tenant.
type SecurityEvent struct {
	UserID    int    // 0 when the account is unknown
	Action    string // e.g. "session.signin"
	ProjectID int
	Detail    map[string]any
}

// RecordSecurity writes e to the global security log inside tx.
func RecordSecurity(ctx context.Context, tx pgx.Tx, e SecurityEvent) error {
	m := MetaFrom(ctx)
	_, err := tx.Exec(ctx, `
		INSERT INTO security_events (user_id, action, project_id, request_id, client_addr, detail)
		VALUES (NULLIF($1, 0), $2, NULLIF($3, 0), $4, $5, $6)`,
		e.UserID, e.Action, e.ProjectID, m.RequestID, m.ClientAddr, detail(e.Detail))
	if err != nil {
		return fmt.Errorf("audit: record security %s: %w", e.Action, err)
	}
	return nil
}

func detail(d map[string]any) map[string]any {
	if d == nil {
		return map[string]any{}
	}
	return d
}

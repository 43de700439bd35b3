package sms

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/db"
)

// Line is one SMS as a page lists it.
type Line struct {
	ID        int64
	Direction string
	Status    string
	Text      string
	At        time.Time
	Delivered *time.Time
}

// ForParticipant returns participant id's SMS, newest first, at most 20.
func ForParticipant(ctx context.Context, tx db.Tx, id int64) ([]Line, error) {
	rows, _ := tx.Query(ctx, `
		SELECT s.id, s.direction, s.status, c.note, s.created_at, s.delivered_at
		FROM sms_messages s JOIN contacts_effective c ON c.tenant_id = s.tenant_id AND c.id = s.contact_id
		WHERE s.tenant_id = $1 AND s.participant_id = $2 ORDER BY s.id DESC LIMIT 20`, tx.TenantID, id)
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Line])
}

// Record is one SMS to or from a person as the register extract lists it:
// the number it went to or came from and where it got to (its text is the
// note of the contact it was logged as).
type Record struct {
	Direction string
	Phone     string
	Status    string
	At        time.Time
	Delivered *time.Time
}

// History returns every SMS to or from participant id, oldest first, for
// the register extract.
func History(ctx context.Context, tx db.Tx, id int64) ([]Record, error) {
	rows, _ := tx.Query(ctx, `
		SELECT s.direction, s.phone, s.status, s.created_at, s.delivered_at FROM sms_messages s
		WHERE s.tenant_id = $1 AND s.participant_id = $2 ORDER BY s.id`, tx.TenantID, id)
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Record])
}

// UnmatchedCount is how many received SMS of the municipality belong to nobody.
func UnmatchedCount(ctx context.Context, tx db.Tx) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM sms_messages WHERE tenant_id = $1 AND direction = 'incoming' AND participant_id IS NULL`, tx.TenantID).Scan(&n)
	return n, err
}

// Unmatched is a received SMS that belongs to nobody.
type Unmatched struct {
	ID    int64
	Phone string
	Text  string
	At    time.Time
}

// UnmatchedList returns the municipality's unmatched SMS, newest first, at most 200.
func UnmatchedList(ctx context.Context, tx db.Tx) ([]Unmatched, error) {
	rows, _ := tx.Query(ctx, `
		SELECT id, phone, body, created_at FROM sms_messages
		WHERE tenant_id = $1 AND direction = 'incoming' AND participant_id IS NULL ORDER BY id DESC LIMIT 200`, tx.TenantID)
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Unmatched])
}

package moves

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
)

// QueueMovedIn is the key of the queue "Inflyttade att registrera" in Att göra.
const QueueMovedIn = "moved_in_to_register"

// Notice is a notice received from another municipality: a young person who
// has moved here, to be registered.
type Notice struct {
	ID           int64
	From         string // the sending municipality's name
	Personnummer string
	FirstName    string
	LastName     string
	MovedOn      time.Time
	SentAt       time.Time
}

// Notices returns the notices of this municipality not yet handled, oldest
// first, and records the read when there are any.
func Notices(ctx context.Context, tx db.Tx) ([]Notice, error) {
	rows, _ := tx.Query(ctx, `
		SELECT n.id, o.name, n.personnummer, n.first_name, n.last_name, n.moved_on, n.sent_at
		FROM move_notices n JOIN orgs o ON o.id = n.from_org_id
		WHERE n.tenant_id = $1 AND n.outcome IS NULL ORDER BY n.sent_at, n.id`, tx.TenantID)
	ns, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Notice])
	if err != nil {
		return nil, fmt.Errorf("moves: notices: %w", err)
	}
	if len(ns) == 0 {
		return nil, nil
	}
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = strconv.FormatInt(n.ID, 10)
	}
	return ns, audit.Record(ctx, tx, audit.Event{Action: "move_notice.read", RecordType: "move_notice",
		RecordID: strings.Join(ids, ","), Detail: map[string]any{"count": len(ns)}})
}

// Open returns this municipality's open notice nid, to fill in the form for a
// new participant, and records the read. Returns db.ErrNotFound if there is
// no open notice nid here.
func Open(ctx context.Context, tx db.Tx, nid int64) (Notice, error) {
	var n Notice
	err := tx.QueryRow(ctx, `
		SELECT n.id, o.name, n.personnummer, n.first_name, n.last_name, n.moved_on, n.sent_at
		FROM move_notices n JOIN orgs o ON o.id = n.from_org_id
		WHERE n.tenant_id = $1 AND n.id = $2 AND n.outcome IS NULL`,
		tx.TenantID, nid).Scan(&n.ID, &n.From, &n.Personnummer, &n.FirstName, &n.LastName, &n.MovedOn, &n.SentAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return n, fmt.Errorf("move notice %d: %w", nid, db.ErrNotFound)
	}
	if err != nil {
		return n, fmt.Errorf("moves: open: %w", err)
	}
	return n, audit.Record(ctx, tx, audit.Event{Action: "move_notice.open", RecordType: "move_notice", RecordID: strconv.FormatInt(nid, 10)})
}

// Registered marks notice nid handled because participant pid has been
// registered from it, and empties its name and personnummer (they are in
// the register now). A notice already handled, or not this municipality's,
// is left as it is.
func Registered(ctx context.Context, tx db.Tx, nid, pid int64) error {
	if nid == 0 {
		return nil
	}
	tag, err := tx.Exec(ctx, `
		UPDATE move_notices SET outcome = 'registered', handled_by = NULLIF($3, 0), handled_at = now(),
		       personnummer = '', first_name = '', last_name = ''
		WHERE tenant_id = $1 AND id = $2 AND outcome IS NULL`, tx.TenantID, nid, tx.UserID)
	if err != nil {
		return fmt.Errorf("moves: registered: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return nil
	}
	return audit.Record(ctx, tx, audit.Event{Action: "move_notice.register", RecordType: "move_notice", RecordID: strconv.FormatInt(nid, 10),
		Detail: map[string]any{"participant": pid}})
}

// Dismiss marks notice nid as dismissed for reason (1–200 characters) and
// empties its name and personnummer.
// Returns Problems for a missing or long reason, db.ErrNotFound if this
// municipality has no open notice nid.
func Dismiss(ctx context.Context, tx db.Tx, nid int64, reason string) error {
	reason = strings.TrimSpace(reason)
	switch n := len([]rune(reason)); {
	case n == 0:
		return Problems{"dismiss_reason": "Skriv kort varför underrättelsen avfärdas, till exempel ”redan registrerad”."}
	case n > 200:
		return Problems{"dismiss_reason": fmt.Sprintf("Skriv högst 200 tecken (nu %d).", n)}
	}
	tag, err := tx.Exec(ctx, `
		UPDATE move_notices SET outcome = 'dismissed', dismiss_reason = $3, handled_by = NULLIF($4, 0), handled_at = now(),
		       personnummer = '', first_name = '', last_name = ''
		WHERE tenant_id = $1 AND id = $2 AND outcome IS NULL`, tx.TenantID, nid, reason, tx.UserID)
	if err != nil {
		return fmt.Errorf("moves: dismiss: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("move notice %d: %w", nid, db.ErrNotFound)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "move_notice.dismiss", RecordType: "move_notice", RecordID: strconv.FormatInt(nid, 10)})
}

// AcceptsNotices reports whether this municipality receives notices.
func AcceptsNotices(ctx context.Context, tx db.Tx) (bool, error) {
	var on bool
	err := tx.QueryRow(ctx, `SELECT coalesce((SELECT accepts_move_notices FROM tenant_settings WHERE tenant_id = $1), true)`, tx.TenantID).Scan(&on)
	if err != nil {
		return false, fmt.Errorf("moves: settings: %w", err)
	}
	return on, nil
}

// SetAcceptsNotices turns receiving notices on or off for this municipality,
// audited.
func SetAcceptsNotices(ctx context.Context, tx db.Tx, on bool) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO tenant_settings (tenant_id, accepts_move_notices) VALUES ($1, $2)
		ON CONFLICT (tenant_id) DO UPDATE SET accepts_move_notices = excluded.accepts_move_notices`, tx.TenantID, on)
	if err != nil {
		return fmt.Errorf("moves: settings: %w", err)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "settings.update", RecordType: "settings",
		Detail: map[string]any{"accepts_move_notices": on}})
}

package sms

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
)

// RecordReport applies a delivery report to the message the gateway calls
// rep.ID, in the municipality that sent it, as a system write. A report for
// an unknown message is ignored; a repeated one changes nothing more. A
// report never moves a message back: "sent" does not undo "delivered".
func RecordReport(ctx context.Context, pool db.Pool, rep Report) error {
	tenant, err := tenantOf(ctx, pool, `SELECT sms_report_tenant($1)`, string(rep.ID))
	if err != nil || tenant == 0 {
		return err
	}
	status := map[string]string{"sent": "sent", "delivered": "delivered", "failed": "failed"}[rep.Status]
	return db.InTenant(ctx, pool, tenant, 0, func(tx db.Tx) error {
		var smsID, pid int64
		err := tx.QueryRow(ctx, `
			UPDATE sms_messages SET status = $3, updated_at = now(),
			       delivered_at = CASE WHEN $3 = 'delivered' THEN coalesce($4, now()) END
			WHERE tenant_id = $1 AND provider_id = $2 AND direction = 'outgoing'
			  AND status IN ('sending', 'sent', 'not_sent') AND NOT ($3 = 'sent' AND status = 'sent')
			RETURNING id, participant_id`, tx.TenantID, string(rep.ID), status, nullTime(rep)).Scan(&smsID, &pid)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("sms: report: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "sms.report", RecordType: "participant", RecordID: strconv.FormatInt(pid, 10),
			Detail: map[string]any{"sms": smsID, "status": status}})
	})
}

func nullTime(rep Report) any {
	if rep.Delivered.IsZero() {
		return nil
	}
	return rep.Delivered
}

// RecordIncoming logs an SMS someone sent us. The municipality is the one
// that wrote to the sender's number in the last 90 days (sms_reply_tenant);
// within it, when every SMS to that number went to one person, the SMS is an
// incoming contact of that person, written in the name of whoever last wrote
// to them. Otherwise it is kept as an unmatched SMS (okopplade sms) of the
// municipality. "STOPP" turns SMS off for everyone the municipality wrote to
// at that number, matched or not. An SMS from a number no municipality, or
// more than one, wrote to is not kept: there is no one municipality to keep
// it for. A repeated callback changes nothing.
func RecordIncoming(ctx context.Context, pool db.Pool, in Incoming) error {
	tenant, err := tenantOf(ctx, pool, `SELECT sms_reply_tenant($1)`, in.From)
	if err != nil || tenant == 0 {
		return err
	}
	text := truncate(in.Text, 2000)
	return db.InTenant(ctx, pool, tenant, 0, func(tx db.Tx) error {
		var seen bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM sms_messages WHERE tenant_id = $1 AND provider_id = $2 AND direction = 'incoming')`,
			tx.TenantID, string(in.ID)).Scan(&seen); err != nil || seen {
			return err
		}
		rows, _ := tx.Query(ctx, `
			SELECT participant_id, (array_agg(created_by ORDER BY id DESC))[1] FROM sms_messages
			WHERE tenant_id = $1 AND phone = $2 AND direction = 'outgoing' GROUP BY participant_id`, tx.TenantID, in.From)
		type writer struct {
			Participant int64
			By          int
		}
		ws, err := pgx.CollectRows(rows, pgx.RowToStructByPos[writer])
		if err != nil {
			return fmt.Errorf("sms: incoming: %w", err)
		}
		if len(ws) != 1 {
			var smsID int64
			if err := tx.QueryRow(ctx, `
				INSERT INTO sms_messages (tenant_id, direction, phone, body, status, provider_id, created_at)
				VALUES ($1, 'incoming', $2, $3, 'received', $4, $5) RETURNING id`,
				tx.TenantID, in.From, text, string(in.ID), in.Created).Scan(&smsID); err != nil {
				return fmt.Errorf("sms: incoming: %w", err)
			}
			if err := audit.Record(ctx, tx, audit.Event{Action: "sms.unmatched", RecordType: "sms", RecordID: strconv.FormatInt(smsID, 10)}); err != nil {
				return err
			}
			return optOut(ctx, tx, in)
		}
		w := ws[0]
		cid, err := participant.LogContact(ctx, tx, w.Participant, participant.Contact{OccurredAt: in.Created, Channel: "sms",
			Direction: "incoming", Reached: true, Note: text, CreatedBy: w.By})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO sms_messages (tenant_id, direction, participant_id, contact_id, phone, status, provider_id, created_at)
			VALUES ($1, 'incoming', $2, $3, $4, 'received', $5, $6)`,
			tx.TenantID, w.Participant, cid, in.From, string(in.ID), in.Created); err != nil {
			return fmt.Errorf("sms: incoming: %w", err)
		}
		return optOut(ctx, tx, in)
	})
}

// optOut turns SMS off, when in says STOPP, for everyone in the municipality
// of tx who was sent an SMS at in's number, each audited.
func optOut(ctx context.Context, tx db.Tx, in Incoming) error {
	if !IsStop(in.Text) {
		return nil
	}
	rows, _ := tx.Query(ctx, `
		UPDATE participants p SET no_sms = true, updated_at = now()
		WHERE p.tenant_id = $1 AND NOT p.no_sms AND p.id IN (SELECT s.participant_id FROM sms_messages s
		      WHERE s.tenant_id = $1 AND s.phone = $2 AND s.direction = 'outgoing')
		RETURNING p.id`, tx.TenantID, in.From)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("sms: opt out: %w", err)
	}
	for _, id := range ids {
		if err := audit.Record(ctx, tx, audit.Event{Action: "participant.sms_opt_out", RecordType: "participant", RecordID: strconv.FormatInt(id, 10)}); err != nil {
			return err
		}
	}
	return nil
}

// IsStop reports whether a reply asks for no more SMS: "STOPP" (or "stop"),
// alone, in any case.
func IsStop(text string) bool {
	t := strings.ToUpper(strings.Trim(strings.TrimSpace(text), ".!"))
	return t == "STOPP" || t == "STOP"
}

func tenantOf(ctx context.Context, pool db.Pool, sql, arg string) (int, error) {
	var t *int
	if err := pool.QueryRow(ctx, sql, arg).Scan(&t); err != nil {
		return 0, fmt.Errorf("sms: find municipality: %w", err)
	}
	if t == nil {
		return 0, nil
	}
	return *t, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

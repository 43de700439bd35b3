package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/db"
)

// Entry is one row of a municipality's audit log, as the access-log review
// (loggkontroll) shows it.
type Entry struct {
	ID         int64
	At         time.Time
	UserID     int // 0 for the system
	UserName   string
	Action     string
	RecordType string
	RecordID   string
	ClientAddr string
	RequestID  string
}

// Filter narrows the review. Zero fields do not filter.
type Filter struct {
	UserID        int
	ParticipantID int64 // the participant's record, and reports that listed them
	Action        string
	From, To      time.Time // Swedish dates, inclusive
	Sample        bool      // a fixed random sample of the period's reads of records instead of everything
}

// ReviewLimit is how many rows the review shows; the CSV has them all.
const ReviewLimit = 500

// SampleSize is how many reads a monthly sample holds.
const SampleSize = 25

// ReadActions are the actions that show a person's record.
var ReadActions = []string{"participant.read", "plan.read", "mapping.read"}

// Review returns the entries of the municipality of tx that match f, newest
// first, at most limit (0 for all), with how many match in all. Reading the
// log is itself logged.
func Review(ctx context.Context, tx db.Tx, f Filter, limit int) ([]Entry, int, error) {
	args := pgx.NamedArgs{"tenant": tx.TenantID, "user": f.UserID, "participant": f.ParticipantID, "action": f.Action,
		"from": f.From, "to": f.To, "sample": f.Sample, "reads": ReadActions, "limit": limit}
	rows, _ := tx.Query(ctx, `
		SELECT a.id, a.at, coalesce(a.user_id, 0), coalesce(u.name, 'Systemet'), a.action, a.record_type, a.record_id,
		       a.client_addr, a.request_id, count(*) OVER ()
		FROM audit_events a LEFT JOIN users u ON u.id = a.user_id
		WHERE a.tenant_id = @tenant
		  AND a.at >= @from::date::timestamp AT TIME ZONE 'Europe/Stockholm'
		  AND a.at < (@to::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm'
		  AND (@user::int = 0 OR a.user_id = @user)
		  AND (@action::text = '' OR a.action = @action)
		  AND (@participant::bigint = 0
		       OR (a.record_type = 'participant' AND a.record_id = @participant::text)
		       OR (a.record_type = 'report' AND a.detail -> 'participants' @> to_jsonb(@participant::bigint)))
		  AND (NOT @sample OR a.action = ANY (@reads::text[]))
		ORDER BY CASE WHEN @sample THEN md5(a.id::text || to_char(@from::date, 'YYYY-MM')) END, a.at DESC, a.id DESC
		LIMIT CASE WHEN @sample THEN `+fmt.Sprint(SampleSize)+` WHEN @limit::int > 0 THEN @limit::int END`, args)
	var out []Entry
	var e Entry
	total := 0
	if _, err := pgx.ForEachRow(rows, []any{&e.ID, &e.At, &e.UserID, &e.UserName, &e.Action, &e.RecordType, &e.RecordID, &e.ClientAddr, &e.RequestID, &total}, func() error {
		out = append(out, e)
		return nil
	}); err != nil {
		return nil, 0, fmt.Errorf("audit: review: %w", err)
	}
	return out, total, Record(ctx, tx, Event{Action: "audit.review", RecordType: "audit", Detail: map[string]any{
		"user": f.UserID, "participant": f.ParticipantID, "action": f.Action, "sample": f.Sample,
		"from": f.From.Format("2006-01-02"), "to": f.To.Format("2006-01-02"), "rows": len(out)}})
}

// Finding is access that stands out.
type Finding struct {
	Kind     string // "many" (a day with far more reads than the user's usual), "off_hours", "not_assigned"
	UserID   int
	UserName string
	Day      time.Time // for "many": the day
	Count    int       // reads that day, out of hours, or of people not assigned to the user
	Usual    int       // for "many": the user's usual day (median of the 30 days before with reads)
}

// Unusual finds the access of the period that stands out: a user reading
// many more records than usual in a day (more than 20 and three times their
// median day over the 30 days before), reads outside working hours (before
// 07:00, from 19:00, at weekends, Swedish time) and reads of participants
// the reading user is not assigned to.
func Unusual(ctx context.Context, tx db.Tx, from, to time.Time) ([]Finding, error) {
	args := pgx.NamedArgs{"tenant": tx.TenantID, "from": from, "to": to, "reads": ReadActions}
	rows, _ := tx.Query(ctx, `
		WITH reads AS (
		    SELECT a.user_id, a.at AT TIME ZONE 'Europe/Stockholm' AS local, a.record_id
		    FROM audit_events a
		    WHERE a.tenant_id = @tenant AND a.user_id IS NOT NULL AND a.action = ANY (@reads::text[])
		      AND a.at >= (@from::date - 30)::timestamp AT TIME ZONE 'Europe/Stockholm'
		      AND a.at < (@to::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm'),
		days AS (
		    SELECT user_id, local::date AS day, count(DISTINCT record_id) AS n FROM reads GROUP BY 1, 2),
		many AS (
		    SELECT 'many' AS kind, d.user_id, d.day, d.n::int AS n, coalesce(u.usual, 0)::int AS usual
		    FROM days d CROSS JOIN LATERAL (
		        SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY b.n) AS usual FROM days b
		        WHERE b.user_id = d.user_id AND b.day BETWEEN d.day - 30 AND d.day - 1) u
		    WHERE d.day BETWEEN @from AND @to AND d.n > 20 AND d.n > 3 * coalesce(u.usual, 0)),
		off_hours AS (
		    SELECT 'off_hours', r.user_id, NULL::date, count(*)::int, 0
		    FROM reads r
		    WHERE r.local::date BETWEEN @from AND @to
		      AND (extract(hour FROM r.local) < 7 OR extract(hour FROM r.local) >= 19 OR extract(isodow FROM r.local) >= 6)
		    GROUP BY r.user_id),
		not_assigned AS (
		    SELECT 'not_assigned', r.user_id, NULL::date, count(DISTINCT r.record_id)::int, 0
		    FROM reads r
		    WHERE r.local::date BETWEEN @from AND @to
		      AND NOT EXISTS (SELECT 1 FROM participant_coordinators pc
		                      WHERE pc.tenant_id = @tenant AND pc.user_id = r.user_id AND pc.participant_id::text = r.record_id)
		    GROUP BY r.user_id)
		SELECT f.kind, f.user_id, coalesce(u.name, ''), f.day, f.n, f.usual
		FROM (SELECT * FROM many UNION ALL SELECT * FROM off_hours UNION ALL SELECT * FROM not_assigned) f(kind, user_id, day, n, usual)
		LEFT JOIN users u ON u.id = f.user_id
		ORDER BY f.kind, f.n DESC, u.name`, args)
	var out []Finding
	var x Finding
	var day *time.Time
	if _, err := pgx.ForEachRow(rows, []any{&x.Kind, &x.UserID, &x.UserName, &day, &x.Count, &x.Usual}, func() error {
		if day != nil {
			x.Day = *day
		}
		out = append(out, x)
		x, day = Finding{}, nil
		return nil
	}); err != nil {
		return nil, fmt.Errorf("audit: unusual access: %w", err)
	}
	return out, nil
}

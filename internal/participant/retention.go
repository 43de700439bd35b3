package participant

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
)

// Retention is a municipality's retention policy (gallring): how many months
// personal data is kept after the last KAA enrolment ended, after the last
// project enrolment ended, and after identification for someone never
// enrolled.
type Retention struct {
	KAAMonths        int
	ProjectMonths    int
	UnenrolledMonths int
}

// DefaultRetention is the policy of a municipality that has set none.
var DefaultRetention = Retention{KAAMonths: 24, ProjectMonths: 120, UnenrolledMonths: 6}

// GetRetention returns the policy of the municipality of tx.
func GetRetention(ctx context.Context, tx db.Tx) (Retention, error) {
	r := DefaultRetention
	err := tx.QueryRow(ctx, `SELECT kaa_months, project_months, unenrolled_months FROM retention_policies WHERE tenant_id = $1`, tx.TenantID).
		Scan(&r.KAAMonths, &r.ProjectMonths, &r.UnenrolledMonths)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("participant: retention policy: %w", err)
	}
	return r, nil
}

// SaveRetention stores the policy of the municipality of tx.
func SaveRetention(ctx context.Context, tx db.Tx, r Retention) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO retention_policies (tenant_id, kaa_months, project_months, unenrolled_months) VALUES ($1, $2, $3, $4)
		ON CONFLICT (tenant_id) DO UPDATE SET kaa_months = excluded.kaa_months, project_months = excluded.project_months,
		       unenrolled_months = excluded.unenrolled_months`, tx.TenantID, r.KAAMonths, r.ProjectMonths, r.UnenrolledMonths)
	if err != nil {
		return fmt.Errorf("participant: save retention policy: %w", err)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "retention.policy", RecordType: "settings",
		Detail: map[string]any{"kaa_months": r.KAAMonths, "project_months": r.ProjectMonths, "unenrolled_months": r.UnenrolledMonths}})
}

// Erased counts the people whose data a retention run removes (or, dry,
// would remove), by rule: "kaa", "project" or "unenrolled".
type Erased map[string]int

// Total is everyone in e.
func (e Erased) Total() int {
	n := 0
	for _, v := range e {
		n += v
	}
	return n
}

// RunRetention removes, in the municipality of tx, the personal data whose
// time under the policy has passed as of today: the personnummer, name,
// contact details, notes and the free text of mappings and plans, through
// retention_erase. The anonymous rows the statistics come from stay. With
// dry nothing changes and the counts say what would go. Either way the run
// is in the audit log with its counts. Running it again removes nothing more.
func RunRetention(ctx context.Context, tx db.Tx, today time.Time, dry bool) (Erased, error) {
	sql := `SELECT rule, count(*) FROM retention_due($1, $2) GROUP BY rule`
	if !dry {
		sql = `SELECT rule, people FROM retention_erase($1, $2)`
	}
	rows, _ := tx.Query(ctx, sql, tx.TenantID, today)
	e := Erased{}
	var rule string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&rule, &n}, func() error { e[rule] = n; return nil }); err != nil {
		return nil, fmt.Errorf("participant: retention: %w", err)
	}
	detail := map[string]any{"dry_run": dry, "as_of": today.Format(time.DateOnly), "people": e.Total()}
	for k, v := range e {
		detail[k] = v
	}
	return e, audit.Record(ctx, tx, audit.Event{Action: "retention.run", RecordType: "retention", Detail: detail})
}

// RetentionEverywhere runs RunRetention in every organisation and returns
// what it removed (or would) by organisation key, leaving out those with
// nothing due.
func RetentionEverywhere(ctx context.Context, pool db.Pool, today time.Time, dry bool) (map[string]Erased, error) {
	out := map[string]Erased{}
	err := forEachOrg(ctx, pool, func(tx db.Tx, key string) error {
		e, err := RunRetention(ctx, tx, today, dry)
		if e.Total() > 0 {
			out[key] = e
		}
		return err
	})
	return out, err
}

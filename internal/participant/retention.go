package participant

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/org"
)

// Retention is how many months personal data is kept (gallring) after
// avregistrering from the KAA register, after the last project enrolment
// ended, and after identification for someone never registered.
type Retention struct {
	KAAMonths        int
	ProjectMonths    int
	UnenrolledMonths int
}

// Decision is a municipality's gallringsbeslut: the decision of the
// responsible board that its personal data is erased after the months of
// Retention. The newest recorded one is in force; without one nothing is
// erased.
type Decision struct {
	ID        int64
	Reference string    // the diarienummer
	DecidedOn time.Time // the beslutsdatum
	DecidedBy string    // the deciding body, e.g. "Barn- och utbildningsnämnden"
	Retention
	RecordedBy string // the name of the user who recorded it
	RecordedAt time.Time
}

const decisionColumns = `d.id, d.reference, d.decided_on, d.decided_by, d.kaa_months, d.project_months, d.unenrolled_months,
	coalesce(u.name, ''), d.recorded_at`

func scanDecision(row pgx.Row) (Decision, error) {
	var d Decision
	err := row.Scan(&d.ID, &d.Reference, &d.DecidedOn, &d.DecidedBy, &d.KAAMonths, &d.ProjectMonths, &d.UnenrolledMonths,
		&d.RecordedBy, &d.RecordedAt)
	return d, err
}

// Decisions returns the gallringsbeslut of the municipality of tx, the one in
// force first, then the ones it superseded.
func Decisions(ctx context.Context, tx db.Tx) ([]Decision, error) {
	rows, _ := tx.Query(ctx, `SELECT `+decisionColumns+` FROM retention_decisions d LEFT JOIN users u ON u.id = d.recorded_by
		WHERE d.tenant_id = $1 ORDER BY d.recorded_at DESC, d.id DESC`, tx.TenantID)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Decision, error) { return scanDecision(row) })
	if err != nil {
		return nil, fmt.Errorf("participant: gallringsbeslut: %w", err)
	}
	return out, nil
}

// CurrentDecision returns the gallringsbeslut in force in the municipality
// of tx, or db.ErrNotFound when none is recorded.
func CurrentDecision(ctx context.Context, tx db.Tx) (Decision, error) {
	d, err := scanDecision(tx.QueryRow(ctx, `SELECT `+decisionColumns+` FROM retention_decisions d LEFT JOIN users u ON u.id = d.recorded_by
		WHERE d.tenant_id = $1 ORDER BY d.recorded_at DESC, d.id DESC LIMIT 1`, tx.TenantID))
	if errors.Is(err, pgx.ErrNoRows) {
		return d, db.ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("participant: gallringsbeslut in force: %w", err)
	}
	return d, nil
}

// EarlierTimes returns the times an administrator saved before
// gallringsbeslut were recorded, if any. They are no decision and erase
// nothing; they fill in the form for the first decision and say what they
// would erase.
func EarlierTimes(ctx context.Context, tx db.Tx) (Retention, bool, error) {
	var r Retention
	err := tx.QueryRow(ctx, `SELECT kaa_months, project_months, unenrolled_months FROM retention_policies WHERE tenant_id = $1`, tx.TenantID).
		Scan(&r.KAAMonths, &r.ProjectMonths, &r.UnenrolledMonths)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("participant: earlier retention times: %w", err)
	}
	return r, true, nil
}

// RecordDecision records d as the gallringsbeslut in force in the
// municipality of tx, superseding the previous one (which stays in the
// history), and writes it to the audit log.
func RecordDecision(ctx context.Context, tx db.Tx, d Decision) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO retention_decisions (tenant_id, reference, decided_on, decided_by, kaa_months, project_months, unenrolled_months, recorded_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, nullif($8, 0)) RETURNING id`,
		tx.TenantID, d.Reference, d.DecidedOn, d.DecidedBy, d.KAAMonths, d.ProjectMonths, d.UnenrolledMonths, tx.UserID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("participant: record gallringsbeslut: %w", err)
	}
	return id, audit.Record(ctx, tx, audit.Event{Action: "retention.decision", RecordType: "retention_decision", RecordID: d.Reference,
		Detail: map[string]any{"reference": d.Reference, "decided_on": d.DecidedOn.Format(time.DateOnly), "decided_by": d.DecidedBy,
			"kaa_months": d.KAAMonths, "project_months": d.ProjectMonths, "unenrolled_months": d.UnenrolledMonths}})
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

// DueUnder counts, without changing or recording anything, whom r would
// erase in the municipality of tx as of today: the preview of a decision
// being entered. Only numbers, no one's data.
func DueUnder(ctx context.Context, tx db.Tx, today time.Time, r Retention) (Erased, error) {
	rows, _ := tx.Query(ctx, `SELECT rule, count(*) FROM retention_due($1, $2, $3, $4, $5) GROUP BY rule`,
		tx.TenantID, today, r.KAAMonths, r.ProjectMonths, r.UnenrolledMonths)
	e := Erased{}
	var rule string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&rule, &n}, func() error { e[rule] = n; return nil }); err != nil {
		return nil, fmt.Errorf("participant: retention due: %w", err)
	}
	return e, nil
}

// Run is what a retention run did, or would do, in one municipality.
type Run struct {
	// Decision is the gallringsbeslut in force; nil when none is recorded,
	// and then nothing was erased.
	Decision *Decision
	// Earlier are the times saved before decisions existed, when there is
	// no decision but such times are; Due then says what they would erase.
	Earlier *Retention
	// Erased says whether Due was erased (only with a decision and erase).
	Erased bool
	// Due are the people erased, or that would be, per rule.
	Due Erased
}

// RunRetention removes, in the municipality of tx, the personal data whose
// time under its gallringsbeslut has passed as of today: the personnummer,
// name, contact details, notes and the free text of mappings and plans,
// through retention_erase. The anonymous rows the statistics come from stay.
// Only with erase and a recorded decision does anything change; otherwise
// the counts say what the decision (or, without one, the times saved before
// decisions existed) would erase. Either way the run is in the audit log
// with its counts and the decision's reference. Running it again removes
// nothing more.
func RunRetention(ctx context.Context, tx db.Tx, today time.Time, erase bool) (Run, error) {
	var run Run
	d, err := CurrentDecision(ctx, tx)
	switch {
	case err == nil:
		run.Decision = &d
	case !errors.Is(err, db.ErrNotFound):
		return run, err
	}
	switch {
	case run.Decision != nil && erase:
		rows, _ := tx.Query(ctx, `SELECT rule, people FROM retention_erase($1, $2)`, tx.TenantID, today)
		run.Due = Erased{}
		var rule string
		var n int
		if _, err := pgx.ForEachRow(rows, []any{&rule, &n}, func() error { run.Due[rule] = n; return nil }); err != nil {
			return run, fmt.Errorf("participant: retention: %w", err)
		}
		run.Erased = true
	case run.Decision != nil:
		if run.Due, err = DueUnder(ctx, tx, today, run.Decision.Retention); err != nil {
			return run, err
		}
	default:
		r, ok, err := EarlierTimes(ctx, tx)
		if err != nil {
			return run, err
		}
		run.Due = Erased{}
		if ok {
			run.Earlier = &r
			if run.Due, err = DueUnder(ctx, tx, today, r); err != nil {
				return run, err
			}
		}
	}
	detail := map[string]any{"dry_run": !run.Erased, "as_of": today.Format(time.DateOnly), "people": run.Due.Total(),
		"decision": nil}
	ev := audit.Event{Action: "retention.run", RecordType: "retention", Detail: detail}
	if run.Decision != nil {
		detail["decision"] = run.Decision.Reference
		detail["decision_id"] = run.Decision.ID
		ev.RecordID = run.Decision.Reference
	}
	for k, v := range run.Due {
		detail[k] = v
	}
	return run, audit.Record(ctx, tx, ev)
}

// OrgRun is a retention run in one organisation.
type OrgRun struct {
	Key, Name string
	Run
}

// RetentionEverywhere runs RunRetention in every organisation, in the order
// of their keys, and returns what it did (or would) in each.
func RetentionEverywhere(ctx context.Context, pool db.Pool, today time.Time, erase bool) ([]OrgRun, error) {
	orgs, err := org.All(ctx, pool)
	if err != nil {
		return nil, err
	}
	var out []OrgRun
	var failed []error
	for _, o := range orgs {
		err := db.InTenant(ctx, pool, o.ID, 0, func(tx db.Tx) error {
			run, err := RunRetention(ctx, tx, today, erase)
			if err == nil {
				out = append(out, OrgRun{Key: o.Key, Name: o.Name, Run: run})
			}
			return err
		})
		if err != nil {
			failed = append(failed, fmt.Errorf("organisation %s: %w", o.Key, err))
		}
	}
	return out, errors.Join(failed...)
}

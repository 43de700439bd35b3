package scb

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
)

// HalfYear is the period of one report: January–June (Half 1) or July–December (Half 2).
type HalfYear struct{ Year, Half int }

// ParseHalfYear reads "2026-2".
func ParseHalfYear(s string) (HalfYear, bool) {
	y, h, ok := strings.Cut(s, "-")
	year, err1 := strconv.Atoi(y)
	half, err2 := strconv.Atoi(h)
	if !ok || err1 != nil || err2 != nil || (half != 1 && half != 2) || year < 2000 || year > 2100 {
		return HalfYear{}, false
	}
	return HalfYear{year, half}, true
}

// Current is the half-year of date.
func Current(date time.Time) HalfYear {
	if date.Month() <= 6 {
		return HalfYear{date.Year(), 1}
	}
	return HalfYear{date.Year(), 2}
}

// Prev is the half-year before h.
func (h HalfYear) Prev() HalfYear {
	if h.Half == 2 {
		return HalfYear{h.Year, 1}
	}
	return HalfYear{h.Year - 1, 2}
}

// String is "2026-2".
func (h HalfYear) String() string { return fmt.Sprintf("%d-%d", h.Year, h.Half) }

// Label is the Swedish name, "andra halvåret 2026".
func (h HalfYear) Label() string {
	if h.Half == 1 {
		return fmt.Sprintf("första halvåret %d", h.Year)
	}
	return fmt.Sprintf("andra halvåret %d", h.Year)
}

// Start is the first day of h.
func (h HalfYear) Start() time.Time {
	return time.Date(h.Year, time.Month(1+6*(h.Half-1)), 1, 0, 0, 0, 0, time.UTC)
}

// End is the last day of h.
func (h HalfYear) End() time.Time { return h.Start().AddDate(0, 6, -1) }

// Row is one line of a block: the person, a date, our code and SCB's code.
type Row struct {
	ParticipantID int64
	Personnummer  string
	Name          string
	Date          time.Time
	Category      string // our code
	Code          string // SCB's code
	Ref           int64  // the contact, for block 2
}

// Gap is a record that would be reported incompletely.
type Gap struct {
	Kind          string // reason_missing, occupation_unknown, measure_no_start, no_contact
	ParticipantID int64
	Name          string
	Ref           int64 // the contact, for occupation_unknown
}

// Report is the half-year report of one municipality.
type Report struct {
	Half   HalfYear
	Blocks [5][]Row // blocks 1–5 at index 0–4
	Gaps   []Gap
}

// inKAA selects the people with a KAA enrolment overlapping the half-year.
const inKAA = `
	SELECT DISTINCT ON (e.participant_id) e.participant_id, e.starts_on, e.ends_on, e.registration_reason
	FROM enrolments e
	WHERE e.tenant_id = @tenant AND e.kind = 'kaa' AND e.starts_on <= @end AND (e.ends_on IS NULL OR e.ends_on >= @start)
	ORDER BY e.participant_id, e.starts_on DESC`

// Build computes the report of the municipality of tx for h and records the
// read, with the ids of the people it shows.
func Build(ctx context.Context, tx db.Tx, h HalfYear) (Report, error) {
	r, err := compute(ctx, tx, h, 5)
	if err != nil {
		return r, err
	}
	// Who was shown: the record ids, so that the access log can answer who saw whom.
	ids := make([]int64, len(r.Blocks[0]))
	for i, row := range r.Blocks[0] {
		ids[i] = row.ParticipantID
	}
	return r, audit.Record(ctx, tx, audit.Event{Action: "scb.report", RecordType: "report",
		Detail: map[string]any{"half_year": h.String(), "people": len(r.Blocks[0]), "gaps": len(r.Gaps), "participants": ids}})
}

// GapCount is the number of gaps in the report for h, for a page that shows
// the number and no person: it is not logged as a read of the report.
func GapCount(ctx context.Context, tx db.Tx, h HalfYear) (int, error) {
	if err := db.PlanEachQuery(ctx, tx); err != nil {
		return 0, err
	}
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM (`+gapsSQL+`) g`, pgx.NamedArgs{"tenant": tx.TenantID, "start": h.Start(), "end": h.End()}).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("scb: gap count: %w", err)
	}
	return n, nil
}

// gapsSQL finds what would be reported incompletely for the half-year from
// @start to @end: KAA without a reason, reached contacts without an
// occupation, current measures without a start, and people in KAA the whole
// half-year who were never reached in it. It names no one, so that counting
// them reads no names.
const gapsSQL = `
	WITH k AS (` + inKAA + `),
	reached AS (SELECT c.id, c.participant_id, c.occurred_at, c.occupation FROM contacts_between(@tenant, @start, @end) c WHERE c.reached)
	SELECT 1 AS rank, 'reason_missing' AS kind, k.participant_id, 0::bigint AS ref
	FROM k WHERE k.registration_reason = 'unknown'
	UNION ALL
	SELECT 2, 'occupation_unknown', c.participant_id, c.id
	FROM reached c JOIN k ON k.participant_id = c.participant_id
	WHERE c.occupation = 'unknown'
	  AND (c.occurred_at AT TIME ZONE 'Europe/Stockholm')::date BETWEEN greatest(@start, k.starts_on) AND least(@end, coalesce(k.ends_on, @end))
	UNION ALL
	SELECT DISTINCT 3, 'measure_no_start', m.participant_id, 0::bigint
	FROM plan_measures m JOIN k ON k.participant_id = m.participant_id
	WHERE m.tenant_id = @tenant AND m.starts_on IS NULL
	  AND m.version = (SELECT max(version) FROM plans x WHERE x.tenant_id = @tenant AND x.participant_id = m.participant_id)
	UNION ALL
	SELECT 4, 'no_contact', k.participant_id, 0
	FROM k WHERE k.starts_on <= @start AND (k.ends_on IS NULL OR k.ends_on >= @end)
	  AND k.participant_id NOT IN (SELECT participant_id FROM reached)`

// compute builds the first blocks of the report for h, and its gaps.
func compute(ctx context.Context, tx db.Tx, h HalfYear, blocks int) (Report, error) {
	r := Report{Half: h}
	if err := db.PlanEachQuery(ctx, tx); err != nil {
		return r, err
	}
	args := pgx.NamedArgs{"tenant": tx.TenantID, "start": h.Start(), "end": h.End()}
	queries := [5]string{
		// 1: everyone in KAA during the half-year, with the reason for registration.
		`SELECT k.participant_id, p.personnummer, p.first_name || ' ' || p.last_name, k.starts_on, k.registration_reason, 0::bigint
		 FROM (` + inKAA + `) k JOIN participants p ON p.tenant_id = @tenant AND p.id = k.participant_id`,
		// 2: their contact occasions in the half-year (contacts that reached the
		// young person, during their time in KAA), with the occupation at contact.
		`SELECT c.participant_id, p.personnummer, p.first_name || ' ' || p.last_name, (c.occurred_at AT TIME ZONE 'Europe/Stockholm')::date,
		        c.occupation, c.id
		 FROM contacts_between(@tenant, @start, @end) c JOIN (` + inKAA + `) k ON k.participant_id = c.participant_id
		 JOIN participants p ON p.tenant_id = @tenant AND p.id = c.participant_id
		 WHERE c.reached
		   AND (c.occurred_at AT TIME ZONE 'Europe/Stockholm')::date BETWEEN greatest(@start, k.starts_on) AND least(@end, coalesce(k.ends_on, @end))`,
		// 3: measures of their current plans that started in the half-year.
		`SELECT m.participant_id, p.personnummer, p.first_name || ' ' || p.last_name, m.starts_on, m.type, 0::bigint
		 FROM plan_measures m JOIN (` + inKAA + `) k ON k.participant_id = m.participant_id
		 JOIN participants p ON p.tenant_id = @tenant AND p.id = m.participant_id
		 WHERE m.tenant_id = @tenant AND m.version = (SELECT max(version) FROM plans x WHERE x.tenant_id = @tenant AND x.participant_id = m.participant_id)
		   AND m.starts_on BETWEEN @start AND @end`,
		// 4: measures of their current plans that ended in the half-year.
		`SELECT m.participant_id, p.personnummer, p.first_name || ' ' || p.last_name, m.ends_on, m.type, 0::bigint
		 FROM plan_measures m JOIN (` + inKAA + `) k ON k.participant_id = m.participant_id
		 JOIN participants p ON p.tenant_id = @tenant AND p.id = m.participant_id
		 WHERE m.tenant_id = @tenant AND m.version = (SELECT max(version) FROM plans x WHERE x.tenant_id = @tenant AND x.participant_id = m.participant_id)
		   AND m.ends_on BETWEEN @start AND @end`,
		// 5: KAA that ended in the half-year, with the reason.
		`SELECT e.participant_id, p.personnummer, p.first_name || ' ' || p.last_name, e.ends_on, e.end_reason, 0::bigint
		 FROM enrolments e JOIN participants p ON p.tenant_id = @tenant AND p.id = e.participant_id
		 WHERE e.tenant_id = @tenant AND e.kind = 'kaa' AND e.ends_on BETWEEN @start AND @end`,
	}
	codes := [5]map[string]string{ReasonCodes, OccupationCodes, MeasureCodes, MeasureCodes, EndCodes}
	for i, q := range queries[:blocks] {
		rows, _ := tx.Query(ctx, q+` ORDER BY 2, 4`, args)
		block, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Row, error) {
			var r Row
			err := row.Scan(&r.ParticipantID, &r.Personnummer, &r.Name, &r.Date, &r.Category, &r.Ref)
			r.Code = codes[i][r.Category]
			return r, err
		})
		if err != nil {
			return r, fmt.Errorf("scb: block %d: %w", i+1, err)
		}
		r.Blocks[i] = block
	}
	rows, _ := tx.Query(ctx, `
		SELECT g.kind, g.participant_id, p.first_name || ' ' || p.last_name AS name, g.ref
		FROM (`+gapsSQL+`) g JOIN participants p ON p.tenant_id = @tenant AND p.id = g.participant_id
		ORDER BY g.rank, name, g.participant_id, g.ref`, args)
	more, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Gap])
	if err != nil {
		return r, fmt.Errorf("scb: gaps: %w", err)
	}
	r.Gaps = more
	return r, nil
}

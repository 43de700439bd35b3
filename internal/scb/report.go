// Package scb builds the municipality's half-year file to Statistics Sweden
// (SCB) for the activity responsibility (KAA): the rows of SCB's five parts,
// SCB's logical checks run on them before the download, the file laid out by
// a versioned spec table (spec/*.json) as xlsx or semicolon text, and the
// archive of every file made (docs/scb-report.md).
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

// compare orders half-years: negative when h is before o.
func (h HalfYear) compare(o HalfYear) int { return (h.Year*2 + h.Half) - (o.Year*2 + o.Half) }

// Row is one row of the file: one record of one of SCB's five parts, with
// our keys and dates; the spec turns it into SCB's columns and codes.
type Row struct {
	Record        string // a key of Records
	ParticipantID int64
	Personnummer  string
	Name          string
	Dates         map[string]time.Time // by field
	Keys          map[string]string    // by field: a key of the field's code list, or a kommunkod
}

// Finding is something SCB's logical checks would flag, or that would reach
// SCB as "uppgift saknas": one person, one kind, and the dates and keys the
// sentence names.
type Finding struct {
	Kind          string // see Kinds
	ParticipantID int64
	Name          string
	Personnummer  string
	Date          time.Time // the date the finding is about
	Field         string    // for "future": the field whose date has not come yet
	Measure       string    // for an åtgärd: its type (a key of codes.MeasureType)
	Message       string    // for "pnr": what is wrong with the number, in Swedish
}

// Kinds are the kinds of finding, in the order the page lists them.
var Kinds = []string{"pnr", "age", "reason_missing", "future", "moved_to_missing", "no_contact", "occupation_unknown",
	"measure_no_start", "declined_started", "occupation_after"}

// Report is the half-year submission of one municipality before it is laid
// out by a spec: the rows of SCB's five parts and the findings.
type Report struct {
	Half     HalfYear
	Today    time.Time
	Rows     []Row
	Findings []Finding
}

// Count is the number of rows of record.
func (r Report) Count(record string) int {
	n := 0
	for _, row := range r.Rows {
		if row.Record == record {
			n++
		}
	}
	return n
}

// People is the number of young people in the register during the half-year.
func (r Report) People() int { return r.Count("registration") }

// inKAA selects, per person, the latest KAA registration overlapping the half-year.
const inKAA = `
	SELECT DISTINCT ON (e.participant_id) e.participant_id, e.starts_on, e.ends_on, e.registration_reason
	FROM enrolments e
	WHERE e.tenant_id = @tenant AND e.kind = 'kaa' AND e.starts_on <= @end AND (e.ends_on IS NULL OR e.ends_on >= @start)
	ORDER BY e.participant_id, e.starts_on DESC`

// currentMeasures are the åtgärder of the current plan versions of the people in k.
const currentMeasures = `
	SELECT m.* FROM plan_measures m JOIN k ON k.participant_id = m.participant_id
	WHERE m.tenant_id = @tenant AND m.version = (SELECT max(version) FROM plans x WHERE x.tenant_id = @tenant AND x.participant_id = m.participant_id)`

// rowsSQL reads the five parts. Each row: record, person, personnummer,
// name, birth date, the KAA registration's last day in the half-year, and
// the values, unused ones NULL.
const rowsSQL = `
	WITH k AS (` + inKAA + `),
	m AS (` + currentMeasures + `),
	reached AS (SELECT c.id, c.participant_id, (c.occurred_at AT TIME ZONE 'Europe/Stockholm')::date AS on_date, c.occupation
	            FROM contacts_between(@tenant, @start, @end) c WHERE c.reached),
	r AS (
		SELECT 1 AS part, 'registration' AS record, k.participant_id, k.starts_on AS d1, k.ends_on AS d2, k.registration_reason AS k1, NULL AS k2, NULL AS k3
		FROM k
		UNION ALL
		SELECT 2, 'contact', c.participant_id, c.on_date, NULL, c.occupation, NULL, NULL
		FROM reached c JOIN k ON k.participant_id = c.participant_id
		WHERE c.on_date BETWEEN greatest(@start, k.starts_on) AND least(@end, coalesce(k.ends_on, @end))
		UNION ALL
		SELECT 3, 'measure_started', m.participant_id, m.starts_on, m.ends_on, m.type, NULL, NULL
		FROM m WHERE m.starts_on BETWEEN @start AND @end
		UNION ALL
		SELECT 4, 'measure_ended', m.participant_id, m.starts_on, m.ends_on, m.type, m.end_reason,
		       (SELECT c.occupation FROM participant_contacts_between(@tenant, m.participant_id, m.ends_on, '9999-12-31') c
		        WHERE c.reached AND c.occupation <> 'unknown' ORDER BY c.occurred_at LIMIT 1)
		FROM m WHERE m.ends_on BETWEEN @start AND @end
		UNION ALL
		SELECT 5, 'deregistration', e.participant_id, e.ends_on, NULL, e.end_reason, e.moved_to, NULL
		FROM enrolments e WHERE e.tenant_id = @tenant AND e.kind = 'kaa' AND e.ends_on BETWEEN @start AND @end
	)
	SELECT r.record, r.participant_id, p.personnummer, p.first_name || ' ' || p.last_name, p.birth_date,
	       r.d1, r.d2, r.k1, r.k2, r.k3
	FROM r JOIN participants p ON p.tenant_id = @tenant AND p.id = r.participant_id
	ORDER BY r.part, p.personnummer, r.d1 NULLS FIRST, r.d2 NULLS FIRST, r.k1`

// Build computes the report of the municipality of tx for h, as of today,
// and records the read with the ids of the people it shows.
func Build(ctx context.Context, tx db.Tx, h HalfYear, today time.Time) (Report, error) {
	r, err := compute(ctx, tx, h, today)
	if err != nil {
		return r, err
	}
	// Who was shown: the record ids, so that the access log can answer who saw whom.
	var ids []int64
	for _, row := range r.Rows {
		if row.Record == "registration" {
			ids = append(ids, row.ParticipantID)
		}
	}
	return r, audit.Record(ctx, tx, audit.Event{Action: "scb.report", RecordType: "report",
		Detail: map[string]any{"half_year": h.String(), "people": len(ids), "findings": len(r.Findings), "participants": ids}})
}

// FindingCount is the number of findings for h, for a page that shows the
// number and no person: it is not logged as a read of the report.
func FindingCount(ctx context.Context, tx db.Tx, h HalfYear, today time.Time) (int, error) {
	r, err := compute(ctx, tx, h, today)
	return len(r.Findings), err
}

// kaaEnds keeps, on a registration row, the day its registration ends (if
// it has): no column shows it, the checks read it.
const kaaEnds = "kaa_ends"

// compute reads the rows of h and runs the checks on them.
func compute(ctx context.Context, tx db.Tx, h HalfYear, today time.Time) (Report, error) {
	r := Report{Half: h, Today: today}
	if err := db.PlanEachQuery(ctx, tx); err != nil {
		return r, err
	}
	rows, _ := tx.Query(ctx, rowsSQL, pgx.NamedArgs{"tenant": tx.TenantID, "start": h.Start(), "end": h.End()})
	defer rows.Close()
	births := map[int64]time.Time{}
	for rows.Next() {
		var row Row
		var birth time.Time
		var d1, d2 *time.Time
		var k1, k2, k3 *string
		if err := rows.Scan(&row.Record, &row.ParticipantID, &row.Personnummer, &row.Name, &birth, &d1, &d2, &k1, &k2, &k3); err != nil {
			return r, fmt.Errorf("scb: rows: %w", err)
		}
		births[row.ParticipantID] = birth
		row.Dates, row.Keys = map[string]time.Time{}, map[string]string{}
		set := func(f string, d *time.Time) {
			if d != nil {
				row.Dates[f] = *d
			}
		}
		key := func(f string, k *string) {
			if k != nil {
				row.Keys[f] = *k
			}
		}
		switch row.Record {
		case "registration":
			set("registered_on", d1)
			set(kaaEnds, d2)
			key("registration_reason", k1)
		case "contact":
			set("contact_on", d1)
			key("contact_occupation", k1)
		case "measure_started":
			set("measure_start", d1)
			key("measure", k1)
		case "measure_ended":
			set("measure_start", d1)
			set("measure_end", d2)
			key("measure", k1)
			key("measure_end_reason", k2)
			key("occupation_after", k3)
		case "deregistration":
			set("deregistered_on", d1)
			key("deregistration_reason", k1)
			key("moved_to", k2)
		}
		r.Rows = append(r.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("scb: rows: %w", err)
	}
	r.Findings = check(r, births)
	return r, nil
}

// Package export produces the evaluator's anonymised, participant-level
// dataset of a project. The rows come from project_export, the database's
// only path for them (keyed pseudonyms, months instead of dates, counts
// instead of notes); this package generalises the quasi-identifiers until
// every combination holds at least k people, suppresses the rows that still
// stand out, and streams the rest out as CSV or .xlsx without holding them in
// memory.
package export

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultK is the smallest group of people that may share the same
// quasi-identifiers; MinK is the least anyone may choose.
const (
	DefaultK = 5
	MinK     = 3
	// MaxSuppressedShare is how much of the data generalisation tries to keep:
	// it stops once at most this share of the rows must be suppressed.
	MaxSuppressedShare = 0.05
)

// Params are what an export is asked for.
type Params struct {
	Project  int
	Org      int // 0: every member; otherwise one member's own people
	From, To time.Time
	K        int
}

// Levels are how far each quasi-identifier is generalised.
type Levels struct {
	Time  int // 0 month, 1 quarter, 2 half-year, 3 year
	Place int // 0 sub-project, 1 municipality, 2 project
	Age   int // 0 age band, 1 15–24
}

var maxLevels = Levels{Time: 3, Place: 2, Age: 1}

// Names of the levels, for the report.
var (
	TimeNames  = []string{"månad", "kvartal", "halvår", "år"}
	PlaceNames = []string{"delprojekt", "kommun", "hela projektet"}
	AgeNames   = []string{"åldersgrupp (15–17, 18–19, 20–24)", "15–24"}
)

// Report says what an export holds and what was done to make it safe.
type Report struct {
	Params
	Levels
	KeyVersion int
	Rows       int // people in the project and period
	Suppressed int // rows left out because they still stood out
	Exported   int
	KReached   int // the smallest group in the export; 0 when it is empty
}

// Prepared is an export ready to be written: its rows sit in a temporary
// table of tx, which ends with the transaction.
type Prepared struct {
	tx     pgx.Tx
	Report Report
}

// Prepare reads the rows of p through project_export into a temporary table
// of tx and chooses the generalisation. tx must carry the user (db.InGlobal):
// project_export answers only a project leader or evaluator of the project,
// or a coordinator of p.Org; anyone else gets an empty export.
func Prepare(ctx context.Context, tx pgx.Tx, p Params) (*Prepared, error) {
	if p.K < MinK {
		return nil, fmt.Errorf("export: k = %d is below %d", p.K, MinK)
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE export_rows ON COMMIT DROP AS
		SELECT * FROM project_export($1, NULLIF($2, 0), $3, $4)`, p.Project, p.Org, p.From, p.To); err != nil {
		return nil, fmt.Errorf("export: rows: %w", err)
	}
	x := &Prepared{tx: tx, Report: Report{Params: p}}
	err := tx.QueryRow(ctx, `SELECT count(*), coalesce(max(key_version), 0) FROM export_rows`).Scan(&x.Report.Rows, &x.Report.KeyVersion)
	if err != nil {
		return nil, fmt.Errorf("export: count: %w", err)
	}
	// Generalisation: the least generalised levels that leave at most the
	// budget of rows standing out; when no levels manage that, the levels
	// that leave the fewest, least generalised among equals. Gender is never
	// generalised, so a lone person of a gender may stand out at every level.
	budget := int(MaxSuppressedShare * float64(x.Report.Rows))
	lv, out, found := Levels{}, -1, false
	for _, next := range lattice() {
		if found && height(next) > height(lv) {
			break
		}
		n, err := x.standOut(ctx, next)
		if err != nil {
			return nil, err
		}
		switch {
		case n <= budget && (!found || n < out):
			lv, out, found = next, n, true
		case !found && (out < 0 || n < out):
			lv, out = next, n
		}
	}
	x.Report.Levels, x.Report.Suppressed, x.Report.Exported = lv, out, x.Report.Rows-out
	err = tx.QueryRow(ctx, `SELECT coalesce(min(n), 0) FROM (SELECT count(*) AS n FROM export_rows GROUP BY `+quasi(lv)+`) g WHERE n >= $1`,
		p.K).Scan(&x.Report.KReached)
	if err != nil {
		return nil, fmt.Errorf("export: k reached: %w", err)
	}
	return x, nil
}

func height(l Levels) int { return l.Time + l.Place + l.Age }

// lattice lists every combination of levels, least generalised first; among
// equals, those that generalise time come first, then place, then age, the
// order the project asked for.
func lattice() []Levels {
	var all []Levels
	for t := 0; t <= maxLevels.Time; t++ {
		for p := 0; p <= maxLevels.Place; p++ {
			for a := 0; a <= maxLevels.Age; a++ {
				all = append(all, Levels{t, p, a})
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if hi, hj := height(all[i]), height(all[j]); hi != hj {
			return hi < hj
		}
		return all[i].Time > all[j].Time || all[i].Time == all[j].Time && all[i].Place > all[j].Place
	})
	return all
}

// standOut counts the rows in groups smaller than k at levels lv.
func (x *Prepared) standOut(ctx context.Context, lv Levels) (int, error) {
	var n int
	err := x.tx.QueryRow(ctx, `SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM export_rows GROUP BY `+quasi(lv)+`) g WHERE n < $1`,
		x.Report.K).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("export: groups: %w", err)
	}
	return n, nil
}

// The quasi-identifiers as SQL at levels lv, in the order of their columns.
func quasiColumns(lv Levels) []string {
	period := func(col string) string {
		switch lv.Time {
		case 0:
			return `to_char(` + col + `, 'YYYY-MM')`
		case 1:
			return `to_char(` + col + `, 'YYYY-"K"Q')`
		case 2:
			return `to_char(` + col + `, 'YYYY') || CASE WHEN extract(month FROM ` + col + `) <= 6 THEN '-H1' ELSE '-H2' END`
		}
		return `to_char(` + col + `, 'YYYY')`
	}
	municipality, subproject := `municipality`, `subproject`
	if lv.Place >= 1 {
		subproject = `'alla delprojekt'::text`
	}
	if lv.Place >= 2 {
		municipality = `'hela projektet'::text`
	}
	age := `age_band`
	if lv.Age >= 1 {
		age = `'15-24'::text`
	}
	return []string{municipality, subproject, `gender`, age, period(`entry_month`), `coalesce(` + period(`exit_month`) + `, 'pågår')`}
}

func quasi(lv Levels) string { return strings.Join(quasiColumns(lv), ", ") }

// Row is one person in the export.
type Row struct {
	Pseudonym, Municipality, Subproject, Gender, AgeBand, Entry, Exit string
	DaysInProject                                                     int
	RegistrationReason                                                string
	EndReason                                                         *string
	Contacts                                                          map[string][2]int // channel: attempts, reached
	DaysToFirstContact                                                *int
	HasPlan                                                           bool
	Goals                                                             int
	MeasuresByType, MeasuresByResponsible                             map[string]int
	OutcomeExit, OutcomeSixMonths                                     *string
	ESFJobSearching, ESFInEducation, ESFQualification, ESFEmployed    *bool
	ESFEmployedSixMonths                                              *bool
	SurveyLongTermGoal, SurveyClearPlan, SurveyRespect, SurveyBarrier *string
}

// Each calls fn for every row that is exported, generalised, in the order of
// the pseudonyms (which says nothing about the people). Rows are read one at
// a time from the database.
func (x *Prepared) Each(ctx context.Context, fn func(Row) error) error {
	q := quasiColumns(x.Report.Levels)
	rows, err := x.tx.Query(ctx, `
		SELECT pseudonym, `+strings.Join(q, ", ")+`, days_in_project, registration_reason, end_reason, contacts,
		       days_to_first_contact, has_plan, goals, measures_by_type, measures_by_responsible, outcome_exit, outcome_six_months,
		       esf_job_searching, esf_in_education, esf_qualification, esf_employed, esf_employed_six_months,
		       survey_long_term_goal, survey_clear_plan, survey_respect, survey_no_barrier
		FROM (SELECT *, count(*) OVER (PARTITION BY `+strings.Join(q, ", ")+`) AS class FROM export_rows) x
		WHERE class >= $1 ORDER BY pseudonym`, x.Report.K)
	if err != nil {
		return fmt.Errorf("export: stream: %w", err)
	}
	defer rows.Close()
	var r Row
	var contacts map[string][2]int
	var byType, byResp map[string]int
	var contactsJSON, typeJSON, respJSON []byte
	for rows.Next() {
		contacts, byType, byResp = nil, nil, nil
		if err := rows.Scan(&r.Pseudonym, &r.Municipality, &r.Subproject, &r.Gender, &r.AgeBand, &r.Entry, &r.Exit,
			&r.DaysInProject, &r.RegistrationReason, &r.EndReason, &contactsJSON, &r.DaysToFirstContact, &r.HasPlan, &r.Goals,
			&typeJSON, &respJSON, &r.OutcomeExit, &r.OutcomeSixMonths, &r.ESFJobSearching, &r.ESFInEducation,
			&r.ESFQualification, &r.ESFEmployed, &r.ESFEmployedSixMonths, &r.SurveyLongTermGoal, &r.SurveyClearPlan,
			&r.SurveyRespect, &r.SurveyBarrier); err != nil {
			return fmt.Errorf("export: row: %w", err)
		}
		if err := json.Unmarshal(contactsJSON, &contacts); err != nil {
			return fmt.Errorf("export: contacts: %w", err)
		}
		if err := json.Unmarshal(typeJSON, &byType); err != nil {
			return fmt.Errorf("export: measures: %w", err)
		}
		if err := json.Unmarshal(respJSON, &byResp); err != nil {
			return fmt.Errorf("export: measures: %w", err)
		}
		r.Contacts, r.MeasuresByType, r.MeasuresByResponsible = contacts, byType, byResp
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export: stream: %w", err)
	}
	return nil
}

// Package export produces the evaluator's anonymised, participant-level
// dataset of a project, and beside it outcome tables with small cells
// suppressed. The rows come from project_export and project_export_entry,
// the database's only path for them (keyed pseudonyms, months instead of
// dates, counts instead of notes). This package searches the lattice of
// generalisations of the quasi-identifiers (place, gender, age, start and
// end period) for the one that loses the least information while every
// combination holds at least k people, suppressing single cells of the rows
// that still stand out before it leaves any row out (see lattice.go and
// docs/design/anonymisation.md), and streams the rest out as CSV or .xlsx.
package export

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultK is the smallest group of people that may share the same
// quasi-identifiers; MinK is the least anyone may choose.
const (
	DefaultK = 5
	MinK     = 3
	// MaxSuppressedShare is the share of the rows that may carry a
	// suppressed cell or be left out; the search prefers the least loss
	// among the generalisations that stay within it.
	MaxSuppressedShare = 0.10
	// searchBudget bounds the search: rows times nodes evaluated. A
	// project of 100 000 people gets some 150 nodes, a few seconds of one
	// core; the fully generalised node always comes first.
	searchBudget = 15_000_000
	// Suppressed is a suppressed cell in the file.
	Suppressed = "dold"
)

// Priorities the evaluator may choose: what to keep when something must give.
const (
	KeepGender       = "kon"
	KeepMunicipality = "kommun"
	KeepAge          = "alder"
	KeepNothing      = "ingen"
)

// Priorities lists the choices with their Swedish labels, the default first.
var Priorities = [][2]string{
	{KeepGender, "Behåll kön (som ESF+ redovisar)"},
	{KeepMunicipality, "Behåll kommun"},
	{KeepAge, "Behåll ålder (högst femårsgrupper)"},
	{KeepNothing, "Inget särskilt: minsta informationsförlust"},
}

// Params are what an export is asked for.
type Params struct {
	Project  int
	Org      int // 0: every member; otherwise one member's own people
	From, To time.Time
	K        int
	Keep     string // a priority; "" is KeepGender
}

// Report says what an export holds and what was done to make it safe.
type Report struct {
	Params
	Node            Node
	KeyVersion      int
	Rows            int // people in the project and period
	Exported        int
	Dropped         int // rows left out because no suppression could hide them
	SuppressedRows  int // rows exported with at least one suppressed cell
	SuppressedCells [NumDims]int
	Loss            float64 // information loss of the quasi-identifiers, 0..1
	KReached        int     // the smallest group in the export; 0 when it is empty
	Evaluated       int     // generalisations tried
	LatticeSize     int     // generalisations there were to choose from
	Complete        bool    // the search ran to its end (not cut short by its bound)
	CapHeld         bool    // at most MaxSuppressedShare of the rows were touched
	Took            time.Duration
}

// Prepared is an export ready to be written: its rows sit in a temporary
// table of tx, which ends with the transaction; their quasi-identifiers and
// what the search did to each sit in memory, a few bytes a row.
type Prepared struct {
	tx     pgx.Tx
	Report Report
	d      *dataset
	mask   []uint8
}

// Prepare reads the rows of p through project_export into a temporary table
// of tx and chooses the generalisation. tx must carry the user (db.InGlobal):
// project_export answers only a project leader or evaluator of the project,
// or a coordinator of p.Org; anyone else gets an empty export.
func Prepare(ctx context.Context, tx pgx.Tx, p Params) (*Prepared, error) {
	if p.K < MinK {
		return nil, fmt.Errorf("export: k = %d is below %d", p.K, MinK)
	}
	if p.Keep == "" {
		p.Keep = KeepGender
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE export_rows ON COMMIT DROP AS
		SELECT e.*, x.age, x.region, x.labour_market_status, x.education_level,
		       (row_number() OVER (ORDER BY e.pseudonym, e.org_id))::integer AS rn
		FROM project_export($1, NULLIF($2, 0), $3, $4) e
		JOIN project_export_entry($1, NULLIF($2, 0), $3, $4) x USING (pseudonym, org_id)`, p.Project, p.Org, p.From, p.To); err != nil {
		return nil, fmt.Errorf("export: rows: %w", err)
	}
	x := &Prepared{tx: tx, Report: Report{Params: p}}
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(key_version), 0) FROM export_rows`).Scan(&x.Report.KeyVersion); err != nil {
		return nil, fmt.Errorf("export: key version: %w", err)
	}
	d, err := load(ctx, tx)
	if err != nil {
		return nil, err
	}
	x.d = d
	prob := d.problem(p.K, p.Keep)
	res, err := prob.search(ctx)
	if err != nil {
		return nil, err
	}
	x.mask = res.Mask
	r := &x.Report
	r.Rows, r.Node, r.Dropped, r.SuppressedRows, r.SuppressedCells = len(d.rows), res.Node, res.Dropped, res.SuppressedRows, res.SuppressedCells
	r.Exported, r.Loss, r.KReached = r.Rows-res.Dropped, res.Loss, res.Smallest
	r.Evaluated, r.LatticeSize, r.Complete, r.CapHeld, r.Took = res.Evaluated, res.LatticeSize, res.Complete, res.CapHeld, res.Took
	return x, nil
}

// problem is the search over d with k and the evaluator's priority: the
// kept quasi-identifier is never suppressed, is generalised at most to
// its cap (municipality, five-year bands, gender itself) and weighs three
// times the others in the loss.
func (d *dataset) problem(k int, keep string) *problem {
	p := &problem{rows: d.rows, h: d.h, k: k, budget: searchBudget}
	p.cap = int(MaxSuppressedShare * float64(len(d.rows)))
	for dim := range NumDims {
		p.weight[dim] = 1
		p.maxLevel[dim] = len(d.h[dim].gen) - 1
	}
	pin := func(dim Dim, level int) {
		p.weight[dim], p.fixed[dim], p.maxLevel[dim] = 3, true, min(level, p.maxLevel[dim])
	}
	switch keep {
	case KeepGender:
		pin(Gender, 0)
	case KeepMunicipality:
		pin(Place, 1)
	case KeepAge:
		pin(Age, 2)
	}
	return p
}

// place is a leaf of the place hierarchy: a sub-project of a member.
type place struct {
	org                       int
	municipality, sub, region string
}

// dataset is the quasi-identifiers of the rows, numbered by hierarchy, in
// the order of rn.
type dataset struct {
	rows    [][NumDims]uint16
	h       [NumDims]hierarchy
	places  []place
	genders []string
	ages    []int
	months  [2][]*time.Time // Entry, Exit; nil is an enrolment that has not ended

	placeNo  map[place]uint16
	genderNo map[string]uint16
	ageNo    map[int]uint16
	monthNo  [2]map[string]uint16
}

// add appends a row, numbering its values.
func (d *dataset) add(pl place, gender string, age int, entry time.Time, exit *time.Time) error {
	if d.placeNo == nil {
		d.placeNo, d.genderNo, d.ageNo, d.monthNo = map[place]uint16{}, map[string]uint16{}, map[int]uint16{}, [2]map[string]uint16{{}, {}}
	}
	var r [NumDims]uint16
	n, ok := d.placeNo[pl]
	if !ok {
		n = uint16(len(d.places))
		d.placeNo[pl] = n
		d.places = append(d.places, pl)
	}
	r[Place] = n
	if n, ok = d.genderNo[gender]; !ok {
		n = uint16(len(d.genders))
		d.genderNo[gender] = n
		d.genders = append(d.genders, gender)
	}
	r[Gender] = n
	if n, ok = d.ageNo[age]; !ok {
		n = uint16(len(d.ages))
		d.ageNo[age] = n
		d.ages = append(d.ages, age)
	}
	r[Age] = n
	for i, m := range []*time.Time{&entry, exit} {
		key := "pågår"
		if m != nil {
			key = m.Format("2006-01")
		}
		if n, ok = d.monthNo[i][key]; !ok {
			n = uint16(len(d.months[i]))
			d.monthNo[i][key] = n
			var t *time.Time
			if m != nil {
				c := time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, time.UTC)
				t = &c
			}
			d.months[i] = append(d.months[i], t)
		}
		r[Entry+Dim(i)] = n
	}
	d.rows = append(d.rows, r)
	for dim, v := range r {
		if uint(v) >= 1<<fieldBits[dim]-2 {
			return fmt.Errorf("export: too many distinct values of %s for the search", DimNames[dim])
		}
	}
	return nil
}

// load reads the quasi-identifiers of export_rows and builds the
// hierarchies over the values seen.
func load(ctx context.Context, tx pgx.Tx) (*dataset, error) {
	rows, err := tx.Query(ctx, `SELECT org_id, municipality, subproject, coalesce(region, ''), gender, age, entry_month, exit_month
		FROM export_rows ORDER BY rn`)
	if err != nil {
		return nil, fmt.Errorf("export: quasi-identifiers: %w", err)
	}
	d := &dataset{}
	var pl place
	var gender string
	var age int
	var entry time.Time
	var exit *time.Time
	for rows.Next() {
		if err := rows.Scan(&pl.org, &pl.municipality, &pl.sub, &pl.region, &gender, &age, &entry, &exit); err != nil {
			return nil, fmt.Errorf("export: quasi-identifiers: %w", err)
		}
		if err := d.add(pl, gender, age, entry, exit); err != nil {
			rows.Close()
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("export: quasi-identifiers: %w", err)
	}
	d.build()
	return d, nil
}

// build makes the hierarchies: each leaf's key at every level.
func (d *dataset) build() {
	levels := func(n, count int, key func(leaf, level int) string) hierarchy {
		ls := make([][]string, count)
		for l := range ls {
			ls[l] = make([]string, n)
			for leaf := range n {
				ls[l][leaf] = key(leaf, l)
			}
		}
		return newHierarchy(ls)
	}
	d.h[Place] = levels(len(d.places), 4, func(leaf, l int) string {
		p := d.places[leaf]
		switch l {
		case 0:
			return strconv.Itoa(p.org) + "/" + p.sub
		case 1:
			return strconv.Itoa(p.org)
		case 2:
			return p.region
		}
		return ""
	})
	d.h[Gender] = levels(len(d.genders), 2, func(leaf, l int) string {
		if l == 0 {
			return d.genders[leaf]
		}
		return ""
	})
	d.h[Age] = levels(len(d.ages), 4, func(leaf, l int) string { return d.ageText(leaf, l) })
	for i := range 2 {
		d.h[Entry+Dim(i)] = levels(len(d.months[i]), 4, func(leaf, l int) string { return d.periodText(i, leaf, l) })
	}
}

// Swedish län by the first two digits of a kommunkod.
var lan = map[string]string{"01": "Stockholms län", "03": "Uppsala län", "04": "Södermanlands län", "05": "Östergötlands län",
	"06": "Jönköpings län", "07": "Kronobergs län", "08": "Kalmar län", "09": "Gotlands län", "10": "Blekinge län",
	"12": "Skåne län", "13": "Hallands län", "14": "Västra Götalands län", "17": "Värmlands län", "18": "Örebro län",
	"19": "Västmanlands län", "20": "Dalarnas län", "21": "Gävleborgs län", "22": "Västernorrlands län", "23": "Jämtlands län",
	"24": "Västerbottens län", "25": "Norrbottens län"}

// placeText is the kommun and delprojekt columns of place leaf at level l.
func (d *dataset) placeText(leaf, l int) (municipality, sub string) {
	p := d.places[leaf]
	switch l {
	case 0:
		return p.municipality, p.sub
	case 1:
		return p.municipality, "alla delprojekt i kommunen"
	case 2:
		if n, ok := lan[p.region]; ok {
			return n, "alla delprojekt i länet"
		}
		return "organisationer utan län", "alla delprojekt utan län"
	}
	return "hela projektet", "hela projektet"
}

// ageText is age leaf at level l: 19, 18–19, 15–19, alla åldrar.
func (d *dataset) ageText(leaf, l int) string {
	a := d.ages[leaf]
	switch l {
	case 0:
		return strconv.Itoa(a)
	case 1:
		lo := a - a%2
		return fmt.Sprintf("%d–%d", lo, lo+1)
	case 2:
		lo := a - a%5
		return fmt.Sprintf("%d–%d", lo, lo+4)
	}
	return "alla åldrar"
}

// periodText is period leaf of Entry (i 0) or Exit (i 1) at level l:
// 2018-03, 2018-K1, 2018, hela perioden; pågår below the top.
func (d *dataset) periodText(i, leaf, l int) string {
	m := d.months[i][leaf]
	switch {
	case l == 3:
		return "hela perioden"
	case m == nil:
		return "pågår"
	case l == 0:
		return m.Format("2006-01")
	case l == 1:
		return fmt.Sprintf("%d-K%d", m.Year(), (int(m.Month())+2)/3)
	}
	return strconv.Itoa(m.Year())
}

// quasi is row i's quasi-identifiers as the file writes them.
func (x *Prepared) quasi(i int) (municipality, sub, gender, age, entry, exit string) {
	r, n, m := x.d.rows[i], x.Report.Node, x.mask[i]
	hidden := func(d Dim) bool { return m&(1<<d) != 0 }
	municipality, sub = x.d.placeText(int(r[Place]), n[Place])
	if hidden(Place) {
		municipality, sub = Suppressed, Suppressed
	}
	gender = "alla"
	if n[Gender] == 0 {
		gender = x.d.genders[r[Gender]]
	}
	if hidden(Gender) {
		gender = Suppressed
	}
	age = x.d.ageText(int(r[Age]), n[Age])
	if hidden(Age) {
		age = Suppressed
	}
	entry = x.d.periodText(0, int(r[Entry]), n[Entry])
	if hidden(Entry) {
		entry = Suppressed
	}
	exit = x.d.periodText(1, int(r[Exit]), n[Exit])
	if hidden(Exit) {
		exit = Suppressed
	}
	return
}

// Row is one person in the export.
type Row struct {
	Pseudonym, Municipality, Subproject, Gender, Age, Entry, Exit     string
	DaysInProject                                                     int
	RegistrationReason                                                string
	EndReason                                                         *string
	LabourMarket, Education                                           *string
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
	rows, err := x.tx.Query(ctx, `
		SELECT rn, pseudonym, days_in_project, registration_reason, end_reason, labour_market_status, education_level, contacts,
		       days_to_first_contact, has_plan, goals, measures_by_type, measures_by_responsible, outcome_exit, outcome_six_months,
		       esf_job_searching, esf_in_education, esf_qualification, esf_employed, esf_employed_six_months,
		       survey_long_term_goal, survey_clear_plan, survey_respect, survey_no_barrier
		FROM export_rows ORDER BY rn`)
	if err != nil {
		return fmt.Errorf("export: stream: %w", err)
	}
	defer rows.Close()
	var r Row
	var rn int
	var contacts map[string][2]int
	var byType, byResp map[string]int
	var contactsJSON, typeJSON, respJSON []byte
	for rows.Next() {
		contacts, byType, byResp = nil, nil, nil
		if err := rows.Scan(&rn, &r.Pseudonym, &r.DaysInProject, &r.RegistrationReason, &r.EndReason, &r.LabourMarket, &r.Education,
			&contactsJSON, &r.DaysToFirstContact, &r.HasPlan, &r.Goals,
			&typeJSON, &respJSON, &r.OutcomeExit, &r.OutcomeSixMonths, &r.ESFJobSearching, &r.ESFInEducation,
			&r.ESFQualification, &r.ESFEmployed, &r.ESFEmployedSixMonths, &r.SurveyLongTermGoal, &r.SurveyClearPlan,
			&r.SurveyRespect, &r.SurveyBarrier); err != nil {
			return fmt.Errorf("export: row: %w", err)
		}
		i := rn - 1
		if i < 0 || i >= len(x.mask) {
			return fmt.Errorf("export: row %d outside the search's %d rows", rn, len(x.mask))
		}
		if x.mask[i] == dropped {
			continue
		}
		r.Municipality, r.Subproject, r.Gender, r.Age, r.Entry, r.Exit = x.quasi(i)
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

// generalised lists, for the report, what was done to each
// quasi-identifier: its level, and how many cells were suppressed.
func (r Report) generalised() []string {
	var out []string
	for d := range NumDims {
		s := DimNames[d] + ": " + LevelNames[d][r.Node[d]]
		if n := r.SuppressedCells[d]; n > 0 {
			s += fmt.Sprintf(", %d celler dolda", n)
		}
		out = append(out, s)
	}
	return out
}

// keepLabel is the evaluator's priority in Swedish.
func keepLabel(keep string) string {
	for _, p := range Priorities {
		if p[0] == keep {
			return p[1]
		}
	}
	return strings.TrimSpace(keep)
}

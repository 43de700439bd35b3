package esf

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/personnummer"
	"github.com/kaa-plattform/kaa/internal/sv"
)

// Month is the period of one file.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads "2026-11".
func ParseMonth(s string) (Month, bool) {
	y, m, ok := strings.Cut(s, "-")
	year, err1 := strconv.Atoi(y)
	month, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || month < 1 || month > 12 || year < 2000 || year > 2100 {
		return Month{}, false
	}
	return Month{year, time.Month(month)}, true
}

// MonthOf is the month of date.
func MonthOf(date time.Time) Month { return Month{date.Year(), date.Month()} }

// String is "2026-11".
func (m Month) String() string { return fmt.Sprintf("%d-%02d", m.Year, int(m.Month)) }

var monthNames = []string{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"}

// Label is the Swedish name, "november 2026".
func (m Month) Label() string { return fmt.Sprintf("%s %d", monthNames[m.Month-1], m.Year) }

// Start is the first day of m.
func (m Month) Start() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC) }

// End is the last day of m.
func (m Month) End() time.Time { return m.Start().AddDate(0, 1, -1) }

// Prev is the month before m.
func (m Month) Prev() Month { return MonthOf(m.Start().AddDate(0, -1, 0)) }

// Project is what the file needs of the project.
type Project struct {
	ID         int
	Key        string
	Name       string
	StartsOn   time.Time
	EndsOn     time.Time
	CaseNumber string // Svenska ESF-rådet's diarienummer; "" when not recorded
}

// Row is one participant's project enrolment in the month.
type Row struct {
	EnrolmentID   int64
	ParticipantID int64
	Personnummer  string // "" when erased
	Name          string
	Gender        string // a codes.Gender key
	Subproject    string
	Start         time.Time
	End           time.Time // zero: not ended by the month's end
	Hours         float64
	HasHours      bool
	DaysInProject int // from the start to the month's end (or the end, or today)
	DaysInMonth   int // the days of the month in the project
}

// Finding is something the checks flag on a row (Row is its line in the
// file, counting the header as line 1) or on the whole file (Row 0).
type Finding struct {
	Kind          string // see Kinds
	Error         bool   // an error stops the download; a warning does not
	Row           int
	Name          string // the person, for the page
	ParticipantID int64
	Text          string // the Swedish sentence
}

// Kinds are the kinds of finding, errors first, in the order the page lists them.
var Kinds = []string{"personnummer", "gender", "start_before_project", "start_after_project", "end_after_project",
	"end_before_start", "duplicate", "hours_missing", "case_number_missing"}

// Report is one municipality's monthly file for one project before it is
// laid out: the rows and what the checks found.
type Report struct {
	Project  Project
	Kommun   string // the municipality's kommunkod (or the partner's key)
	Month    Month
	Today    time.Time
	Rows     []Row
	Findings []Finding
}

// Errors is the number of findings that stop the download.
func (r Report) Errors() int {
	n := 0
	for _, f := range r.Findings {
		if f.Error {
			n++
		}
	}
	return n
}

// Warnings is the number of findings that do not.
func (r Report) Warnings() int { return len(r.Findings) - r.Errors() }

// rowsSQL reads the municipality's enrolments in the project's
// sub-projects that overlap the month, with the month's hours.
const rowsSQL = `
	SELECT e.id, e.participant_id, p.personnummer, p.first_name || ' ' || p.last_name, p.gender, s.name,
	       e.starts_on, e.ends_on, h.hours::float8
	FROM enrolments e
	JOIN subprojects s ON s.id = e.subproject_id AND s.org_id = @tenant AND s.project_id = @project
	JOIN participants p ON p.tenant_id = e.tenant_id AND p.id = e.participant_id
	LEFT JOIN esf_hours h ON h.tenant_id = e.tenant_id AND h.enrolment_id = e.id AND h.month = @start
	WHERE e.tenant_id = @tenant AND e.kind = 'project' AND e.starts_on <= @end AND (e.ends_on IS NULL OR e.ends_on >= @start)
	ORDER BY p.personnummer, e.starts_on, e.id`

// Build reads the month's rows of the municipality of tx in project, runs
// the checks, and records the read with the ids of the people it shows.
func Build(ctx context.Context, tx db.Tx, kommun string, project Project, m Month, today time.Time) (Report, error) {
	r := Report{Project: project, Kommun: kommun, Month: m, Today: today}
	rows, _ := tx.Query(ctx, rowsSQL, pgx.NamedArgs{"tenant": tx.TenantID, "project": project.ID, "start": m.Start(), "end": m.End()})
	defer rows.Close()
	for rows.Next() {
		var row Row
		var end *time.Time
		var hours *float64
		if err := rows.Scan(&row.EnrolmentID, &row.ParticipantID, &row.Personnummer, &row.Name, &row.Gender, &row.Subproject,
			&row.Start, &end, &hours); err != nil {
			return r, fmt.Errorf("esf: rows: %w", err)
		}
		if end != nil && !end.After(m.End()) {
			row.End = *end
		}
		if hours != nil {
			row.Hours, row.HasHours = *hours, true
		}
		row.DaysInProject, row.DaysInMonth = days(row, m, today)
		r.Rows = append(r.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("esf: rows: %w", err)
	}
	r.Findings = Check(r)
	ids := make([]int64, len(r.Rows))
	for i, row := range r.Rows {
		ids[i] = row.ParticipantID
	}
	return r, audit.Record(ctx, tx, audit.Event{Action: "esf.report", RecordType: "project", RecordID: project.Key,
		Detail: map[string]any{"month": m.String(), "rows": len(r.Rows), "errors": r.Errors(), "participants": ids}})
}

// days is the time in the project: the days from the start to the month's
// last day in the project (its end, the month's end, or today if sooner),
// and of those the days in the month. Both count the first and last day.
func days(row Row, m Month, today time.Time) (total, inMonth int) {
	last := m.End()
	if !row.End.IsZero() && row.End.Before(last) {
		last = row.End
	}
	if t := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC); t.Before(last) {
		last = t
	}
	if last.Before(row.Start) {
		return 0, 0
	}
	first := m.Start()
	if row.Start.After(first) {
		first = row.Start
	}
	total = int(last.Sub(row.Start).Hours()/24) + 1
	if !last.Before(first) {
		inMonth = int(last.Sub(first).Hours()/24) + 1
	}
	return total, inMonth
}

// Check runs the checks on r's rows: what SCB would refuse or
// misread (errors) and what would reach SCB empty (warnings).
func Check(r Report) []Finding {
	var out []Finding
	add := func(kind string, i int, text string) {
		f := Finding{Kind: kind, Error: kind != "hours_missing" && kind != "case_number_missing", Text: text}
		if i >= 0 {
			f.Row, f.Name, f.ParticipantID = i+2, r.Rows[i].Name, r.Rows[i].ParticipantID
		}
		out = append(out, f)
	}
	p := r.Project
	for i, row := range r.Rows {
		if row.Personnummer == "" {
			add("personnummer", i, "Personnumret saknas. SCB känner igen deltagaren bara på personnumret.")
		} else if _, err := personnummer.Parse(row.Personnummer, r.Today); err != nil {
			add("personnummer", i, "Personnumret går inte att använda i filen. "+personnummer.Message(err))
		}
		if _, ok := Spec.Genders[row.Gender]; !ok {
			add("gender", i, "Kön saknas. ESF+ redovisar deltagarna som kvinnor, män och icke-binära: fyll i kön på personens sida.")
		}
		if row.Start.Before(p.StartsOn) {
			add("start_before_project", i, fmt.Sprintf("Startdatumet %s är före projektets start %s.", sv.Date(row.Start), sv.Date(p.StartsOn)))
		}
		if row.Start.After(p.EndsOn) {
			add("start_after_project", i, fmt.Sprintf("Startdatumet %s är efter projektets slut %s.", sv.Date(row.Start), sv.Date(p.EndsOn)))
		}
		if !row.End.IsZero() && row.End.After(p.EndsOn) {
			add("end_after_project", i, fmt.Sprintf("Slutdatumet %s är efter projektets slut %s.", sv.Date(row.End), sv.Date(p.EndsOn)))
		}
		if !row.End.IsZero() && row.End.Before(row.Start) {
			add("end_before_start", i, fmt.Sprintf("Slutdatumet %s är före startdatumet %s.", sv.Date(row.End), sv.Date(row.Start)))
		}
		for j := range i {
			o := r.Rows[j]
			if o.Personnummer != "" && o.Personnummer == row.Personnummer && overlaps(o, row) {
				add("duplicate", i, fmt.Sprintf("Personen finns redan på rad %d för samma tid. SCB räknar en deltagare en gång: avsluta det ena deltagandet eller rätta datumen.", j+2))
				break
			}
		}
		if !row.HasHours {
			add("hours_missing", i, fmt.Sprintf("Timmar i projektet saknas för %s. Skriv in dem i tabellen nedan.", r.Month.Label()))
		}
	}
	if p.CaseNumber == "" {
		add("case_number_missing", -1, "Projektets diarienummer hos Svenska ESF-rådet finns inte i KAA-registret, så kolumnen Diarienummer blir tom. Projektägaren kan lägga in det.")
	}
	order := map[string]int{}
	for i, k := range Kinds {
		order[k] = i
	}
	sort.SliceStable(out, func(a, b int) bool {
		if order[out[a].Kind] != order[out[b].Kind] {
			return order[out[a].Kind] < order[out[b].Kind]
		}
		return out[a].Row < out[b].Row
	})
	return out
}

// overlaps reports whether two rows' periods share a day.
func overlaps(a, b Row) bool {
	far := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	aEnd, bEnd := a.End, b.End
	if aEnd.IsZero() {
		aEnd = far
	}
	if bEnd.IsZero() {
		bEnd = far
	}
	return !a.Start.After(bEnd) && !b.Start.After(aEnd)
}

// SaveHours sets the month's hours of the enrolments in hours (nil: none
// recorded), and records the write.
func SaveHours(ctx context.Context, tx db.Tx, project string, m Month, hours map[int64]*float64) error {
	var ids []int64
	for id, h := range hours {
		var err error
		if h == nil {
			_, err = tx.Exec(ctx, `DELETE FROM esf_hours WHERE tenant_id = $1 AND enrolment_id = $2 AND month = $3`, tx.TenantID, id, m.Start())
		} else {
			_, err = tx.Exec(ctx, `
				INSERT INTO esf_hours (tenant_id, enrolment_id, month, hours, recorded_by) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (tenant_id, enrolment_id, month) DO UPDATE SET hours = EXCLUDED.hours, recorded_by = EXCLUDED.recorded_by, recorded_at = now()
				WHERE esf_hours.hours IS DISTINCT FROM EXCLUDED.hours`, tx.TenantID, id, m.Start(), *h, tx.UserID)
		}
		if err != nil {
			return fmt.Errorf("esf: save hours: %w", err)
		}
		ids = append(ids, id)
	}
	sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
	return audit.Record(ctx, tx, audit.Event{Action: "esf.hours", RecordType: "project", RecordID: project,
		Detail: map[string]any{"month": m.String(), "enrolments": ids}})
}

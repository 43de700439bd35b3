package esf

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/personnummer"
)

func pnr(nine string) string { return "20" + nine + fmt.Sprint(personnummer.CheckDigit(nine)) }

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestCheck runs the checks on rows the database would not hold (an end
// before the start, an erased personnummer) as well as ordinary ones, and
// checks each finding's kind, weight, line and Swedish sentence.
func TestCheck(t *testing.T) {
	p := Project{Key: "p", StartsOn: day("2019-01-01"), EndsOn: day("2019-12-31")}
	r := Report{Project: p, Month: Month{2019, 6}, Today: day("2026-12-06"), Rows: []Row{
		{Personnummer: pnr("020301001"), Name: "Ok", Gender: "woman", Start: day("2019-02-01"), HasHours: true, Hours: 3},
		{Personnummer: "", Name: "Gallrad", Gender: "man", Start: day("2019-02-01"), HasHours: true},
		{Personnummer: pnr("020301002"), Name: "Baklänges", Gender: "man", Start: day("2019-06-20"), End: day("2019-06-10"), HasHours: true},
		{Personnummer: pnr("020301002"), Name: "Baklänges", Gender: "man", Start: day("2019-06-05"), End: day("2019-06-25"), HasHours: true},
		{Personnummer: pnr("020301003"), Name: "Sen", Gender: "woman", Start: day("2018-12-01"), End: day("2020-01-10"), HasHours: true},
	}}
	want := map[string]string{
		"personnummer":         "3 true Personnumret saknas.",
		"end_before_start":     "4 true Slutdatumet 2019-06-10 är före startdatumet 2019-06-20.",
		"duplicate":            "5 true Personen finns redan på rad 4",
		"start_before_project": "6 true Startdatumet 2018-12-01 är före projektets start 2019-01-01.",
		"end_after_project":    "6 true Slutdatumet 2020-01-10 är efter projektets slut 2019-12-31.",
		"case_number_missing":  "0 false Projektets diarienummer",
	}
	got := map[string]string{}
	for _, f := range Check(r) {
		got[f.Kind] = strings.Join([]string{strconv.Itoa(f.Row), map[bool]string{true: "true", false: "false"}[f.Error], f.Text}, " ")
	}
	for k, w := range want {
		if !strings.HasPrefix(got[k], w) {
			t.Errorf("%s: got %q, want %q…", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("findings %v", got)
	}
}

// TestDays counts the days in the project to the month's end, the end, or
// today, first and last day included.
func TestDays(t *testing.T) {
	m := Month{2019, 3}
	for _, c := range []struct {
		start, end, today string
		total, inMonth    int
	}{
		{"2019-02-10", "", "2026-01-01", 50, 31},
		{"2019-03-05", "2019-03-20", "2026-01-01", 16, 16},
		{"2019-03-05", "", "2019-03-10", 6, 6},
	} {
		row := Row{Start: day(c.start)}
		if c.end != "" {
			row.End = day(c.end)
		}
		if total, in := days(row, m, day(c.today)); total != c.total || in != c.inMonth {
			t.Errorf("%+v: %d, %d", c, total, in)
		}
	}
}

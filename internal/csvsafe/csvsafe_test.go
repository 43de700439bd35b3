package csvsafe_test

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/csvsafe"
	"github.com/kaa-plattform/kaa/internal/table"
)

// Every cell that starts like a formula, in the header row as in the data,
// reaches the spreadsheet as text; other cells are untouched.
func TestEveryCellIsDefused(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	w := csvsafe.NewWriter(&b)
	head := []string{"=HYPERLINK(\"http://x\")", "Kommun", "+1", "@SUM(A1)"}
	row := []string{"-2+3", "\tTab", "\rCR", "Osby", ""}
	if err := w.WriteAll([][]string{head, row}); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\uFEFF")))
	r.Comma = ';'
	r.FieldsPerRecord = -1
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"'=HYPERLINK(\"http://x\")", "Kommun", "'+1", "'@SUM(A1)"},
		{"'-2+3", "'\tTab", "'CR", "Osby", ""}, // CRLF mode drops a lone CR inside a field
	}
	if len(got) != 2 || len(got[1]) != 5 {
		t.Fatalf("read back %q", got)
	}
	for i := range want {
		for j := range want[i] {
			if g := got[i][j]; g != want[i][j] {
				t.Errorf("record %d field %d: %q, want %q", i, j, g, want[i][j])
			}
		}
	}
	if head[0] != "=HYPERLINK(\"http://x\")" {
		t.Error("Write changed the caller's record")
	}
}

// Every file is what a Swedish spreadsheet reads: a byte-order mark, ;
// between fields, CRLF after each record.
func TestSwedishLayout(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	w := csvsafe.NewWriter(&b)
	if err := w.WriteAll([][]string{{"Personnummer", "Orsak; annan"}, {"20080301-0008", "=1"}}); err != nil {
		t.Fatal(err)
	}
	if want := "\uFEFFPersonnummer;\"Orsak; annan\"\r\n20080301-0008;'=1\r\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	var empty strings.Builder
	e := csvsafe.NewWriter(&empty)
	e.Flush()
	if empty.String() != "\uFEFF" {
		t.Errorf("an empty file is %q, want the byte-order mark alone", empty.String())
	}
}

// Typed cells: counts without grouping, a negative number not escaped,
// decimals and shares with a decimal comma, ISO dates and months, a phone
// number kept, suppressed counts as the page shows them, text escaped.
func TestTypedCells(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	w := csvsafe.NewWriter(&b)
	day := time.Date(2026, 8, 15, 13, 4, 5, 0, time.UTC)
	tbl := table.Table{Title: "not written", Head: []string{"Kommun", "-Antal"}, Rows: [][]table.Cell{{
		table.T("Östra Göinge"), table.N(12500), table.N(-3), table.Dec(3.25, 2), table.Pct(1, 3), table.Pct(1, 0),
		table.D(day), table.M(day), table.At(day), table.Tel("+46701234567"), table.Hidden("<5"), table.T("-x"), {},
	}}}
	if err := w.WriteTable(tbl); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFKommun;'-Antal\r\nÖstra Göinge;12500;-3;3,25;33,3%;–;2026-08-15;2026-08;2026-08-15 13:04:05;+46701234567;<5;'-x;\r\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

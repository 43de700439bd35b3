package csvsafe_test

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/kaa-plattform/kaa/internal/csvsafe"
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
	r := csv.NewReader(strings.NewReader(b.String()))
	r.FieldsPerRecord = -1
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"'=HYPERLINK(\"http://x\")", "Kommun", "'+1", "'@SUM(A1)"},
		{"'-2+3", "'\tTab", "'\rCR", "Osby", ""},
	}
	if len(got) != 2 || len(got[1]) != 5 {
		t.Fatalf("read back %q", got)
	}
	for i := range want {
		for j := range want[i] {
			// encoding/csv reads a quoted \r as \n.
			g := strings.ReplaceAll(got[i][j], "\n", "\r")
			if g != want[i][j] {
				t.Errorf("record %d field %d: %q, want %q", i, j, g, want[i][j])
			}
		}
	}
	if head[0] != "=HYPERLINK(\"http://x\")" {
		t.Error("Write changed the caller's record")
	}
}

// The semicolon format is what a Swedish spreadsheet and SCB's text upload
// read: a byte-order mark, ; between fields, CRLF after each record, and
// the same defused cells.
func TestSemicolonFormat(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	w, err := csvsafe.NewFormatWriter(&b, csvsafe.Semicolon)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteAll([][]string{{"Personnummer", "Orsak; annan"}, {"200803010008", "=1"}}); err != nil {
		t.Fatal(err)
	}
	if want := "\uFEFFPersonnummer;\"Orsak; annan\"\r\n200803010008;'=1\r\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

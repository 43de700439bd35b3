package officetest_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kaa-plattform/kaa/internal/officetest"
)

// TestOpen proves the reader sees what Swedish Excel would: a CSV with a
// byte-order mark read as UTF-8, one without read as Windows-1252 (å turns
// into Ã¥), ; between fields, a decimal comma, a percentage, an ISO date, a
// personnummer with its - as text and one without as a number, a cell
// starting with = as a formula; and an .xlsx's typed cells and sheet name.
func TestOpen(t *testing.T) {
	t.Parallel()
	withBOM := "\xef\xbb\xbfNamn;Antal;Andel;Datum;Personnummer;Annat\r\n" +
		"Åsa Öberg;1,5;12,5 %;2026-08-15;20080301-0024;=1+1\r\n" +
		"Bo;3;;2026-01-02;200803010024;\r\n"
	noBOM := "Namn;Antal\r\nÅsa;2\r\n"

	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "Kanaler")
	f.SetCellValue("Kanaler", "A1", "Kanal")
	f.SetCellValue("Kanaler", "B1", "Andel nådda")
	f.SetCellValue("Kanaler", "C1", "Datum")
	f.SetCellValue("Kanaler", "A2", "Sms")
	f.SetCellValue("Kanaler", "B2", 0.25)
	pct, _ := f.NewStyle(&excelize.Style{NumFmt: 9})
	f.SetCellStyle("Kanaler", "B2", "B2", pct)
	f.SetCellValue("Kanaler", "C2", time.Date(2026, 8, 15, 0, 0, 0, 0, time.UTC))
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	f.SetCellStyle("Kanaler", "C2", "C2", date)
	f.SetCellValue("Kanaler", "A5", "Källa: KAA")
	var x bytes.Buffer
	if err := f.Write(&x); err != nil {
		t.Fatal(err)
	}

	books := officetest.Open(t,
		officetest.File{Name: "a.csv", Data: []byte(withBOM)},
		officetest.File{Name: "b.csv", Data: []byte(noBOM)},
		officetest.File{Name: "c.xlsx", Data: x.Bytes()})

	a := books[0].Sheets[0]
	if h := a.HeaderRow("namn", "Personnummer"); h != 0 {
		t.Errorf("header row %d, want 0: %+v", h, a.Rows)
	}
	want := [][]officetest.Cell{
		{{Type: "string", Value: "Åsa Öberg"}, {Type: "float", Value: "1.5"}, {Type: "percentage", Value: "0.125"},
			{Type: "date", Value: "2026-08-15"}, {Type: "string", Value: "20080301-0024"}, {Type: "float", Value: "2", Formula: "of:=1+1"}},
		{{Type: "string", Value: "Bo"}, {Type: "float", Value: "3"}, {}, {Type: "date", Value: "2026-01-02"}, {Type: "float", Value: "200803010024"}},
	}
	for i, row := range want {
		got := a.Rows[i+1]
		if len(got) != len(row) {
			t.Errorf("row %d: %+v, want %+v", i+1, got, row)
			continue
		}
		for j, c := range row {
			if g := got[j]; g.Type != c.Type || g.Value != c.Value || g.Formula != c.Formula {
				t.Errorf("row %d cell %d: %+v, want %+v", i+1, j, g, c)
			}
		}
	}
	if got := a.Rows[1][1].Text; got != "1,5" {
		t.Errorf("1.5 is shown as %q, want the Swedish 1,5", got)
	}

	if got := books[1].Sheets[0].Rows[1][0].Text; got != "Ã…sa" && got != "Ã\u0085sa" {
		t.Errorf("UTF-8 without a byte-order mark reads as %q, want it garbled as Windows-1252", got)
	}

	k := books[2].Sheet("Kanaler")
	if k == nil {
		t.Fatalf("no sheet Kanaler: %+v", books[2])
	}
	if c := k.Rows[1][1]; c.Type != "percentage" || c.Value != "0.25" || c.Text != "25 %" {
		t.Errorf("share: %+v", c)
	}
	if c := k.Rows[1][2]; c.Type != "date" || c.Value != "2026-08-15" {
		t.Errorf("date: %+v", c)
	}
	if len(k.Rows) != 5 || k.Rows[4][0].Text != "Källa: KAA" || len(k.Rows[2]) != 0 {
		t.Errorf("rows: %+v", k.Rows)
	}
}

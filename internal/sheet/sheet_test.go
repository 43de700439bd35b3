package sheet_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kaa-plattform/kaa/internal/sheet"
	"github.com/kaa-plattform/kaa/internal/table"
)

func open(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// numFmt is the number format of a cell's style, built in or custom.
func numFmt(t *testing.T, f *excelize.File, sh, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sh, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		return *st.CustomNumFmt
	}
	return map[int]string{0: "General", 3: "#,##0", 9: "0%"}[st.NumFmt]
}

// A table sheet: title and period rows, a bold frozen header with
// filters, typed cells with their formats, a suppressed count as "–" with
// a comment and a note, and formula-like text escaped, header included.
func TestTableSheet(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 8, 15, 0, 0, 0, 0, time.UTC)
	tbl := table.Table{
		Title: "Deltagare per kommun", Period: "Perioden är 2026 första halvåret",
		Head: []string{"Kommun", "Antal", "Andel", "Datum", "Månad", "=Formel", "Mobil", "Snitt", "Skillnad"},
		Rows: [][]table.Cell{
			{table.T("Östra Göinge"), table.N(12500), table.Pct(1, 4), table.D(day), table.M(day), table.T("=1+1"), table.Tel("+46701234567"), table.Dec(2.5, 1), table.N(-3)},
			{table.T("Osby"), table.Hidden("<5"), table.Pct(1, 0), {}, {}, table.T("@x"), {}, {}, {}},
		},
		Notes: []string{"Källa: registret"},
	}
	var b bytes.Buffer
	if err := sheet.WriteTable(&b, "Deltagare per kommun: 2026/1 [x]", tbl); err != nil {
		t.Fatal(err)
	}
	f := open(t, b.Bytes())
	sh := "Deltagare per kommun- 2026-1 -x"
	if got := f.GetSheetList(); len(got) != 1 || got[0] != sh {
		t.Fatalf("sheets %q, want [%q]", got, sh)
	}
	get := func(cell string) string {
		v, _ := f.GetCellValue(sh, cell, excelize.Options{RawCellValue: true})
		return v
	}
	typ := func(cell string) excelize.CellType { ct, _ := f.GetCellType(sh, cell); return ct }
	if get("A1") != tbl.Title || get("A2") != tbl.Period || get("A4") != "Kommun" || get("F4") != "'=Formel" {
		t.Errorf("title %q, period %q, head %q %q", get("A1"), get("A2"), get("A4"), get("F4"))
	}
	for _, c := range []struct{ cell, value, format string }{
		{"B5", "12500", "#,##0"}, {"C5", "0.25", "0%"}, {"D5", "46249", "yyyy-mm-dd"}, {"E5", "46235", "yyyy-mm"}, {"H5", "2.5", "0.0"}, {"I5", "-3", "#,##0"},
	} {
		if get(c.cell) != c.value || typ(c.cell) == excelize.CellTypeSharedString || typ(c.cell) == excelize.CellTypeInlineString {
			t.Errorf("%s: %q (type %v), want the number %s", c.cell, get(c.cell), typ(c.cell), c.value)
		}
		if got := numFmt(t, f, sh, c.cell); got != c.format {
			t.Errorf("%s: format %q, want %q", c.cell, got, c.format)
		}
	}
	if get("A5") != "Östra Göinge" || get("F5") != "'=1+1" || get("G5") != "+46701234567" || get("F6") != "'@x" {
		t.Errorf("text: %q %q %q %q", get("A5"), get("F5"), get("G5"), get("F6"))
	}
	if get("B6") != "–" || get("C6") != "–" {
		t.Errorf("suppressed %q, missing share %q, want –", get("B6"), get("C6"))
	}
	comments, err := f.GetComments(sh)
	if err != nil || len(comments) != 1 || comments[0].Cell != "B6" || !strings.Contains(comments[0].Text, "Färre än 5") {
		t.Errorf("comments %+v (%v), want one on B6", comments, err)
	}
	if get("A8") != "Källa: registret" || get("A9") != sheet.SuppressedNote {
		t.Errorf("notes %q %q", get("A8"), get("A9"))
	}
	p, err := f.GetPanes(sh)
	if err != nil || !p.Freeze || p.YSplit != 4 || p.TopLeftCell != "A5" {
		t.Errorf("panes %+v (%v), want frozen under the header on row 4", p, err)
	}
	assertFilter(t, b.Bytes(), "A4:I6")
	st, _ := f.GetCellStyle(sh, "A4")
	if s, _ := f.GetStyle(st); s.Font == nil || !s.Font.Bold {
		t.Error("header is not bold")
	}
	if w, _ := f.GetColWidth(sh, "A"); w < 12 || w > 60 {
		t.Errorf("column A is %v wide", w)
	}
}

// assertFilter finds the sheet's autoFilter element: excelize reads it
// back only as a defined name, so the XML is the source of truth.
func assertFilter(t *testing.T, b []byte, ref string) {
	t.Helper()
	f := open(t, b)
	names := f.GetDefinedName()
	for _, n := range names {
		if n.Name == "_xlnm._FilterDatabase" && strings.HasSuffix(strings.ReplaceAll(n.RefersTo, "$", ""), "!"+ref) {
			return
		}
	}
	t.Errorf("no filter on %s: %+v", ref, names)
}

// A streamed sheet and a sheet of pairs: header bold, frozen and
// filtered, typed cells, Swedish names, in the order they were added.
func TestStreamAndPairs(t *testing.T) {
	t.Parallel()
	b := sheet.New()
	defer b.Close()
	s, err := b.Stream("Data", []string{"id", "+antal", "kommun"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := s.Row([]table.Cell{table.T("a1b2"), table.N(i - 1), table.T("Hörby")}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Pairs("Rapport", []table.Pair{{Label: "Projekt", Value: table.T("Within")}, {Label: "=Rader", Value: table.N(3)}}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := b.Write(&out); err != nil {
		t.Fatal(err)
	}
	f := open(t, out.Bytes())
	if got := strings.Join(f.GetSheetList(), ","); got != "Data,Rapport" {
		t.Fatalf("sheets %s", got)
	}
	if v, _ := f.GetCellValue("Data", "B1"); v != "'+antal" {
		t.Errorf("header B1 %q", v)
	}
	if v, _ := f.GetCellValue("Data", "B2", excelize.Options{RawCellValue: true}); v != "-1" {
		t.Errorf("B2 %q, want -1", v)
	}
	if ct, _ := f.GetCellType("Data", "B2"); ct == excelize.CellTypeSharedString || ct == excelize.CellTypeInlineString {
		t.Error("a count is text")
	}
	if v, _ := f.GetCellValue("Data", "C4"); v != "Hörby" {
		t.Errorf("C4 %q", v)
	}
	if p, err := f.GetPanes("Data"); err != nil || !p.Freeze || p.YSplit != 1 {
		t.Errorf("panes %+v %v", p, err)
	}
	assertFilter(t, out.Bytes(), "A1:C4")
	if v, _ := f.GetCellValue("Rapport", "B1"); v != "Within" {
		t.Errorf("Rapport B1 %q", v)
	}
	if v, _ := f.GetCellValue("Rapport", "A2"); v != "'=Rader" {
		t.Errorf("Rapport A2 %q: a label is text made safe", v)
	}
	if ct, _ := f.GetCellType("Rapport", "B2"); ct == excelize.CellTypeSharedString || ct == excelize.CellTypeInlineString {
		t.Error("Rapport B2: a row count is text, not a number")
	}
}

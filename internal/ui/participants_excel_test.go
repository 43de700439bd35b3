package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestParticipantsExcel: the list with its filters as a workbook, read back
// with excelize: one sheet "Deltagare", a bold frozen header row with a
// filter, personnummer as text, dates as dates, ages and days as numbers,
// Swedish letters intact, a formula-like text made inert; only the
// municipality's own people, and the download in the audit log with each
// person's id.
func TestParticipantsExcel(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	osby := a.client()
	osby.signIn("samordnare@osby.demo")
	horby := a.client()
	horby.signIn("samordnare@horby.demo")

	asa := osby.registerIn("1273", newParticipant(validPnr("20080301", "002"), "Åsa", "Östlund"))
	osby.logNote("1273", asa, "Träffades på biblioteket.")
	bo := osby.registerIn("1273", newParticipant(validPnr("20070402", "113"), "Bo", "Ärlig"))
	other := horby.registerIn("1266", newParticipant(validPnr("20080705", "446"), "Hanna", "Hörbysson"))
	if _, err := a.db.Owner.Exec(context.Background(), `UPDATE participants SET street = '=HYPERLINK("http://x")', city = 'Hässleholm' WHERE id = $1`, bo); err != nil {
		t.Fatal(err)
	}

	open := func(path string) *excelize.File {
		t.Helper()
		res := osby.get(path)
		if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("%s: %d %s", path, res.Status, res.Header.Get("Content-Type"))
		}
		if !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("not a download: %q", res.Header.Get("Content-Disposition"))
		}
		f, err := excelize.OpenReader(strings.NewReader(res.Body), excelize.Options{UnzipSizeLimit: 10 << 20, UnzipXMLSizeLimit: 10 << 20})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}

	t.Run("TypedCells", func(t *testing.T) {
		f := open("/k/1273/deltagare/excel")
		if got := f.GetSheetList(); !slices.Equal(got, []string{"Deltagare"}) {
			t.Fatalf("sheets %q", got)
		}
		rows, err := f.GetRows("Deltagare")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 {
			t.Fatalf("%d rows, want a header and two people: %q", len(rows), rows)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		cell := func(row int, head string) string {
			name, _ := excelize.CoordinatesToCellName(col[head]+1, row)
			return name
		}
		// Sorted by name: Bo Ärlig before Åsa Östlund (Swedish order: Ä before Ö).
		if rows[1][col["Efternamn"]] != "Ärlig" || rows[2][col["Förnamn"]] != "Åsa" || rows[2][col["Efternamn"]] != "Östlund" {
			t.Errorf("names: %q %q", rows[1], rows[2])
		}
		if v, _ := f.GetCellValue("Deltagare", cell(1, "Personnummer")); v != "Personnummer" {
			t.Errorf("A1 = %q", v)
		}
		pnr := cell(3, "Personnummer")
		if v, _ := f.GetCellValue("Deltagare", pnr); v != "20080301-0024" && !strings.HasPrefix(v, "20080301-002") {
			t.Errorf("personnummer %q", v)
		}
		if ty, _ := f.GetCellType("Deltagare", pnr); ty != excelize.CellTypeSharedString && ty != excelize.CellTypeInlineString {
			t.Errorf("personnummer is not text: %v", ty)
		}
		for _, head := range []string{"Födelsedatum", "Identifierad", "Senaste kontakt"} {
			c := cell(3, head)
			raw, _ := f.GetCellValue("Deltagare", c, excelize.Options{RawCellValue: true})
			shown, _ := f.GetCellValue("Deltagare", c)
			if _, err := strconv.ParseFloat(raw, 64); err != nil || len(shown) != 10 || shown[4] != '-' {
				t.Errorf("%s: stored %q, shown %q: want a date serial shown as yyyy-mm-dd", head, raw, shown)
			}
		}
		if v, _ := f.GetCellValue("Deltagare", cell(3, "Födelsedatum")); v != "2008-03-01" {
			t.Errorf("birth date shown as %q", v)
		}
		for _, head := range []string{"Ålder", "Dagar sedan senaste kontakt"} {
			c := cell(3, head)
			raw, _ := f.GetCellValue("Deltagare", c, excelize.Options{RawCellValue: true})
			if ty, _ := f.GetCellType("Deltagare", c); ty == excelize.CellTypeSharedString || ty == excelize.CellTypeInlineString {
				t.Errorf("%s is text", head)
			} else if _, err := strconv.Atoi(raw); err != nil {
				t.Errorf("%s: %q is not a whole number", head, raw)
			}
		}
		if v, _ := f.GetCellValue("Deltagare", cell(2, "Senaste kontakt")); v != "" {
			t.Errorf("Bo, never contacted, has a last contact %q", v)
		}
		if v, _ := f.GetCellValue("Deltagare", cell(2, "Gatuadress")); v != `'=HYPERLINK("http://x")` {
			t.Errorf("a formula-like address is %q", v)
		}
		if v, _ := f.GetCellValue("Deltagare", cell(2, "Mobil")); v != "" && !strings.HasPrefix(v, "+46") {
			t.Errorf("a mobile number reads %q, not as it is kept (+46…)", v)
		}
		if formula, _ := f.GetCellFormula("Deltagare", cell(2, "Gatuadress")); formula != "" {
			t.Errorf("the address is a formula: %q", formula)
		}
		if v, _ := f.GetCellValue("Deltagare", cell(2, "Ort")); v != "Hässleholm" {
			t.Errorf("city %q", v)
		}
		if v, _ := f.GetCellValue("Deltagare", cell(3, "Status")); v == "" || strings.Contains(v, "_") {
			t.Errorf("status %q is not a Swedish label", v)
		}
		// The header: bold, frozen, with a filter.
		style, _ := f.GetCellStyle("Deltagare", "A1")
		if s, err := f.GetStyle(style); err != nil || s.Font == nil || !s.Font.Bold {
			t.Error("the header row is not bold")
		}
		if p, err := f.GetPanes("Deltagare"); err != nil || !p.Freeze || p.YSplit != 1 {
			t.Errorf("the header row is not frozen: %+v %v", p, err)
		}
		if names := f.GetDefinedName(); !slices.ContainsFunc(names, func(d excelize.DefinedName) bool { return d.Name == "_xlnm._FilterDatabase" }) {
			t.Errorf("no filter on the header row: %+v", names)
		}
	})

	t.Run("FilterAndTenant", func(t *testing.T) {
		f := open("/k/1273/deltagare/excel?alder_min=19")
		rows, _ := f.GetRows("Deltagare")
		if len(rows) != 2 || !slices.Contains(rows[1], "Ärlig") {
			t.Errorf("with the age filter: %q", rows)
		}
		all := open("/k/1273/deltagare/excel")
		rows, _ = all.GetRows("Deltagare")
		for _, r := range rows {
			if slices.Contains(r, "Hörbysson") {
				t.Error("another municipality's person is in the file")
			}
		}
		if res := osby.get("/k/1266/deltagare/excel"); res.Status == http.StatusOK {
			t.Error("Osby's coordinator downloads Hörby's list")
		}
	})

	t.Run("Mine", func(t *testing.T) {
		// Someone of Osby's whom no coordinator is responsible for: in the
		// whole municipality's file, not in the coordinator's own.
		if _, err := a.db.Owner.Exec(context.Background(), `INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
			VALUES ($1, '200806070018', '2008-06-07', 'Ingen', 'Ansvarigsson')`, a.orgID("1273")); err != nil {
			t.Fatal(err)
		}
		has := func(path string) bool {
			rows, _ := open(path).GetRows("Deltagare")
			return slices.ContainsFunc(rows, func(r []string) bool { return slices.Contains(r, "Ansvarigsson") })
		}
		if !has("/k/1273/deltagare/excel") {
			t.Error("the whole municipality's file lacks someone without a responsible coordinator")
		}
		if has("/k/1273/deltagare/excel?visa=mina") {
			t.Error("the file of Mina ungdomar holds someone the coordinator is not responsible for")
		}
	})

	t.Run("Audited", func(t *testing.T) {
		osbyID := a.orgID("1273")
		before := a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = 'participant.export'`, osbyID)
		open("/k/1273/deltagare/excel")
		if n := a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = 'participant.export'`, osbyID); n != before+1 {
			t.Fatalf("%d export events for one download", n-before)
		}
		for _, id := range []int64{asa, bo} {
			if n := a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = 'participant.export' AND record_type = 'report'
			                 AND detail -> 'participants' @> to_jsonb($2::bigint)`, osbyID, id); n == 0 {
				t.Errorf("person %d is not named in the export's event", id)
			}
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'participant.export' AND detail -> 'participants' @> to_jsonb($1::bigint)`, other); n != 0 {
			t.Error("Hörby's person is in Osby's export event")
		}
		// The access-log review finds the download under the person.
		res := a.client()
		res.signIn("admin@osby.demo")
		page := res.get(fmt.Sprintf("/k/1273/loggkontroll?deltagare=%d", asa))
		if page.Status != http.StatusOK || !strings.Contains(page.Body, "Laddade ner deltagarlistan som Excel-fil") {
			t.Errorf("the access-log review of the person does not show the download (%d)", page.Status)
		}
	})

	t.Run("LinkOnList", func(t *testing.T) {
		res := osby.get("/k/1273/deltagare?alder_min=19&sida=2")
		if !strings.Contains(res.Body, `href="/k/1273/deltagare/excel?alder_min=19"`) {
			t.Error("the list has no link to its workbook with its filters")
		}
	})
}

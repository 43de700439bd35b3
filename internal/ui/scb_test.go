package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/officetest"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/personnummer"
	"github.com/kaa-plattform/kaa/internal/scb"
)

// validPnr is a valid personnummer born on yyyymmdd with serial nnn.
func validPnr(yyyymmdd, nnn string) string {
	return yyyymmdd + nnn + fmt.Sprint(personnummer.CheckDigit(yyyymmdd[2:]+nnn))
}

// scbFixture registers, as the owner, the young people of the SCB tests in
// Osby and one in Hörby, and returns their ids by last name.
func scbFixture(t *testing.T, a *app) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	osby, horby, me := a.orgID("1273"), a.orgID("1266"), a.userID("samordnare@osby.demo")
	var sub int
	a.db.Owner.QueryRow(ctx, `SELECT id FROM subprojects WHERE org_id = $1`, osby).Scan(&sub)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := a.db.Owner.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	ids := map[string]int64{}
	person := func(tenant int, pnr, last string) int64 {
		var id int64
		if err := a.db.Owner.QueryRow(ctx, `INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
			VALUES ($1, $2, to_date(substr($2, 1, 8), 'YYYYMMDD'), 'T', $3) RETURNING id`, tenant, pnr, last).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[last] = id
		return id
	}
	kaa := func(tenant int, pid int64, starts, ends, reason, endReason string) {
		exec(`INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, ends_on, registration_reason, end_reason, end_note)
			VALUES ($1, $2, 'kaa', $3::date, NULLIF($4, '')::date, $5, NULLIF($6, ''), CASE WHEN $6 = 'other' THEN 'Annat' END)`,
			tenant, pid, starts, ends, reason, endReason)
	}
	contact := func(pid int64, at, occupation string) {
		exec(`INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, created_by, occupation)
			VALUES ($1, $2, ($3::date + time '10:00') AT TIME ZONE 'Europe/Stockholm', 'sms', 'outgoing', true, $4, $5)`, osby, pid, at, me, occupation)
	}
	plan := func(pid int64) {
		exec(`INSERT INTO plans (tenant_id, participant_id, version, created_by) VALUES ($1, $2, 1, $3)`, osby, pid, me)
	}
	measure := func(pid int64, pos int, typ, starts, ends, reason string) {
		exec(`INSERT INTO plan_measures (tenant_id, participant_id, version, position, type, responsible, starts_on, ends_on, end_reason)
			VALUES ($1, $2, 1, $3, $4, 'municipality', NULLIF($5, '')::date, NULLIF($6, '')::date, NULLIF($7, ''))`, osby, pid, pos, typ, starts, ends, reason)
	}
	// In KAA the whole half-year, reached, with an åtgärd started and ended in
	// it; what they did after it is known from a contact after the half-year.
	A := person(osby, validPnr("20080301", "246"), "Aström")
	kaa(osby, A, "2025-09-01", "", "dropped_out", "")
	contact(A, "2026-02-10", "no_activity")
	exec(`INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, created_by)
		VALUES ($1, $2, '2026-04-01 10:00+02', 'sms', 'outgoing', false, $3)`, osby, A, me) // an attempt, not a contact occasion
	contact(A, "2026-07-05", "work")
	plan(A)
	measure(A, 1, "work_placement", "2026-03-01", "2026-05-31", "completed")
	measure(A, 2, "guidance", "", "", "")
	// No reason for the registration, a contact with no occupation, avregistrerad.
	B := person(osby, "200706151230", "Berglund")
	kaa(osby, B, "2026-03-01", "2026-05-15", "unknown", "national_programme")
	contact(B, "2026-03-02", "unknown")
	// Registered the whole half-year, reached only before it.
	C := person(osby, "200901012344", "Carlsson")
	kaa(osby, C, "2025-01-01", "", "never_started", "")
	contact(C, "2025-12-01", "no_activity")
	// Not in the file: KAA ended before the half-year, only in a project,
	// registered after it, another municipality.
	kaa(osby, person(osby, "200712124569", "Dahlberg"), "2025-01-01", "2025-12-31", "dropped_out", "moved")
	exec(`INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on) VALUES ($1, $2, 'project', $3, '2026-02-01')`,
		osby, person(osby, "200603153328", "Ek"), sub)
	kaa(osby, person(osby, "200904044442", "Frisk"), "2026-07-01", "", "dropped_out", "")
	kaa(horby, person(horby, validPnr("20080301", "246"), "Hörbybo"), "2026-01-01", "", "unknown", "")
	// A personnummer whose check digit is wrong.
	bad := validPnr("20080302", "357")
	G := person(osby, bad[:11]+fmt.Sprint((int(bad[11]-'0')+1)%10), "Gran")
	kaa(osby, G, "2026-01-10", "", "moved_in", "")
	contact(G, "2026-01-20", "komvux")
	// Turned 20 on 2026-02-10 and still registered.
	I := person(osby, validPnr("20060210", "123"), "Isaksson")
	kaa(osby, I, "2024-09-01", "", "dropped_out", "")
	contact(I, "2026-01-15", "work")
	// Avregistrerad on the 20th birthday, as it should be.
	J := person(osby, validPnr("20060420", "234"), "Jansson")
	kaa(osby, J, "2025-01-01", "2026-04-20", "dropped_out", "turned_20")
	contact(J, "2026-02-01", "work")
	// Moved away, without and with the new home municipality.
	K := person(osby, validPnr("20070505", "345"), "Karlsson")
	kaa(osby, K, "2025-06-01", "2026-03-31", "dropped_out", "moved")
	contact(K, "2026-02-01", "no_activity")
	L := person(osby, validPnr("20070606", "456"), "Lund")
	kaa(osby, L, "2025-06-01", "2026-04-30", "study_certificate", "moved")
	exec(`UPDATE enrolments SET moved_to = '0484' WHERE participant_id = $1`, L)
	contact(L, "2026-02-03", "folkhogskola")
	// Åtgärder: ended without a start and with nothing known after it;
	// declined after it had started; declined before it started.
	M := person(osby, validPnr("20080707", "567"), "Mattsson")
	kaa(osby, M, "2025-10-01", "", "dropped_out_im", "")
	contact(M, "2026-01-05", "studies_other")
	plan(M)
	measure(M, 1, "komvux", "", "2026-02-28", "dropped_out")
	measure(M, 2, "folkhogskola", "2026-01-10", "2026-03-15", "declined")
	measure(M, 3, "arbetsformedlingen", "", "2026-04-01", "declined")
	return ids
}

// visibleText is what a person reads on a page: the text without tags.
func visibleText(html string) string {
	html = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>`).ReplaceAllString(html, " ")
	return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(html, " ")
}

// scbCodeWords finds, in text a user reads, a key of a code list: the named
// English words, and every key made of words joined by _.
func scbCodeWords(text string) []string {
	var found []string
	for _, l := range append(codes.All, scb.Records) {
		for _, k := range l.Keys() {
			if k == "unknown" || k == "other" || k == "no_activity" || strings.Contains(k, "_") {
				if regexp.MustCompile(`\b` + regexp.QuoteMeta(k) + `\b`).MatchString(text) {
					found = append(found, k)
				}
			}
		}
	}
	return found
}

// xlsxText is every cell of every sheet of a workbook.
func xlsxText(t *testing.T, f *excelize.File) string {
	t.Helper()
	var b strings.Builder
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(sh + "\n")
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	return b.String()
}

// makeFile makes the file of a half-year as the page's button does, and
// downloads it from the archive it was kept in.
func makeFile(t *testing.T, c *client, half, format string) (response, string) {
	t.Helper()
	res := c.post("/k/1273/scb/fil", url.Values{"halvar": {half}, "spec": {"2026-2"}, "format": {format}})
	if res.Status != http.StatusSeeOther || !regexp.MustCompile(`^/k/1273/scb/arkiv/\d+/`+format+`$`).MatchString(res.Location) {
		t.Fatalf("make the %s file of %s: %d %q", format, half, res.Status, res.Location)
	}
	file := c.get(res.Location)
	if file.Status != http.StatusOK {
		t.Fatalf("download %s: %d", res.Location, file.Status)
	}
	return file, res.Location
}

// TestSCBFindings checks the page of the half-year file: what the file
// holds and every finding of SCB's checks, with the person to fix it,
// against fixture data counted by hand.
func TestSCBFindings(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ids := scbFixture(t, a)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	res := c.get("/k/1273/scb?halvar=2026-1")
	if res.Status != http.StatusOK {
		t.Fatalf("page: %d", res.Status)
	}
	page := res.Body
	for _, want := range []string{"9 ungdomar i aktivitetsansvaret", "8 kontakter som nådde fram", "2 påbörjade åtgärder",
		"4 avslutade åtgärder", "4 avregistreringar", "SCB:s kontroller (9 saker att rätta)", "datafilsbeskrivningen version 2026-2"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	for _, other := range []string{"Dahlberg", "Ek", "Frisk", "Hörbybo", "Jansson", "Lund", "Aström"} {
		if strings.Contains(page, other) {
			t.Errorf("%s is among the findings but should not be", other)
		}
	}
	findings := []struct{ kind, who, text string }{
		{"pnr", "Gran", "personnumret går inte att använda i filen. Personnumret stämmer inte: kontrollsiffran"},
		{"age", "Isaksson", "fyllde 20 år den 2026-02-10 men är registrerad efter det. Avregistrera med orsaken Fyllt 20 år från den dagen."},
		{"reason_missing", "Berglund", "orsak till registrering är Uppgift saknas."},
		{"moved_to_missing", "Karlsson", "avregistrerades 2026-03-31 med orsaken Flyttat till annan kommun, men den nya hemkommunen saknas."},
		{"no_contact", "Carlsson", "registrerad hela halvåret men utan någon kontakt som nådde fram."},
		{"occupation_unknown", "Berglund", "sysselsättning vid kontakten 2026-03-02 är Uppgift saknas."},
		{"measure_no_start", "Mattsson", "åtgärden Komvux avslutades 2026-02-28 men saknar startdatum."},
		{"declined_started", "Mattsson", "åtgärden Folkhögskola har startdatum 2026-01-10 men är markerad att den unga tackade nej."},
		{"occupation_after", "Mattsson", "sysselsättning efter åtgärden Komvux (avslutad 2026-02-28) saknas"},
	}
	for _, f := range findings {
		re := regexp.MustCompile(`data-finding="` + f.kind + `">\s*<a href="/k/1273/deltagare/` + fmt.Sprint(ids[f.who]) + `">T ` + f.who + `</a>: ` + regexp.QuoteMeta(f.text))
		if !re.MatchString(page) {
			t.Errorf("finding %s for %s, saying %q, with a link to the person, not found", f.kind, f.who, f.text)
		}
	}
	if n := strings.Count(page, "data-finding="); n != len(findings) {
		t.Errorf("%d findings, want %d", n, len(findings))
	}
	if found := scbCodeWords(visibleText(page)); len(found) > 0 {
		t.Errorf("the page shows code words %v", found)
	}

	// A date that has not come yet: an åtgärd of the current half-year that
	// "ended" on its last day.
	now := participant.Today()
	if cur := scb.Current(now); !cur.End().After(now) {
		t.Log("today is the last day of a half-year: the check of dates to come is not run")
	} else {
		ctx := context.Background()
		osby, me := a.orgID("1273"), a.userID("samordnare@osby.demo")
		var pid int64
		a.db.Owner.QueryRow(ctx, `INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
			VALUES ($1, $2, to_date(substr($2, 1, 8), 'YYYYMMDD'), 'T', 'Nord') RETURNING id`, osby, validPnr("20090909", "678")).Scan(&pid)
		for _, sql := range []string{
			`INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason) SELECT $1, $2, 'kaa', $4::date, 'dropped_out' WHERE $3::int > 0 AND $5::date IS NOT NULL`,
			`INSERT INTO plans (tenant_id, participant_id, version, created_by) SELECT $1, $2, 1, $3 WHERE $4::date < $5::date`,
			`INSERT INTO plan_measures (tenant_id, participant_id, version, position, type, responsible, starts_on, ends_on, end_reason)
			 SELECT $1, $2, 1, 1, 'komvux', 'municipality', $4::date, $5::date, 'completed' WHERE $3::int > 0`,
		} {
			if _, err := a.db.Owner.Exec(ctx, sql, osby, pid, me, cur.Start(), cur.End()); err != nil {
				t.Fatal(err)
			}
		}
		page := c.get("/k/1273/scb?halvar=" + cur.String()).Body
		want := fmt.Sprintf(`data-finding="future">\s*<a href="/k/1273/deltagare/%d">T Nord</a>: åtgärden Komvux har slutdatum %s, som inte har kommit än, men rapporteras som avslutad.`,
			pid, cur.End().Format("2006-01-02"))
		if !regexp.MustCompile(want).MatchString(page) {
			t.Error("an åtgärd that ends after today is not flagged")
		}
	}
	if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'scb.report'`); n < 1 {
		t.Error("showing the findings is not audited")
	}
}

// TestSCBFile checks the file in both formats, byte for byte and cell by
// cell, the empty half-year, the unknown spec version, and the archive.
func TestSCBFile(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ids := scbFixture(t, a)
	pnr := func(last string) string {
		var p string
		a.db.Owner.QueryRow(context.Background(), `SELECT personnummer FROM participants WHERE id = $1`, ids[last]).Scan(&p)
		return p
	}
	c := a.client()
	c.signIn("samordnare@osby.demo")

	txt, txtURL := makeFile(t, c, "2026-1", "txt")
	if txt.Header.Get("Content-Type") != "text/plain; charset=utf-8" ||
		txt.Header.Get("Content-Disposition") != `attachment; filename="KAA_1273_2026-1_spec2026-2.txt"` {
		t.Errorf("text file headers: %v", txt.Header)
	}
	body := txt.Body
	if !strings.HasPrefix(body, "\uFEFF") {
		t.Error("the text file does not start with a byte-order mark")
	}
	if strings.Count(body, "\n") != strings.Count(body, "\r\n") || !strings.HasSuffix(body, "\r\n") {
		t.Error("the text file's lines do not end in CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(body, "\uFEFF"), "\r\n"), "\r\n")
	if len(lines) != 2+27 {
		t.Fatalf("%d lines, want an info row, the header and 27 rows:\n%s", len(lines), body)
	}
	if want := "Innehåll: Kommunernas aktivitetsansvar, datafil till SCB;Datafilsbeskrivning, version: 2026-2;" +
		"Datafilsbeskrivningens datum: 2026-12-01;Kommun: 1273;Halvår: 2026-1 (första halvåret 2026)"; lines[0] != want {
		t.Errorf("info row:\n%s\nwant\n%s", lines[0], want)
	}
	if want := "Kommun;Personnummer;Posttyp;Registreringsdatum;Orsak till registrering;Kontaktdatum;Sysselsättning vid kontakt;Åtgärd;" +
		"Startdatum åtgärd;Slutdatum åtgärd;Orsak till avslutad åtgärd;Sysselsättning efter åtgärd;Avregistreringsdatum;" +
		"Orsak till avregistrering;Ny hemkommun"; lines[1] != want {
		t.Errorf("header:\n%s\nwant\n%s", lines[1], want)
	}
	// Rows counted by hand, in the spec's codes (spec/2026-2.json).
	for _, want := range []string{
		"1273;200706151230;1;2026-03-01;;;;;;;;;;;",                        // Berglund: reason uppgift saknas, an empty cell
		"1273;" + pnr("Aström") + ";1;2025-09-01;2;;;;;;;;;;",              // Aström: avbrutit nationellt program
		"1273;200706151230;2;;;2026-03-02;99;;;;;;;;",                      // a contact with occupation uppgift saknas
		"1273;" + pnr("Aström") + ";2;;;2026-02-10;51;;;;;;;;",             // the attempt of 2026-04-01 is no contact
		"1273;" + pnr("Aström") + ";3;;;;;4;2026-03-01;;;;;;",              // praktik started
		"1273;" + pnr("Aström") + ";4;;;;;4;2026-03-01;2026-05-31;1;21;;;", // and ended; arbete after it
		"1273;" + pnr("Mattsson") + ";4;;;;;2;;2026-02-28;2;99;;;",         // komvux: no start, nothing known after it
		"1273;" + pnr("Mattsson") + ";4;;;;;6;;2026-04-01;3;;;;",           // declined: reported as such
		"1273;" + pnr("Mattsson") + ";4;;;;;3;2026-01-10;2026-03-15;3;;;;", // declined after a start
		"1273;" + pnr("Lund") + ";5;;;;;;;;;;2026-04-30;6;0484",            // moved to Eskilstuna
		"1273;" + pnr("Karlsson") + ";5;;;;;;;;;;2026-03-31;6;",            // moved, municipality missing
		"1273;" + pnr("Jansson") + ";5;;;;;;;;;;2026-04-20;5;",             // turned 20
		"1273;200706151230;5;;;;;;;;;;2026-05-15;1;",                       // national programme
		"1273;" + pnr("Gran") + ";1;2026-01-10;5;;;;;;;;;;",                // the bad personnummer is still reported
	} {
		if !slices.Contains(lines[2:], want) {
			t.Errorf("no row %q in\n%s", want, strings.Join(lines[2:], "\n"))
		}
	}
	for _, gone := range []string{"200712124569", "200603153328", "200904044442"} {
		if strings.Contains(body, gone) {
			t.Errorf("%s is in the file", gone)
		}
	}
	if found := scbCodeWords(body); len(found) > 0 {
		t.Errorf("the text file holds code words %v", found)
	}

	// The same content as a workbook: typed cells, the spec version in it.
	xres, xlsxURL := makeFile(t, c, "2026-1", "xlsx")
	if xres.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		xres.Header.Get("Content-Disposition") != `attachment; filename="KAA_1273_2026-1_spec2026-2.xlsx"` {
		t.Errorf("xlsx headers: %v", xres.Header)
	}
	if strings.TrimSuffix(xlsxURL, "xlsx") != strings.TrimSuffix(txtURL, "txt") {
		t.Errorf("the unchanged file was kept twice: %s and %s", txtURL, xlsxURL)
	}
	x, err := excelize.OpenReader(strings.NewReader(xres.Body))
	if err != nil {
		t.Fatal(err)
	}
	if got := x.GetSheetList(); len(got) != 2 || got[0] != "Aktivitetsansvar" || got[1] != "Om filen" {
		t.Errorf("sheets %v", got)
	}
	rows, _ := x.GetRows("Aktivitetsansvar")
	if len(rows) != 1+27 || strings.Join(rows[0], ";") != lines[1] {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	if panes, err := x.GetPanes("Aktivitetsansvar"); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("the header row is not frozen: %+v %v", panes, err)
	}
	if st, _ := x.GetCellStyle("Aktivitetsansvar", "B1"); st == 0 {
		t.Error("the header row is not styled bold")
	} else if s, _ := x.GetStyle(st); s.Font == nil || !s.Font.Bold {
		t.Error("the header row is not bold")
	}
	// Each row of the sheet is the text file's row, and each cell its type.
	for i, row := range rows[1:] {
		r := i + 2
		for len(row) < len(rows[0]) {
			row = append(row, "")
		}
		if strings.Join(row, ";") != lines[i+2] {
			t.Errorf("sheet row %d %q, text row %q", r, strings.Join(row, ";"), lines[i+2])
		}
		cell := func(col string) string { return fmt.Sprintf("%s%d", col, r) }
		for _, col := range []string{"A", "B"} { // kommunkod and personnummer: text, leading zeros kept
			if ct, _ := x.GetCellType("Aktivitetsansvar", cell(col)); ct != excelize.CellTypeSharedString && ct != excelize.CellTypeInlineString {
				t.Errorf("%s is stored as %v, not as text", cell(col), ct)
			}
		}
		if ct, _ := x.GetCellType("Aktivitetsansvar", cell("C")); ct != excelize.CellTypeNumber && ct != excelize.CellTypeUnset {
			t.Errorf("%s, the record code, is stored as %v, not as a number", cell("C"), ct)
		}
	}
	// A date is a date: a number shown in the date format.
	raw, _ := x.GetCellValue("Aktivitetsansvar", "D2", excelize.Options{RawCellValue: true})
	shown, _ := x.GetCellValue("Aktivitetsansvar", "D2")
	if ct, _ := x.GetCellType("Aktivitetsansvar", "D2"); (ct != excelize.CellTypeNumber && ct != excelize.CellTypeUnset) || raw == shown || !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(shown) {
		t.Errorf("D2 is not a date: type %v raw %q shown %q", ct, raw, shown)
	}
	info, _ := x.GetRows("Om filen")
	if len(info) < 5 || info[1][1] != "2026-2" || info[2][1] != "2026-12-01" || info[3][1] != "1273" {
		t.Errorf("the workbook does not name its spec version, date and municipality: %v", info)
	}
	if found := scbCodeWords(xlsxText(t, x)); len(found) > 0 {
		t.Errorf("the workbook holds code words %v", found)
	}
	if !officetest.Available() {
		t.Log("soffice (LibreOffice) is not installed: the workbook is not opened by a second reader")
	} else {
		// As LibreOffice reads it: the header, and every personnummer
		// whole, as text, never as a number in scientific notation.
		book := officetest.Open(t, officetest.File{Name: "fil.xlsx", Data: []byte(xres.Body)})[0]
		sheet := book.Sheet("Aktivitetsansvar")
		if sheet == nil || sheet.HeaderRow("Personnummer") < 0 {
			t.Fatalf("LibreOffice reads no sheet Aktivitetsansvar with the header Personnummer: %+v", book)
		}
		h := sheet.HeaderRow("Personnummer")
		col := slices.IndexFunc(sheet.Rows[h], func(c officetest.Cell) bool { return c.Text == "Personnummer" })
		pnr := 0
		for _, row := range sheet.Rows[h+1:] {
			if col < len(row) && row[col].Text != "" {
				pnr++
				if c := row[col]; c.Type != "string" || !regexp.MustCompile(`^(19|20)[0-9]{10}$`).MatchString(c.Text) {
					t.Errorf("LibreOffice reads a personnummer as %s %q", c.Type, c.Text)
				}
			}
		}
		if pnr == 0 {
			t.Error("LibreOffice reads no personnummer in the workbook")
		}
	}

	// An archived file comes back byte for byte after the register is
	// corrected; the next file has the correction.
	if _, err := a.db.Owner.Exec(context.Background(), `UPDATE enrolments SET registration_reason = 'dropped_out' WHERE participant_id = $1`, ids["Berglund"]); err != nil {
		t.Fatal(err)
	}
	if again := c.get(txtURL); again.Body != txt.Body {
		t.Error("the archived text file changed after a correction")
	}
	if again := c.get(xlsxURL); again.Body != xres.Body {
		t.Error("the archived workbook changed after a correction")
	}
	next, nextURL := makeFile(t, c, "2026-1", "txt")
	if nextURL == txtURL || !strings.Contains(next.Body, "1273;200706151230;1;2026-03-01;2;;") || strings.Contains(next.Body, "1273;200706151230;1;2026-03-01;;;") {
		t.Errorf("the next file (%s) does not have the correction", nextURL)
	}
	page := c.get("/k/1273/scb?halvar=2026-1").Body
	if n := strings.Count(page, "data-archived="); n != 2 {
		t.Errorf("the page lists %d archived files, want 2", n)
	}
	if !strings.Contains(page, `href="`+txtURL+`"`) || !strings.Contains(page, `href="`+nextURL+`"`) {
		t.Error("the archived files are not offered for download")
	}
	if found := scbCodeWords(visibleText(page)); len(found) > 0 {
		t.Errorf("the page shows code words %v", found)
	}
	// Another municipality cannot fetch the file.
	h := a.client()
	h.signIn("samordnare@horby.demo")
	if res := h.get(strings.Replace(txtURL, "1273", "1266", 1)); res.Status != http.StatusNotFound {
		t.Errorf("Hörby fetches Osby's file: %d", res.Status)
	}

	// A half-year without data: a valid file of the header only, and a sentence.
	empty, _ := makeFile(t, c, "2021-1", "txt")
	if got := strings.Split(strings.TrimSuffix(empty.Body, "\r\n"), "\r\n"); len(got) != 2 || got[1] != lines[1] {
		t.Errorf("the empty half-year's file:\n%q", empty.Body)
	}
	ex, _ := makeFile(t, c, "2021-1", "xlsx")
	if x, err := excelize.OpenReader(strings.NewReader(ex.Body)); err != nil {
		t.Error(err)
	} else if rows, _ := x.GetRows("Aktivitetsansvar"); len(rows) != 1 {
		t.Errorf("the empty workbook has %d rows", len(rows))
	}
	if !strings.Contains(c.get("/k/1273/scb?halvar=2021-1").Body, "Ingen ungdom var registrerad i aktivitetsansvaret under första halvåret 2021. Filen innehåller då bara rubrikraden.") {
		t.Error("the page does not say the half-year is empty")
	}

	// An unknown spec version is refused, in Swedish, and makes no file.
	before := a.count(`SELECT count(*) FROM scb_files`)
	msg := `Det finns ingen datafilsbeskrivning med versionen &#34;1999-1&#34;. Välj en av versionerna i listan.`
	if res := c.get("/k/1273/scb?halvar=2026-1&spec=1999-1"); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, msg) {
		t.Errorf("unknown spec on the page: %d", res.Status)
	}
	if res := c.post("/k/1273/scb/fil", url.Values{"halvar": {"2026-1"}, "spec": {"1999-1"}, "format": {"xlsx"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, msg) {
		t.Errorf("unknown spec for the file: %d", res.Status)
	}
	if a.count(`SELECT count(*) FROM scb_files`) != before {
		t.Error("a file was kept for an unknown spec version")
	}

	// Every file made and every download is audited.
	if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'scb.file'`); n != 5 {
		t.Errorf("%d files made were audited, want 5", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'scb.export'`); n != 7 {
		t.Errorf("%d downloads were audited, want 7", n)
	}
}

func TestFixRegistrationReason(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	form := newParticipant("080301-0024", "Alva", "Andersson")
	form.Set("registration_reason", "unknown")
	id := c.register(form)
	eid := a.count(`SELECT id FROM enrolments WHERE participant_id = $1`, id)
	page := c.get(fmt.Sprintf("/k/1273/deltagare/%d", id)).Body
	if !strings.Contains(page, "<details open><summary>Ändra orsak till registrering") {
		t.Error("an unknown reason is not offered for correction")
	}
	path := fmt.Sprintf("/k/1273/deltagare/%d/inskrivningar/%d/orsak", id, eid)
	if res := c.post(path, url.Values{fmt.Sprintf("registration_reason_%d", eid): {"kanske"}}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad reason: %d", res.Status)
	}
	if res := c.post(path, url.Values{fmt.Sprintf("registration_reason_%d", eid): {"dropped_out"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("fix reason: %d", res.Status)
	}
	if a.count(`SELECT count(*) FROM enrolments WHERE id = $1 AND registration_reason = 'dropped_out'`, eid) != 1 ||
		a.count(`SELECT count(*) FROM audit_events WHERE action = 'enrolment.update'`) != 1 {
		t.Error("the reason was not saved and audited")
	}
}

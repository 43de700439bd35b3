package ui_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kaa-plattform/kaa/internal/esf"
	"github.com/kaa-plattform/kaa/internal/officetest"
	"github.com/kaa-plattform/kaa/internal/personnummer"
)

// TestESFMonthlyFile walks Osby's monthly participant file of Within
// through the real router: each check fires with its Swedish sentence and
// row, the download is refused while errors remain, hours are typed in
// (a wrong one is a message and nothing is saved), the file's columns and
// rows, the kept file list and the audit, another municipality's file is
// not found, Kristianstad's people never appear, and the workbook opens
// right in LibreOffice with no code word in it.
func TestESFMonthlyFile(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	serial := 0
	pnr := func(birth string, valid bool) string {
		serial++
		nine := birth[2:] + fmt.Sprintf("%03d", 300+serial)
		d := personnummer.CheckDigit(nine)
		if !valid {
			d = (d + 1) % 10
		}
		return birth[:2] + nine + fmt.Sprint(d)
	}
	person := func(org, number, name, gender string) int64 {
		t.Helper()
		var id int64
		birth, _ := time.Parse("20060102", number[:8])
		if err := a.db.Owner.QueryRow(ctx, `INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, gender)
			VALUES ($1, $2, $3, $4, 'Esf', $5) RETURNING id`, a.orgID(org), number, birth, name, gender).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	enrol := func(org string, pid int64, start, end string) int64 {
		t.Helper()
		var id int64
		var ends, reason any
		if end != "" {
			ends, reason = end, "project_exit"
		}
		if err := a.db.Owner.QueryRow(ctx, `INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on, ends_on, end_reason)
			SELECT $1, $2, 'project', s.id, $3, $4, $5 FROM subprojects s JOIN projects pr ON pr.id = s.project_id
			WHERE s.org_id = $1 AND pr.key = 'within' RETURNING id`, a.orgID(org), pid, start, ends, reason).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	// Osby in March 2019 (Within runs 2015-09-01 – 2020-08-31).
	anna := person("1273", pnr("20020301", true), "Anna", "woman")
	annaE := enrol("1273", anna, "2019-02-10", "")
	bo := person("1273", pnr("20010405", true), "Bo", "man")
	enrol("1273", bo, "2019-03-05", "2019-03-20")
	cim := person("1273", pnr("20030506", true), "Cim", "not_stated")
	enrol("1273", cim, "2019-01-07", "")
	dan := person("1273", pnr("20000607", true), "Dan", "man")
	enrol("1273", dan, "2015-06-01", "")
	eva := person("1273", pnr("20020708", true), "Eva", "woman")
	enrol("1273", eva, "2019-01-01", "")
	enrol("1273", eva, "2019-03-10", "")
	fia := person("1273", pnr("20040809", false), "Fia", "woman")
	enrol("1273", fia, "2019-03-01", "")
	// After the project's end (2020-08-31), in September 2020.
	gun := person("1273", pnr("20011111", true), "Gun", "woman")
	enrol("1273", gun, "2020-08-01", "2020-09-10")
	hugo := person("1273", pnr("20011212", true), "Hugo", "man")
	enrol("1273", hugo, "2020-09-15", "")
	// Kristianstad's person is in the same project and month.
	kim := person("1290", pnr("20011010", true), "Kristianstadsbo", "woman")
	enrol("1290", kim, "2019-03-01", "")

	c := a.client()
	c.signIn("samordnare@osby.demo")
	const base = "/k/1273/esf-manadsfil"
	q := url.Values{"projekt": {"within"}, "manad": {"2019-03"}}
	page := c.get(base + "?" + q.Encode())
	if page.Status != http.StatusOK {
		t.Fatalf("page: %d %s", page.Status, page.Body)
	}
	text := html.UnescapeString(page.Body)
	rowOf := func(pid int64) int { // the file's line of the person: header is 1, sorted by personnummer
		var n int
		a.db.Owner.QueryRow(ctx, `SELECT 1 + count(*) FROM enrolments e JOIN participants p ON p.tenant_id = e.tenant_id AND p.id = e.participant_id
			WHERE e.tenant_id = $1 AND e.kind = 'project' AND p.personnummer <= (SELECT personnummer FROM participants WHERE id = $2)
			AND e.starts_on <= '2019-03-31' AND (e.ends_on IS NULL OR e.ends_on >= '2019-03-01')`, a.orgID("1273"), pid).Scan(&n)
		return n
	}
	want := []struct {
		kind string
		pid  int64
		text string
	}{
		{"personnummer", fia, "Personnumret går inte att använda i filen."},
		{"gender", cim, "Kön saknas. ESF+ redovisar deltagarna som kvinnor, män och icke-binära"},
		{"start_before_project", dan, "Startdatumet 2015-06-01 är före projektets start 2015-09-01."},
		{"duplicate", eva, "Personen finns redan på rad"},
		{"hours_missing", bo, "Timmar i projektet saknas för mars 2019."},
		{"case_number_missing", 0, "Projektets diarienummer hos Svenska ESF-rådet finns inte i KAA-registret"},
	}
	for _, w := range want {
		re := regexp.MustCompile(`(?s)<li data-finding="` + w.kind + `">(.*?)</li>`)
		var found []string
		for _, m := range re.FindAllStringSubmatch(page.Body, -1) {
			found = append(found, strings.Join(strings.Fields(html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], ""))), " "))
		}
		ok := false
		for _, f := range found {
			if strings.Contains(f, w.text) && (w.pid == 0 || strings.HasPrefix(f, fmt.Sprintf("Rad %d, ", rowOf(w.pid)))) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("%s: no finding %q on row %d; found %q", w.kind, w.text, rowOf(w.pid), found)
		}
	}
	september := html.UnescapeString(c.get(base + "?projekt=within&manad=2020-09").Body)
	for _, w := range []string{
		"Slutdatumet 2020-09-10 är efter projektets slut 2020-08-31.",
		"Startdatumet 2020-09-15 är efter projektets slut 2020-08-31.",
	} {
		if !strings.Contains(september, w) {
			t.Errorf("September 2020 lacks %q", w)
		}
	}
	if strings.Contains(text, "Kristianstadsbo") {
		t.Error("Kristianstad's participant is on Osby's page")
	}
	for _, s := range []string{"Dagar i projektet", "Timmar i månaden"} {
		if !strings.Contains(text, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	files := func() int { return a.count(`SELECT count(*) FROM esf_files WHERE tenant_id = $1`, a.orgID("1273")) }

	t.Run("RefusedWhileErrors", func(t *testing.T) {
		res := c.post(base+"/fil", q)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(res.Body), "Filen kan inte laddas ner förrän felen under Kontroller är rättade") {
			t.Errorf("download with errors: %d", res.Status)
		}
		if n := files(); n != 0 {
			t.Errorf("%d files kept while errors remain", n)
		}
	})

	t.Run("Hours", func(t *testing.T) {
		field := fmt.Sprintf("timmar-%d", annaE)
		form := url.Values{"projekt": {"within"}, "manad": {"2019-03"}, field: {"tolv"}}
		res := c.post(base+"/timmar", form)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(res.Body), "Anna Esf: Skriv timmarna som ett tal, till exempel 12,5.") {
			t.Errorf("wrong hours: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM esf_hours`); n != 0 {
			t.Errorf("%d hours saved from a form with an error", n)
		}
		form.Set(field, "12,5")
		if res := c.post(base+"/timmar", form); res.Status != http.StatusSeeOther {
			t.Fatalf("hours: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM esf_hours WHERE enrolment_id = $1 AND hours = 12.5 AND month = '2019-03-01'`, annaE); n != 1 {
			t.Errorf("hours not saved")
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = 'esf.hours'`, a.orgID("1273")); n != 1 {
			t.Errorf("%d esf.hours events", n)
		}
	})

	// The errors corrected: gender given, the early start and the second
	// enrolment and the bad number gone.
	for _, stmt := range []string{
		`UPDATE participants SET gender = 'non_binary' WHERE id = ` + fmt.Sprint(cim),
		`UPDATE enrolments SET starts_on = '2015-09-01' WHERE participant_id = ` + fmt.Sprint(dan),
		`DELETE FROM enrolments WHERE participant_id = ` + fmt.Sprint(eva) + ` AND starts_on = '2019-03-10'`,
		`DELETE FROM enrolments WHERE participant_id = ` + fmt.Sprint(fia),
	} {
		if _, err := a.db.Owner.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	var id string
	t.Run("File", func(t *testing.T) {
		res := c.post(base+"/fil", q)
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, base+"/arkiv/") {
			t.Fatalf("make the file: %d %s", res.Status, res.Location)
		}
		id = strings.TrimPrefix(res.Location, base+"/arkiv/")
		again := c.post(base+"/fil", q)
		if again.Location != res.Location || files() != 1 {
			t.Errorf("the unchanged file was kept again: %s, %d files", again.Location, files())
		}
		dl := c.get(res.Location)
		if dl.Status != http.StatusOK || !strings.Contains(dl.Header.Get("Content-Disposition"), "ESF-deltagare_within_1273_2019-03.xlsx") {
			t.Fatalf("download: %d %q", dl.Status, dl.Header.Get("Content-Disposition"))
		}
		x, err := excelize.OpenReader(bytes.NewReader([]byte(dl.Body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows(esf.Spec.Sheet)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(rows[0], "|"), "Diarienummer|Delprojekt|Kommunkod|Personnummer|Kön|Startdatum|Slutdatum|Timmar i projektet under månaden"; got != want {
			t.Errorf("columns:\n got %s\nwant %s", got, want)
		}
		var pnrs []string
		a.db.Owner.QueryRow(ctx, `SELECT array_agg(personnummer ORDER BY personnummer) FROM participants WHERE id = ANY($1)`,
			[]int64{anna, bo, cim, dan, eva}).Scan(&pnrs)
		if len(rows) != 1+len(pnrs) {
			t.Fatalf("%d rows, want %d", len(rows)-1, len(pnrs))
		}
		genders := map[string]string{}
		for i, p := range pnrs {
			r := rows[i+1]
			if r[3] != p || r[2] != "1273" {
				t.Errorf("row %d: %q", i+2, r)
			}
			genders[p] = r[4]
			typ, _ := x.GetCellType(esf.Spec.Sheet, fmt.Sprintf("D%d", i+2))
			if typ == excelize.CellTypeNumber {
				t.Errorf("row %d: personnummer is a number cell", i+2)
			}
		}
		var annaPnr, boPnr, cimPnr string
		a.db.Owner.QueryRow(ctx, `SELECT (SELECT personnummer FROM participants WHERE id = $1), (SELECT personnummer FROM participants WHERE id = $2),
			(SELECT personnummer FROM participants WHERE id = $3)`, anna, bo, cim).Scan(&annaPnr, &boPnr, &cimPnr)
		if genders[annaPnr] != "Kvinna" || genders[boPnr] != "Man" || genders[cimPnr] != "Icke-binär" {
			t.Errorf("genders: %v", genders)
		}
		for _, r := range rows[1:] {
			switch r[3] {
			case annaPnr:
				if r[5] != "2019-02-10" || (len(r) > 6 && r[6] != "") || len(r) < 8 || r[7] != "12.5" && r[7] != "12,5" {
					t.Errorf("Anna's row: %q", r)
				}
			case boPnr:
				if r[5] != "2019-03-05" || r[6] != "2019-03-20" {
					t.Errorf("Bo's row: %q", r)
				}
			}
			for _, cell := range r {
				for _, w := range tokenRe.FindAllString(cell, -1) {
					if codeWords[w] {
						t.Errorf("code word %q in the file: %q", w, r)
					}
				}
			}
		}
		if officetest.Available() {
			f := officetest.File{Name: "ESF-deltagare.xlsx", Data: []byte(dl.Body)}
			for _, finding := range officeFindings(f, officetest.Open(t, f)[0]) {
				t.Error(finding)
			}
		} else {
			t.Log("LibreOffice (soffice) is not installed: the workbook is not opened")
		}
	})

	t.Run("ArchiveAndAudit", func(t *testing.T) {
		page := c.get(base + "?" + q.Encode())
		if !regexp.MustCompile(`<a href="` + regexp.QuoteMeta(base+"/arkiv/"+id) + `" download>`).MatchString(page.Body) {
			t.Error("the kept file has no download link")
		}
		for action, n := range map[string]int{"esf.file": 2, "esf.export": 1} {
			if got := a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = $2 AND record_id = $3`, a.orgID("1273"), action, id); got != n {
				t.Errorf("%s: %d events, want %d", action, got, n)
			}
		}
		if got := a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = 'esf.report' AND detail->'participants' @> to_jsonb($2::bigint)`, a.orgID("1273"), anna); got == 0 {
			t.Error("the page's read is not logged with the people it shows")
		}
	})

	t.Run("ForeignTenant", func(t *testing.T) {
		k := a.client()
		k.signIn("samordnare@kristianstad.demo")
		if res := k.get("/k/1290/esf-manadsfil/arkiv/" + id); res.Status != http.StatusNotFound {
			t.Errorf("Kristianstad fetches Osby's file: %d", res.Status)
		}
		if res := k.get("/k/1273/esf-manadsfil/arkiv/" + id); res.Status == http.StatusOK {
			t.Errorf("Kristianstad fetches Osby's file under Osby: %d", res.Status)
		}
		res := k.get("/k/1290/esf-manadsfil?" + q.Encode())
		if res.Status != http.StatusOK || strings.Contains(res.Body, "Anna") || !strings.Contains(res.Body, "Kristianstadsbo") {
			t.Errorf("Kristianstad's page: %d", res.Status)
		}
	})
}

// TestESFIndicatorSources: the ESF+ page says, indicator by indicator, who
// gives the value.
func TestESFIndicatorSources(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("projektledare@within.demo")
	page := c.get("/p/within/esf")
	if page.Status != http.StatusOK {
		t.Fatalf("ESF page: %d", page.Status)
	}
	text := html.UnescapeString(page.Body)
	for _, i := range esf.Indicators {
		if !strings.Contains(text, i.Label) || !strings.Contains(text, esf.ByLabel(i.By)) {
			t.Errorf("the page does not say who gives %q", i.Label)
		}
	}
	for _, s := range []string{"SCB hämtar ur register", "Projektet rapporterar", "Samlas inte in"} {
		if !strings.Contains(text, s) {
			t.Errorf("page lacks %q", s)
		}
	}
}

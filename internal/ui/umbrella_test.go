package ui_test

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/personnummer"
)

func TestUmbrella(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	type person struct{ org, gender string }
	var people []person
	for i := 0; i < 7; i++ {
		people = append(people, person{"1290", []string{"woman", "man"}[i%2]}) // Kristianstad: 4 women, 3 men
	}
	people = append(people, person{"1273", "woman"}, person{"1273", "woman"}, person{"1273", "man"}) // Osby: 3
	secret := map[string]bool{}
	today := time.Now().Format("2006-01-02")
	for i, p := range people {
		birth := time.Date(2007, 1, 1+i, 0, 0, 0, 0, time.UTC)
		nine := birth.Format("060102") + "555"
		pnr := birth.Format("2006") + nine[2:] + fmt.Sprint(personnummer.CheckDigit(nine))
		last := fmt.Sprintf("Hemligsson%d", i)
		secret[pnr], secret[last] = true, true
		tenant := a.orgID(p.org)
		var pid int64
		err := a.db.Owner.QueryRow(ctx, `
			WITH x AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, gender, mobile, identified_on)
			           VALUES ($1, $2, $3, 'Anonym', $4, $5, '+46701112233', $6) RETURNING id),
			     e AS (INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on)
			           SELECT $1, x.id, 'project', s.id, $6 FROM x, subprojects s JOIN projects pr ON pr.id = s.project_id
			           WHERE s.org_id = $1 AND pr.key = 'within'),
			     k AS (INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason)
			           SELECT $1, x.id, 'kaa', date_trunc('month', $6::date) - interval '1 month', 'dropped_out' FROM x)
			SELECT id FROM x`, tenant, pnr, birth, last, p.gender, today).Scan(&pid)
		if err != nil {
			t.Fatal(err)
		}
		if i < 6 { // six of Kristianstad's seven were reached
			a.db.Owner.Exec(ctx, `INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, created_by, note)
				VALUES ($1, $2, now(), 'sms', 'outgoing', true, $3, 'Hemlig anteckning')`, tenant, pid, a.userID("samordnare@kristianstad.demo"))
		}
		if i < 2 { // and two of them were also visited at home, without finding them in
			a.db.Owner.Exec(ctx, `INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, created_by)
				VALUES ($1, $2, now(), 'home_visit', 'outgoing', false, $3)`, tenant, pid, a.userID("samordnare@kristianstad.demo"))
		}
	}
	secret["Hemlig anteckning"], secret["+46701112233"] = true, true

	c := a.client()
	c.signIn("projektledare@within.demo")
	page := c.get("/p/within/paraply")
	if page.Status != 200 {
		t.Fatalf("umbrella: %d", page.Status)
	}
	row := func(label string) [][]string {
		m := regexp.MustCompile(`<th scope="row">` + regexp.QuoteMeta(label) + `</th>((?:<td class="num">[^<]*</td>)+)`).FindStringSubmatch(page.Body)
		if m == nil {
			t.Fatalf("no row %q", label)
		}
		return regexp.MustCompile(`<td class="num">([^<]*)</td>`).FindAllStringSubmatch(m[1], -1)
	}
	cells := func(label string) string {
		var out []string
		for _, m := range row(label) {
			out = append(out, html.UnescapeString(m[1]))
		}
		return strings.Join(out, " ")
	}
	// Members in name order: Bromölla, Hässleholm, Hörby, Kristianstad, Osby, Östra Göinge; then the project.
	want := map[string]string{
		// Osby's 3 is small; the next smallest in the row (Kristianstad's 7) goes too, or 10 - 7 would give it away.
		"Deltagare under perioden":   "0 0 0 dold <5 0 10",
		"Minst ett kontakttillfälle": "0 0 0 6 0 0 6",
		// Two home visits that found nobody are a small cell; the eight contacts are
		// shown, so the six text messages go too, or 8 - 6 would give the visits away.
		// (A channel's code has an underscore: its row is still named in Swedish.)
		"Kontakter under perioden":   "0 0 0 8 0 0 8",
		"Hembesök, försök":           "0 0 0 <5 0 0 <5",
		"Sms, försök":                "0 0 0 dold 0 0 dold",
		"Sms, nådda":                 "0 0 0 6 0 0 6",
		"… med okänd sysselsättning": "0 0 0 8 0 0 8",
		// Kristianstad's 4 women and 3 men are small themselves; the project's 4 men are
		// too, so the project's women go as well, or 10 - 6 would give the men away.
		"Kvinnor": "0 0 0 <5 <5 0 dold",
		"Män":     "0 0 0 <5 <5 0 <5",
	}
	// The KAA lists: everyone has been on them since the start of last month.
	months := []string{"jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}
	now := time.Now()
	thisMonth := fmt.Sprintf("%s %d", months[now.Month()-1], now.Year())
	twoAgo := now.AddDate(0, 0, 1-now.Day()).AddDate(0, -2, 0)
	want[thisMonth] = "0 0 0 dold <5 0 10"
	want[fmt.Sprintf("%s %d", months[twoAgo.Month()-1], twoAgo.Year())] = "0 0 0 0 0 0 0"
	for label, w := range want {
		if got := cells(label); got != w {
			t.Errorf("%s: %s, want %s", label, got, w)
		}
	}
	if codes := regexp.MustCompile(`<th scope="row">[^<]*[a-z]_[a-z][^<]*</th>`).FindAllString(page.Body, -1); len(codes) > 0 {
		t.Errorf("row headings show codes instead of Swedish: %v", codes)
	}
	// Within planned 921 participants over its life; ten have come since its start.
	if !regexp.MustCompile(`<th scope="row">Planerade deltagare under hela projektet</th><td>921</td><td>10 sedan projektets start</td><td>nej</td>`).MatchString(page.Body) {
		t.Error("the targets do not compare the planned participants with everyone since the project's start")
	}
	for s := range secret {
		if strings.Contains(page.Body, s) {
			t.Errorf("the umbrella page shows %q", s)
		}
	}
	for _, tbl := range []string{"indikatorer", "andelar", "kaa-lista", "enkat", "kanaler", "utfall", "sysselsattning"} {
		csv := c.get("/p/within/paraply/tabell/" + tbl).Body
		for s := range secret {
			if strings.Contains(csv, s) {
				t.Errorf("the %s CSV holds %q", tbl, s)
			}
		}
		if strings.Contains(csv, ";3;") || strings.Contains(csv, ";3\r") {
			t.Errorf("the %s CSV reveals a small cell: %s", tbl, csv)
		}
	}
	// In the workbook a hidden count is "–" with a comment saying why, and a
	// note under the table; the shown counts are numbers.
	book, err := excelize.OpenReader(strings.NewReader(c.get("/p/within/paraply/tabell/indikatorer?format=xlsx").Body))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rows, _ := book.GetRows("Projektparaply")
	comments, _ := book.GetComments("Projektparaply")
	byCell := map[string]string{}
	for _, cm := range comments {
		byCell[cm.Cell] = cm.Text
	}
	var seen []string
	for i, row := range rows {
		if len(row) == 0 || row[0] != "Deltagare under perioden" {
			continue
		}
		for j, v := range row[1:] {
			name, _ := excelize.CoordinatesToCellName(j+2, i+1)
			typ, _ := book.GetCellType("Projektparaply", name)
			switch {
			case v == "–" && byCell[name] != "":
				seen = append(seen, "–")
			case v != "–" && typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString && byCell[name] == "":
				seen = append(seen, v)
			default:
				t.Errorf("%s: %q (type %v, comment %q)", name, v, typ, byCell[name])
			}
		}
	}
	if got := strings.Join(seen, " "); got != "0 0 0 – – 0 10" {
		t.Errorf("Deltagare under perioden in the workbook: %s", got)
	}
	if !strings.Contains(fmt.Sprint(rows), "antalet visas inte utanför kommunen") {
		t.Error("the workbook has no note on the hidden counts")
	}
	if a.count(`SELECT count(*) FROM security_events WHERE action = 'umbrella.read'`) < 4 {
		t.Error("umbrella reads are not in the security log")
	}

	// The narrow path answers nothing to someone who is not in the project.
	var n int
	err = db.InGlobal(ctx, a.db.App, a.userID("samordnare@osby.demo"), func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM project_indicators((SELECT id FROM projects WHERE key = 'within'), '2020-01-01', '2030-01-01')`).Scan(&n)
	})
	if err != nil || n != 0 {
		t.Errorf("project_indicators for a non-member: %d rows, %v", n, err)
	}
	for _, fn := range []string{`project_kaa_list((SELECT id FROM projects WHERE key = 'within'), '2026-11-01')`,
		`project_participants((SELECT id FROM projects WHERE key = 'within'), '2020-01-01', '2030-01-01')`} {
		err := db.InGlobal(ctx, a.db.App, a.userID("samordnare@osby.demo"), func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*) FROM `+fn).Scan(&n)
		})
		if err != nil || n != 0 {
			t.Errorf("%s for a non-member: %d rows, %v", fn, n, err)
		}
	}
	// And the serving role cannot read another municipality's people directly.
	err = db.InTenant(ctx, a.db.App, a.orgID("1273"), 0, func(tx db.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM participants WHERE tenant_id = $1`, a.orgID("1290")).Scan(&n)
	})
	if err != nil || n != 0 {
		t.Errorf("Osby reads %d of Kristianstad's participants", n)
	}
}

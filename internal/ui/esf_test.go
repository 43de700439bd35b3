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

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/personnummer"
)

// TestESFIndicators checks the ESF+ common indicators of Within on people
// whose answers are known: ten women in Osby (five unemployed, five
// long-term unemployed; half with compulsory school, half upper secondary;
// all 16), five men in Kristianstad (inactive, post-secondary, 20) and one
// non-binary person in Osby, a cell of one.
func TestESFIndicators(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	start := time.Now().AddDate(0, 0, -3)
	if start.Month() != time.Now().Month() && start.Month()%6 == 0 { // keep the start in this half-year
		start = time.Now()
	}
	type person struct {
		org, gender, lm, edu string
		age                  int
		exit                 bool
	}
	var people []person
	for i := 0; i < 10; i++ {
		people = append(people, person{"1273", "woman", []string{"unemployed", "long_term_unemployed"}[i%2], []string{"isced_0_2", "isced_3_4"}[i%2], 16, i < 5})
	}
	for i := 0; i < 5; i++ {
		people = append(people, person{"1290", "man", "inactive", "isced_5_8", 20, false})
	}
	var secrets []string
	add := func(i int, p person) {
		birth := start.AddDate(-p.age, 0, -10-i)
		nine := birth.Format("060102") + "555"
		pnr := birth.Format("2006") + nine[2:] + fmt.Sprint(personnummer.CheckDigit(nine))
		secrets = append(secrets, pnr, fmt.Sprintf("Esfsson%d", i))
		var eid, pid int64
		err := a.db.Owner.QueryRow(ctx, `
			WITH x AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, gender)
			           VALUES ($1, $2, $3, 'Anonym', $4, $5) RETURNING id)
			INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on, labour_market_status, education_level)
			SELECT $1, x.id, 'project', s.id, $6, $7, $8 FROM x, subprojects s JOIN projects pr ON pr.id = s.project_id
			WHERE s.org_id = $1 AND pr.key = 'within' RETURNING id, participant_id`,
			a.orgID(p.org), pnr, birth, fmt.Sprintf("Esfsson%d", i), p.gender, start, p.lm, p.edu).Scan(&eid, &pid)
		if err != nil {
			t.Fatal(err)
		}
		if p.exit {
			_, err = a.db.Owner.Exec(ctx, `UPDATE enrolments SET ends_on = $3, end_reason = 'project_exit' WHERE tenant_id = $1 AND id = $2`, a.orgID(p.org), eid, start)
			if err == nil {
				_, err = a.db.Owner.Exec(ctx, `INSERT INTO followups (tenant_id, participant_id, enrolment_id, kind, due_on, done_on, occupation,
					esf_job_searching, esf_in_education, esf_qualification, esf_employed)
					VALUES ($1, $2, $3, 'exit', $4, $4, 'komvux', false, true, false, false)`, a.orgID(p.org), pid, eid, start)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, p := range people {
		add(i, p)
	}
	c := a.client()
	c.signIn("utvarderare@within.demo")
	page := c.get("/p/within/esf")
	if page.Status != 200 {
		t.Fatalf("ESF page: %d", page.Status)
	}
	cells := func(label string) string {
		m := regexp.MustCompile(`<th scope="row">` + regexp.QuoteMeta(label) + `</th>((?:<td class="num">[^<]*</td>)+)`).FindStringSubmatch(page.Body)
		if m == nil {
			t.Fatalf("no row %q", label)
		}
		var out []string
		for _, c := range regexp.MustCompile(`<td class="num">([^<]*)</td>`).FindAllStringSubmatch(m[1], -1) {
			out = append(out, html.UnescapeString(c[1]))
		}
		return strings.Join(out, " ")
	}
	// Members in name order: Bromölla, Hässleholm, Hörby, Kristianstad, Osby, Östra Göinge; then the project.
	for label, want := range map[string]string{
		"Deltagare, kvinnor": "0 0 0 0 10 0 10",
		"Deltagare, män":     "0 0 0 5 0 0 5",
		"Arbetslösa, även långtidsarbetslösa, kvinnor":  "0 0 0 0 10 0 10",
		"Långtidsarbetslösa, kvinnor":                   "0 0 0 0 5 0 5",
		"Utanför arbetskraften, män":                    "0 0 0 5 0 0 5",
		"Under 18 år, kvinnor":                          "0 0 0 0 10 0 10",
		"18–29 år, män":                                 "0 0 0 5 0 0 5",
		"Grundskola eller kortare (ISCED 0–2), kvinnor": "0 0 0 0 5 0 5",
		"Eftergymnasial (ISCED 5–8), män":               "0 0 0 5 0 0 5",
		"I utbildning, kvinnor":                         "0 0 0 0 5 0 5",
		"Uppföljda vid avslut, kvinnor":                 "0 0 0 0 5 0 5",
	} {
		if got := cells(label); got != want {
			t.Errorf("%s: %s, want %s", label, got, want)
		}
	}
	// One non-binary person in Osby is a cell of one: it shows as "<5", and
	// whatever would give it away by subtraction (Osby's eleven, the women
	// beside it, and onwards) is hidden too.
	add(len(people), person{"1273", "non_binary", "employed", "isced_0_2", 16, false})
	page = c.get("/p/within/esf")
	if got := cells("Deltagare, icke-binära"); got != "0 0 0 0 <5 0 <5" {
		t.Errorf("Deltagare, icke-binära: %s", got)
	}
	// Osby's eleven and ten women would give the one away; the project's 16
	// may show, as women and men are hidden beside it.
	if got := cells("Deltagare, totalt"); strings.Contains(got, "11") {
		t.Errorf("Deltagare, totalt gives the one away: %s", got)
	}
	if got := cells("Deltagare, kvinnor"); strings.Contains(got, "10") {
		t.Errorf("Deltagare, kvinnor gives the one away: %s", got)
	}
	for _, tbl := range []string{"deltagare", "resultat", "sex-manader"} {
		res := c.get("/p/within/esf/tabell/" + tbl + "?format=xlsx")
		csv := c.get("/p/within/esf/tabell/" + tbl).Body
		if res.Status != 200 || !strings.HasPrefix(res.Body, "PK") {
			t.Errorf("%s as .xlsx: %d", tbl, res.Status)
		}
		for _, cell := range strings.FieldsFunc(csv, func(r rune) bool { return r == ';' || r == '\r' || r == '\n' }) {
			if cell == "1" || cell == "11" {
				t.Errorf("the %s CSV reveals the small cell: %s", tbl, csv)
			}
		}
		for _, s := range secrets {
			if strings.Contains(csv, s) || strings.Contains(page.Body, s) {
				t.Errorf("%s shows %s", tbl, s)
			}
		}
	}
	if a.count(`SELECT count(*) FROM security_events WHERE action = 'esf.read'`) == 0 {
		t.Error("ESF reads are not in the security log")
	}
	// Nobody outside the project gets a count.
	var n int
	err := db.InGlobal(ctx, a.db.App, a.userID("projektledare@klarframtid.demo"), func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM project_esf_indicators((SELECT id FROM projects WHERE key = 'within'), '2020-01-01', '2030-01-01')`).Scan(&n)
	})
	if err != nil || n != 0 {
		t.Errorf("project_esf_indicators for another project's leader: %d rows, %v", n, err)
	}
	if res := c.get("/p/klarframtid/esf"); res.Status != 404 {
		t.Errorf("another project's ESF page: %d", res.Status)
	}
}

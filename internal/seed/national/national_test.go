package national_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/personnummer"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed/national"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestNational loads the national dataset at a hundredth of its size and
// checks that it looks like Sweden's register: the sizes, the proportions,
// nothing impossible, and that it loads only once.
func TestNational(t *testing.T) {
	t.Parallel()
	d := pgtest.New(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	sum, err := national.Load(ctx, d.Owner, 0.01, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	count := func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := d.Owner.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatalf("%v: %s", err, sql)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM orgs WHERE kind = 'municipality'`); n != national.Municipalities || sum.Municipalities != n {
		t.Errorf("%d municipalities (summary %d), want 290", n, sum.Municipalities)
	}
	people := count(`SELECT count(*) FROM participants`)
	if people < 2700 || people > 3300 || people != sum.Participants {
		t.Errorf("%d participants (summary %d), want about 3,000", people, sum.Participants)
	}
	if c := count(`SELECT count(*) FROM contacts`); c < 15*people || c > 25*people || c != sum.Contacts {
		t.Errorf("%d contacts for %d people (summary %d), want about 20 each", c, people, sum.Contacts)
	}
	// A few very large, many small: 9000 is the largest, the median a small fraction of it.
	var largest string
	d.Owner.QueryRow(ctx, `SELECT o.key FROM participants p JOIN orgs o ON o.id = p.tenant_id GROUP BY o.key ORDER BY count(*) DESC LIMIT 1`).Scan(&largest)
	biggest := count(`SELECT count(*) FROM participants p JOIN orgs o ON o.id = p.tenant_id WHERE o.key = '9000'`)
	median := count(`SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n) FROM (SELECT count(p.id) AS n FROM orgs o LEFT JOIN participants p ON p.tenant_id = o.id WHERE o.kind = 'municipality' GROUP BY o.id) x`)
	if largest != "9000" || median*10 > biggest {
		t.Errorf("largest %s with %d people, median %d", largest, biggest, median)
	}
	for what, n := range map[string]int{
		"contacts in the future":                    count(`SELECT count(*) FROM contacts WHERE occurred_at > $1`, now),
		"contacts before identification":            count(`SELECT count(*) FROM contacts c JOIN participants p ON p.tenant_id = c.tenant_id AND p.id = c.participant_id WHERE c.occurred_at < p.identified_on`),
		"open KAA enrolments of people 20 or older": count(`SELECT count(*) FROM enrolments e JOIN participants p ON p.tenant_id = e.tenant_id AND p.id = e.participant_id WHERE e.kind = 'kaa' AND e.ends_on IS NULL AND p.birth_date + interval '20 years' <= $1`, now),
		"wrong summaries": count(`SELECT count(*) FROM participants p WHERE p.last_contact_at IS DISTINCT FROM
			(SELECT max(occurred_at) FROM contacts c WHERE c.tenant_id = p.tenant_id AND c.participant_id = p.id)
			OR p.open_enrolments <> (SELECT count(*) FROM enrolments e WHERE e.tenant_id = p.tenant_id AND e.participant_id = p.id AND e.ends_on IS NULL)`),
		"follow-ups done in the future": count(`SELECT count(*) FROM followups WHERE done_on > $1`, now),
	} {
		if n != 0 {
			t.Errorf("%d %s", n, what)
		}
	}
	open := count(`SELECT count(DISTINCT participant_id) FROM enrolments WHERE kind = 'kaa' AND ends_on IS NULL`)
	if open < people/20 || open > people*3/10 {
		t.Errorf("%d of %d people in KAA today, want tens of thousands at national scale (5–30 %%)", open, people)
	}
	if p := count(`SELECT count(DISTINCT participant_id) FROM plans`); p < people/5 || p > people/2 {
		t.Errorf("%d of %d people with a plan", p, people)
	}
	if f := count(`SELECT count(*) FROM followups WHERE done_on IS NOT NULL`); f < people/10 {
		t.Errorf("only %d follow-ups done", f)
	}
	if n := count(`SELECT count(*) FROM projects WHERE key LIKE 'nationellt-%'`); n != 5 {
		t.Errorf("%d generated projects", n)
	}
	// The seed acts as both sides of each project's invitation: every
	// organisation with a sub-project is an accepted member, none waits.
	if n := count(`SELECT count(*) FROM project_orgs m JOIN projects pr ON pr.id = m.project_id WHERE pr.key LIKE 'nationellt-%' AND m.accepted_at IS NOT NULL`); n < 5 ||
		n != count(`SELECT count(DISTINCT (s.project_id, s.org_id)) FROM subprojects s JOIN projects pr ON pr.id = s.project_id WHERE pr.key LIKE 'nationellt-%'`) ||
		count(`SELECT count(*) FROM project_invitations`) != 0 {
		t.Errorf("%d accepted members of the generated projects, not one per organisation with a sub-project, or invitations left waiting", n)
	}
	if n := count(`SELECT count(DISTINCT e.participant_id) FROM enrolments e JOIN subprojects s ON s.id = e.subproject_id JOIN projects pr ON pr.id = s.project_id WHERE pr.key = 'nationellt-1'`); n < 50 {
		t.Errorf("the largest project has %d participants", n)
	}
	// Synthetic identity numbers: valid, with a serial in the 900s.
	rows, _ := d.Owner.Query(ctx, `SELECT personnummer FROM participants`)
	for rows.Next() {
		var pnr string
		rows.Scan(&pnr)
		if _, err := personnummer.Parse(pnr, now); err != nil || pnr[8] != '9' {
			t.Fatalf("personnummer %s: %v", pnr, err)
		}
	}
	// Every mobile number is one PTS keeps for fiction.
	if n := count(`SELECT count(*) FROM participants WHERE mobile !~ '^\+467017406(0[5-9]|[1-9][0-9])$'`); n != 0 {
		t.Errorf("%d mobile numbers outside the range for fiction", n)
	}
	// The bench's accounts exist and a second run adds nothing.
	if count(`SELECT count(*) FROM users WHERE email IN ('samordnare@9000.national', 'admin@9000.national', 'projektledare@nationellt.national', 'utvarderare@nationellt.national')`) != 4 {
		t.Error("the accounts of the national dataset are missing")
	}
	if _, err := national.Load(ctx, d.Owner, 0.01, now, nil); !errors.Is(err, national.ErrLoaded) {
		t.Errorf("a second run: %v", err)
	}
	if n := count(`SELECT count(*) FROM participants`); n != people {
		t.Errorf("a second run changed the register: %d people", n)
	}
}

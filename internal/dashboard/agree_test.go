package dashboard_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/dashboard"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestIndicatorsAgree: the municipality dashboard (BuildMunicipality, for
// the one sub-project a municipality has in a project) and the umbrella
// (project_indicators, across municipalities) compute the same indicators
// twice, in Go-built SQL and in a database function. Over one register with
// people in every state (only identified, contact attempted, reached, with
// a plan, ended; enrolled before, during and after the period), contacts by
// every channel inside and outside the period, every gender, and follow-ups
// with survey answers, every indicator agrees key by key, and every key
// either gives is one internal/dashboard defines. A copy that disagreed, or
// an indicator added to one and not the other, fails here.
func TestIndicatorsAgree(t *testing.T) {
	t.Parallel()
	d := pgtest.NewFrom(t, "accounts", seed.StructureAt)
	ctx := context.Background()
	var tenant, sub, project, coordinator, evaluator int
	err := d.Owner.QueryRow(ctx, `
		SELECT o.id, s.id, p.id, (SELECT id FROM users WHERE email = 'samordnare@kristianstad.demo'),
		       (SELECT id FROM users WHERE email = 'utvarderare@within.demo')
		FROM orgs o JOIN subprojects s ON s.org_id = o.id JOIN projects p ON p.id = s.project_id
		WHERE o.key = '1290' AND p.key = 'within'`).Scan(&tenant, &sub, &project, &coordinator, &evaluator)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{
		// 48 people identified every fifth day from November to June: the
		// period (the first half of 2026) cuts through them.
		`INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, gender, identified_on)
		 SELECT @tenant, '2008' || lpad(i::text, 4, '0') || '0000', date '2008-01-01' + i, 'Ung', 'Person' || i,
		        (ARRAY['woman', 'man', 'woman', 'man', 'non_binary', 'not_stated'])[1 + i % 6], date '2025-11-01' + 5 * i
		 FROM generate_series(1, 48) i`,
		// In the project's sub-project from identification; every fifth ended
		// sixty days later, every eleventh already before the period, and
		// three only in the KAA register.
		`INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on, ends_on, end_reason)
		 SELECT @tenant, p.id, 'project', @sub,
		        CASE WHEN n % 11 = 0 THEN date '2025-03-01' ELSE p.identified_on END,
		        CASE WHEN n % 11 = 0 THEN date '2025-12-01' WHEN n % 5 = 0 THEN p.identified_on + 60 END,
		        CASE WHEN n % 11 = 0 OR n % 5 = 0 THEN 'project_exit' END
		 FROM (SELECT p.*, substr(p.last_name, 7)::int AS n FROM participants p WHERE p.tenant_id = @tenant) p WHERE p.n > 3`,
		`INSERT INTO enrolments (tenant_id, participant_id, kind, registration_reason, starts_on)
		 SELECT @tenant, p.id, 'kaa', 'dropped_out', p.identified_on FROM participants p WHERE p.tenant_id = @tenant AND substr(p.last_name, 7)::int % 4 <> 2`,
		// Up to four contacts a week apart for two of three, by every
		// channel, some reached, some with the occupation unknown.
		`INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, occupation, created_by)
		 SELECT @tenant, p.id, (p.identified_on + 6 * k + p.n % 5)::timestamp AT TIME ZONE 'Europe/Stockholm' + interval '10 hours',
		        (ARRAY['sms', 'phone', 'social_media', 'email', 'letter', 'home_visit', 'meeting_office', 'meeting_school', 'meeting_other'])[1 + (n + k) % 9],
		        'outgoing', (n * k) % 3 <> 1, CASE WHEN (n + k) % 4 = 0 THEN 'unknown' ELSE 'work' END, @user
		 FROM (SELECT p.*, substr(p.last_name, 7)::int AS n FROM participants p WHERE p.tenant_id = @tenant) p, generate_series(1, 4) k
		 WHERE p.n % 3 <> 0 AND k <= 1 + p.n % 4`,
		`INSERT INTO plans (tenant_id, participant_id, version, created_by)
		 SELECT @tenant, p.id, 1, @user FROM participants p WHERE p.tenant_id = @tenant AND substr(p.last_name, 7)::int % 4 = 1`,
		// The ended get both follow-ups, with the exit survey answered in every way.
		`INSERT INTO followups (tenant_id, participant_id, enrolment_id, kind, due_on, done_on, occupation,
		                        survey_long_term_goal, survey_clear_plan, survey_respect, survey_no_barrier, recorded_by, recorded_at)
		 SELECT @tenant, e.participant_id, e.id, 'exit', e.ends_on + 28, e.ends_on + 10,
		        (ARRAY['work', 'komvux', 'no_activity', 'unknown'])[1 + (e.id % 4)::int],
		        (ARRAY['yes', 'no', 'no_answer'])[1 + (e.id % 3)::int], (ARRAY['yes', 'no'])[1 + (e.id % 2)::int], 'yes',
		        (ARRAY['yes', 'no_answer'])[1 + (e.id % 2)::int], @user, now()
		 FROM enrolments e WHERE e.tenant_id = @tenant AND e.kind = 'project' AND e.ends_on IS NOT NULL`,
		`INSERT INTO followups (tenant_id, participant_id, enrolment_id, kind, due_on, done_on, occupation, recorded_by, recorded_at)
		 SELECT @tenant, e.participant_id, e.id, 'six_months', e.ends_on + 180, e.ends_on + 40,
		        (ARRAY['work', 'studies_other', 'moved'])[1 + (e.id % 3)::int], @user, now()
		 FROM enrolments e WHERE e.tenant_id = @tenant AND e.kind = 'project' AND e.ends_on IS NOT NULL`,
	} {
		if _, err := d.Owner.Exec(ctx, step, pgx.NamedArgs{"tenant": tenant, "sub": sub, "user": coordinator}); err != nil {
			t.Fatalf("%v\n%s", err, step)
		}
	}
	for _, p := range []dashboard.Period{
		{From: date("2026-01-01"), To: date("2026-06-30")},
		{From: date("2025-07-01"), To: date("2025-12-31")},
		{From: date("2025-12-06"), To: date("2026-12-05")},
	} {
		var m dashboard.Municipality
		if err := db.InTenant(ctx, d.App, tenant, coordinator, func(tx db.Tx) (err error) {
			m, err = dashboard.BuildMunicipality(ctx, tx, p, sub, date("2026-12-05"))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		u, err := dashboard.BuildUmbrella(ctx, d.App, evaluator, project, []int{tenant}, p, date("2026-12-05"))
		if err != nil {
			t.Fatal(err)
		}
		mine, theirs := m.Indicators(), u.Counts[tenant]
		if m.Population < 10 || len(m.Channels) < 5 || len(m.Outcomes) < 3 && p.From.Year() == 2026 {
			t.Errorf("%v: too little data to compare: %d people, %d channels, %d outcomes", p.From, m.Population, len(m.Channels), len(m.Outcomes))
		}
		for _, k := range slices.Sorted(maps.Keys(union(mine, theirs))) {
			if _, ok := theirs[k]; !ok && strings.HasPrefix(k, "median_") && p.From.Year() < 2026 {
				continue // the umbrella leaves out a median of fewer than five people
			}
			if mine[k] != theirs[k] {
				t.Errorf("%s–%s: %s is %d on the municipality's dashboard and %d on the umbrella", p.From.Format("2006-01-02"), p.To.Format("2006-01-02"), k, mine[k], theirs[k])
			}
			if !defined(k) {
				t.Errorf("indicator %q is not defined in internal/dashboard", k)
			}
		}
	}
}

func union(a, b map[string]int) map[string]int {
	out := maps.Clone(a)
	for k, v := range b {
		out[k] += v
	}
	return out
}

// defined reports whether k is an indicator internal/dashboard defines.
func defined(k string) bool {
	inds := append(dashboard.Main(), dashboard.Contacts, dashboard.ContactsUnknown, dashboard.MedianAttempt, dashboard.MedianReached)
	inds = append(append(inds, dashboard.Channels()...), dashboard.Outcomes()...)
	for _, ind := range inds {
		if ind.Key == k {
			return true
		}
	}
	for _, q := range codes.SurveyQuestion.Keys() {
		for _, g := range dashboard.SurveyGenders {
			if k == dashboard.SurveyYes(q, g) || k == dashboard.SurveyAnswered(q, g) {
				return true
			}
		}
	}
	return false
}

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

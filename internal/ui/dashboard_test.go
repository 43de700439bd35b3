package ui_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kaa-plattform/kaa/internal/dashboard"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/scb"
)

// TestMunicipalityDashboard checks every indicator on fixture data where the
// right answer was worked out by hand.
func TestMunicipalityDashboard(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	osby, me := a.orgID("1273"), a.userID("samordnare@osby.demo")
	var sub int
	a.db.Owner.QueryRow(ctx, `SELECT id FROM subprojects WHERE org_id = $1`, osby).Scan(&sub)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := a.db.Owner.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	person := func(pnr, gender, identified string) int64 {
		var id int64
		if err := a.db.Owner.QueryRow(ctx, `INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, gender, identified_on)
			VALUES ($1, $2, to_date(substr($2, 1, 8), 'YYYYMMDD'), 'T', 'T', $3, $4) RETURNING id`, osby, pnr, gender, identified).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	contact := func(pid int64, day, channel string, reached bool, occupation string) {
		exec(`INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, created_by, occupation)
			VALUES ($1, $2, ($3::date + time '10:00') AT TIME ZONE 'Europe/Stockholm', $4, 'outgoing', $5, $6, $7)`, osby, pid, day, channel, reached, me, occupation)
	}
	p1 := person("200803010024", "woman", "2026-08-01")
	exec(`INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason) VALUES ($1, $2, 'kaa', '2026-08-01', 'unknown')`, osby, p1)
	contact(p1, "2026-08-03", "sms", false, "unknown")
	contact(p1, "2026-08-05", "sms", true, "no_activity")
	exec(`INSERT INTO plans (tenant_id, participant_id, version, created_by) VALUES ($1, $2, 1, $3)`, osby, p1, me)
	p2 := person("200706151230", "man", "2026-09-01")
	exec(`INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason) VALUES ($1, $2, 'kaa', '2026-09-01', 'dropped_out')`, osby, p2)
	contact(p2, "2026-09-11", "phone", false, "work")
	p3 := person("200901012344", "woman", "2026-01-01") // ended before the period
	exec(`INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, ends_on, end_reason, registration_reason) VALUES ($1, $2, 'kaa', '2026-01-01', '2026-06-30', 'moved', 'dropped_out')`, osby, p3)
	p4 := person("200603153328", "non_binary", "2026-10-01") // in a project
	exec(`INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on) VALUES ($1, $2, 'project', $3, '2026-10-01')`, osby, p4, sub)
	p5 := person("200712124569", "woman", "2026-07-01") // ended in the period, followed up
	exec(`INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, ends_on, end_reason, registration_reason) VALUES ($1, $2, 'kaa', '2026-07-01', '2026-10-01', 'national_programme', 'dropped_out')`, osby, p5)
	exec(`INSERT INTO followups (tenant_id, participant_id, enrolment_id, kind, due_on, done_on, occupation, survey_long_term_goal, survey_clear_plan, survey_respect, survey_no_barrier)
		SELECT $1, $2, id, 'exit', '2026-10-29', '2026-10-20', 'komvux', 'yes', 'no', 'yes', 'no_answer' FROM enrolments WHERE participant_id = $2`, osby, p5)

	var m dashboard.Municipality
	err := db.InTenant(ctx, a.db.App, osby, me, func(tx db.Tx) (err error) {
		m, err = dashboard.BuildMunicipality(ctx, tx, dashboard.Period{From: date("2026-07-01"), To: date("2026-12-31")}, 0, date("2026-11-23"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.Identified != 4 || m.Population != 4 || m.Contacted != 2 || m.Reached != 1 || m.WithPlan != 1 {
		t.Errorf("identified %d population %d contacted %d reached %d with plan %d; want 4 4 2 1 1", m.Identified, m.Population, m.Contacted, m.Reached, m.WithPlan)
	}
	// Attempts after 2 (P1) and 10 days (P2): the median is the lower middle value, 2, as
	// project_indicators counts it for the umbrella. P1 was reached after 4 days.
	if m.MedianDaysAttempt == nil || *m.MedianDaysAttempt != 2 || m.MedianDaysReached == nil || *m.MedianDaysReached != 4 {
		t.Errorf("medians %v %v, want 2 and 4", m.MedianDaysAttempt, m.MedianDaysReached)
	}
	if len(m.Channels) != 2 || m.Channels[0].Channel != "sms" || m.Channels[0].Attempts != 2 || m.Channels[0].Reached != 1 || m.Channels[1].Reached != 0 {
		t.Errorf("channels %+v", m.Channels)
	}
	genders := map[string]int{}
	for _, g := range m.Genders {
		genders[g.Gender] = g.Count
	}
	if genders["woman"] != 2 || genders["man"] != 1 || genders["non_binary"] != 1 {
		t.Errorf("genders %v", genders)
	}
	if m.ContactsInPeriod != 3 || m.OccupationUnknown != 1 {
		t.Errorf("occupation unknown %d of %d, want 1 of 3", m.OccupationUnknown, m.ContactsInPeriod)
	}
	if len(m.Outcomes) != 1 || m.Outcomes[0].Category != "exit:komvux" || m.Outcomes[0].Gender != "woman" || m.Outcomes[0].Count != 1 {
		t.Errorf("outcomes %+v", m.Outcomes)
	}
	survey := map[string][2]int{}
	for _, s := range m.Survey {
		survey[s.Question+"/"+s.Gender] = [2]int{s.Yes, s.Answered}
	}
	if survey["long_term_goal/woman"] != [2]int{1, 1} || survey["clear_plan/woman"] != [2]int{0, 1} || survey["no_barrier/woman"] != [2]int{0, 0} {
		t.Errorf("survey %v", survey)
	}
	// The KAA list at the end of each month: P3 left on 30 June (so not on it at the end of June),
	// P5 July–September, P1 from August, P2 from September.
	want := map[string]int{"2026-05": 1, "2026-06": 0, "2026-07": 1, "2026-08": 2, "2026-09": 3, "2026-10": 2, "2026-11": 2}
	for _, mc := range m.ListSize {
		if w, ok := want[mc.Month.Format("2006-01")]; ok && mc.Count != w {
			t.Errorf("KAA list at the end of %s: %d, want %d", mc.Month.Format("2006-01"), mc.Count, w)
		}
	}
	if len(m.ListSize) != 24 {
		t.Errorf("%d months, want 24", len(m.ListSize))
	}
	// Nobody in the period: every share is empty, not a division by zero.
	err = db.InTenant(ctx, a.db.App, osby, me, func(tx db.Tx) (err error) {
		m, err = dashboard.BuildMunicipality(ctx, tx, dashboard.Period{From: date("2020-01-01"), To: date("2020-06-30")}, 0, date("2026-11-23"))
		return err
	})
	if err != nil || m.Population != 0 || m.MedianDaysAttempt != nil {
		t.Errorf("empty period: %+v %v", m, err)
	}
	c := a.client()
	c.signIn("admin@osby.demo") // administrators see the dashboard too
	page := c.get("/k/1273/statistik?period=2026-2")
	if page.Status != 200 || !strings.Contains(page.Body, "utanför 40–60 %") || !strings.Contains(page.Body, "<svg role=\"img\"") {
		t.Errorf("dashboard page: %d", page.Status)
	}
	csv := c.get("/k/1273/statistik/tabell/kanaler?period=2026-2").Body
	if csv != "\uFEFFKanal;Försök;Nådda;Andel nådda\r\nSms;2;1;50%\r\nTelefonsamtal;1;0;0%\r\n" {
		t.Errorf("channel CSV:\n%s", csv)
	}
	xlsx := c.get("/k/1273/statistik/tabell/kanaler?period=2026-2&format=xlsx")
	if xlsx.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || !strings.HasPrefix(xlsx.Body, "PK") {
		t.Error("the table does not download as .xlsx")
	} else if f, err := excelize.OpenReader(strings.NewReader(xlsx.Body)); err != nil {
		t.Error(err)
	} else if rows, _ := f.GetRows("Statistik"); len(rows) != 6 || !strings.HasPrefix(rows[0][0], "Hur ofta kontakten nådde fram, per kanal") ||
		rows[3][0] != "Kanal" || rows[4][0] != "Sms" || rows[4][3] != "50%" {
		t.Errorf("xlsx rows %q (title, period, blank, head, two channels)", rows)
	} else if num, _ := f.GetCellType("Statistik", "B5"); num != excelize.CellTypeNumber && num != excelize.CellTypeUnset {
		t.Errorf("the count of attempts is stored as cell type %v, not as a number Excel can sum", num)
	} else if share, _ := f.GetCellValue("Statistik", "D5", excelize.Options{RawCellValue: true}); share != "0.5" {
		t.Errorf("the share is %q, not the number 0.5 with a percent format", share)
	} else if text, _ := f.GetCellType("Statistik", "A5"); text == num {
		t.Errorf("the channel's name and the count are stored alike (%v)", text)
	}
	// One follow-up at exit; of the woman's answers, a long-term goal (target 50 %) and
	// respect (95 %) reach the target, a clear plan does not, and nobody answered the
	// accessibility question, which counts neither way.
	for _, s := range []string{"Uppföljningar under perioden: 1 vid avslut och 0 sex månader efter avslut.",
		"2 av 3 mål nåddes, räknat för kvinnor och män var för sig.", "Har ett långsiktigt mål, kvinnor"} {
		if !strings.Contains(page.Body, s) {
			t.Errorf("the dashboard does not say %q", s)
		}
	}
	// The list over time is a line; the outcomes are bars stacked by gender, with a legend.
	if !regexp.MustCompile(`data-testid="chart-kaa-lista"[^§]*?<polyline points="[0-9., ]+"`).MatchString(page.Body) {
		t.Error("the KAA list is not drawn as a line")
	}
	if !regexp.MustCompile(`data-testid="chart-utfall"[^§]*?>Kvinnor</text>[^§]*?<rect x="220[.0-9]*" y="[0-9]+" width="[0-9.]+" height="18" fill="#1d4f91"`).MatchString(page.Body) {
		t.Error("the outcomes are not stacked by gender")
	}
	// Genders in the form's order, not the codes': women first.
	if kon := page.Body[strings.Index(page.Body, `data-testid="table-kon"`):]; strings.Index(kon, `<th scope="row">Kvinna</th>`) > strings.Index(kon, `<th scope="row">Man</th>`) {
		t.Error("the gender table does not list women first")
	}
	if !strings.Contains(page.Body, "att rätta i halvårsrapporten till SCB") {
		t.Error("the SCB gaps are not on the dashboard")
	}
	if a.count(`SELECT count(*) FROM audit_events WHERE action = 'dashboard.read'`) < 3 {
		t.Error("dashboard reads are not audited")
	}
	// The dashboard counts the report's gaps but shows nobody: the access log
	// must not claim the reader saw everyone in the report.
	if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'scb.report'`); n != 0 {
		t.Errorf("the dashboard logged %d reads of the SCB report", n)
	}
	// The dashboard's count of the SCB file's findings, read without logging
	// a read of the report, is the report's.
	err = db.InTenant(ctx, a.db.App, osby, me, func(tx db.Tx) error {
		h, _ := scb.ParseHalfYear("2026-2")
		rep, err := scb.Build(ctx, tx, h, participant.Today())
		if err != nil {
			return err
		}
		n, err := scb.FindingCount(ctx, tx, h, participant.Today())
		if err == nil && (n != len(rep.Findings) || n == 0) {
			t.Errorf("FindingCount %d, the report has %d findings", n, len(rep.Findings))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func date(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

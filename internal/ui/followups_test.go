package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/personnummer"
)

func onQueue(t *testing.T, c *client, queue, name string) bool {
	t.Helper()
	body := c.get("/k/1273/att-gora?alla=1").Body
	i := strings.Index(body, `data-testid="queue-`+queue+`"`)
	if i < 0 {
		t.Fatalf("no queue %s", queue)
	}
	section := body[i:]
	section = section[:strings.Index(section, "</section>")]
	return strings.Contains(section, name)
}

func TestFollowUps(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	form := newParticipant("080301-0024", "Alva", "Andersson")
	form.Set("identified_on", time.Now().AddDate(0, 0, -60).Format("2006-01-02"))
	id := c.register(form)
	base := fmt.Sprintf("/k/1273/deltagare/%d", id)
	kaa := a.count(`SELECT id FROM enrolments WHERE participant_id = $1`, id)
	endsOn := time.Now().AddDate(0, 0, -40).Format("2006-01-02")
	end := func(eid int, reason string) {
		t.Helper()
		res := c.post(fmt.Sprintf("%s/inskrivningar/%d/avsluta", base, eid), url.Values{
			fmt.Sprintf("ends_on_%d", eid): {endsOn}, fmt.Sprintf("end_reason_%d", eid): {reason}, "bekraftat": {"ja"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("end: %d", res.Status)
		}
	}
	// The outcome follow-ups are ESF's: an avregistrering from the KAA
	// register schedules none, the end of a project enrolment both.
	end(kaa, "national_programme")
	if n := a.count(`SELECT count(*) FROM followups WHERE participant_id = $1`, id); n != 0 {
		t.Fatalf("an avregistrering from the KAA register scheduled %d follow-ups", n)
	}
	c.enrolInProject(base, time.Now().AddDate(0, 0, -60).Format("2006-01-02"))
	eid := a.count(`SELECT id FROM enrolments WHERE participant_id = $1 AND kind = 'project'`, id)
	end(eid, "project_exit")

	t.Run("ScheduledAtTheRightDates", func(t *testing.T) {
		var exit, six, wantSix string
		a.db.Owner.QueryRow(context.Background(), `
			SELECT (SELECT due_on::text FROM followups WHERE enrolment_id = $1 AND kind = 'exit'),
			       (SELECT due_on::text FROM followups WHERE enrolment_id = $1 AND kind = 'six_months'),
			       -- six calendar months, the last day of the month when it is shorter (31 Aug -> 28 Feb)
			       (($2::date + interval '6 months')::date)::text`, eid, endsOn).Scan(&exit, &six, &wantSix)
		end, _ := time.Parse("2006-01-02", endsOn)
		if exit != end.AddDate(0, 0, 28).Format("2006-01-02") || six != wantSix {
			t.Errorf("follow-ups due %s and %s for an end on %s", exit, six, endsOn)
		}
	})
	t.Run("OverdueIsOnTheQueue", func(t *testing.T) {
		if !onQueue(t, c, participant.QueueFollowUps, "Andersson") {
			t.Error("an overdue exit follow-up is not on the queue")
		}
		if !strings.Contains(c.get(base).Body, "Försenad") {
			t.Error("the participant page does not mark it overdue")
		}
	})
	fid := a.count(`SELECT id FROM followups WHERE enrolment_id = $1 AND kind = 'exit'`, eid)
	t.Run("ErrNoOccupation", func(t *testing.T) {
		res := c.post(fmt.Sprintf("%s/uppfoljningar/%d", base, fid), url.Values{"done_on": {time.Now().Format("2006-01-02")}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Välj var personen är nu") {
			t.Errorf("no occupation: %d", res.Status)
		}
	})
	t.Run("Record", func(t *testing.T) {
		res := c.post(fmt.Sprintf("%s/uppfoljningar/%d", base, fid), url.Values{"done_on": {time.Now().Format("2006-01-02")},
			"occupation": {"national_programme"}, "in_education": {"yes"}, "long_term_goal": {"yes"}, "clear_plan": {"no"}, "respect": {"yes"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("record: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM followups WHERE id = $1 AND occupation = 'national_programme' AND esf_in_education AND NOT esf_employed
			AND survey_long_term_goal = 'yes' AND survey_clear_plan = 'no' AND survey_no_barrier = 'no_answer'`, fid) != 1 {
			t.Error("the follow-up was not stored as answered")
		}
		if onQueue(t, c, participant.QueueFollowUps, "Andersson") {
			t.Error("a recorded follow-up is still on the queue")
		}
		if a.count(`SELECT count(*) FROM audit_events WHERE action = 'followup.record'`) != 1 {
			t.Error("not audited")
		}
		// Recording it again keeps the earlier answer readable.
		c.post(fmt.Sprintf("%s/uppfoljningar/%d", base, fid), url.Values{"done_on": {time.Now().Format("2006-01-02")}, "occupation": {"komvux"}})
		page := c.get(fmt.Sprintf("%s/uppfoljningar/%d", base, fid)).Body
		if !strings.Contains(page, "Tidigare registrerat") || !strings.Contains(page, "Studier på nationellt program – ersatt av Samordnare Osby") {
			t.Error("the earlier recording is not kept")
		}
	})
}

func TestTurned20Job(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	osby := a.orgID("1273")
	today := participant.Today()
	people := map[string]time.Time{
		"Fyller20Idag":  today.AddDate(-20, 0, 0),
		"Fyllde20Igår":  today.AddDate(-20, 0, -1),
		"Fyller20Imorn": today.AddDate(-20, 0, 1),
	}
	for last, birth := range people {
		nine := birth.Format("060102") + "321"
		pnr := birth.Format("2006") + nine[2:] + strconv.Itoa(personnummer.CheckDigit(nine))
		if _, err := a.db.Owner.Exec(ctx, `
			WITH x AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name) VALUES ($1, $2, $3, 'T', $4) RETURNING id)
			INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason) SELECT $1, id, 'kaa', '2024-01-01', 'dropped_out' FROM x`, osby, pnr, birth, last); err != nil {
			t.Fatal(err)
		}
	}
	run := func() int {
		n, err := participant.EndTurned20Everywhere(ctx, a.db.App, today)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := run(); n != 2 {
		t.Errorf("first run ended %d enrolments, want 2 (today's and yesterday's birthdays)", n)
	}
	for last, want := range map[string]string{"Fyller20Idag": today.Format("2006-01-02"), "Fyllde20Igår": today.AddDate(0, 0, -1).Format("2006-01-02"), "Fyller20Imorn": ""} {
		var ends *string
		a.db.Owner.QueryRow(ctx, `SELECT e.ends_on::text FROM enrolments e JOIN participants p ON p.id = e.participant_id
			WHERE p.last_name = $1 AND (e.end_reason = 'turned_20' OR e.end_reason IS NULL)`, last).Scan(&ends)
		got := ""
		if ends != nil {
			got = *ends
		}
		if got != want {
			t.Errorf("%s: ended %q, want %q", last, got, want)
		}
	}
	if n := run(); n != 0 {
		t.Errorf("second run ended %d, want 0", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'enrolment.end' AND detail->>'reason' = 'turned_20' AND user_id IS NULL`); n != 2 {
		t.Errorf("%d audit rows, want 2", n)
	}
	// Turning 20 ends a KAA registration: no ESF follow-ups.
	if n := a.count(`SELECT count(*) FROM followups`); n != 0 {
		t.Errorf("%d follow-ups scheduled, want none", n)
	}
}

func TestPlanQueues(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	id := c.register(newParticipant("080301-0024", "Alva", "Andersson"))
	form := planForm("Börja studera", "", time.Now().AddDate(0, 0, -3).Format("2006-01-02"))
	form.Set("measure_starts_0", time.Now().AddDate(0, -7, 0).Format("2006-01-02"))
	if res := c.post(fmt.Sprintf("/k/1273/deltagare/%d/plan", id), form); res.Status != http.StatusSeeOther {
		t.Fatalf("plan: %d", res.Status)
	}
	if !onQueue(t, c, participant.QueuePlanReview, "Andersson") {
		t.Error("a plan past its follow-up date is not on the queue")
	}
	if !onQueue(t, c, participant.QueueLongMeasures, "Andersson") {
		t.Error("a measure running for seven months without end is not on the queue")
	}
}

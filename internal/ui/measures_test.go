package ui_test

import (
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

func day(offset int) string { return time.Now().AddDate(0, 0, offset).Format("2006-01-02") }

// pnr is a valid personnummer YYMMDD-NNNC born on yymmdd.
func pnr(yymmdd, serial string) string {
	return yymmdd + "-" + serial + strconv.Itoa(personnummer.CheckDigit(yymmdd+serial))
}

// measurePlan is a plan with a goal and a sub-goal and one åtgärd that
// serves the sub-goal, run by a named school.
func measurePlan() url.Values {
	return url.Values{
		"goal_rows": {"3"}, "measure_rows": {"2"},
		"goal_text_0": {"Börja studera"}, "goal_status_0": {"in_progress"},
		"goal_text_1": {"Söka till komvux"}, "goal_status_1": {"not_started"}, "goal_parent_1": {"0"},
		"measure_type_0": {"guidance"}, "measure_description_0": {"Studievägledning"}, "measure_responsible_0": {"school"},
		"measure_unit_0": {"Vuxenutbildningen Osby"}, "measure_starts_0": {"2026-10-01"}, "measure_follow_up_0": {"2027-01-20"},
		"measure_goal_0_1": {"1"},
		"follow_up_on":     {"2027-02-01"},
	}
}

// TestMeasureDocumentation: each åtgärd has what, who (named, unless the
// young person or the municipality), start and end, why it ended, its own
// follow-up date and the goals it serves (Förordning 2006:39); the links are
// kept per plan version; bad input is refused in Swedish with nothing
// written; a declined åtgärd leaves the KAA registration open.
func TestMeasureDocumentation(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	id := c.register(newParticipant("080301-0024", "Alva", "Andersson"))
	base := fmt.Sprintf("/k/1273/deltagare/%d", id)

	t.Run("Saved", func(t *testing.T) {
		if res := c.post(base+"/plan", measurePlan()); res.Status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", res.Status, res.Body)
		}
		if a.count(`SELECT count(*) FROM plan_measures WHERE participant_id = $1 AND version = 1 AND follow_up_on = '2027-01-20'
			AND responsible = 'school' AND responsible_unit = 'Vuxenutbildningen Osby'`, id) != 1 {
			t.Error("the åtgärd's follow-up date or named responsible is not stored")
		}
		if a.count(`SELECT count(*) FROM plan_measure_goals WHERE participant_id = $1 AND version = 1 AND measure = 1 AND goal = 2`, id) != 1 {
			t.Error("the link from the åtgärd to the sub-goal it serves is not stored")
		}
		page := c.get(base + "/plan").Body
		for _, want := range []string{"<h3>Åtgärder</h3>", "Skolan", "(Vuxenutbildningen Osby)", "2027-01-20", `data-testid="measure-goals">Söka till komvux<`} {
			if !strings.Contains(page, want) {
				t.Errorf("the plan page lacks %q", want)
			}
		}
		if strings.Contains(page, "Insats") || strings.Contains(page, "insats") {
			t.Error("the plan page calls a KAA åtgärd an insats")
		}
		if page := c.get(base + "/plan/andra").Body; !strings.Contains(page, `name="measure_goal_0_1" value="1" checked`) ||
			!strings.Contains(page, `value="2027-01-20"`) || strings.Contains(page, "nsats") {
			t.Error("the editor does not start from the åtgärd's goals and follow-up date, or says insats")
		}
	})

	t.Run("LinksPerVersion", func(t *testing.T) {
		form := measurePlan()
		form.Del("measure_goal_0_1")
		form.Set("measure_goal_0_0", "1")
		form.Set("base_version", "1")
		if res := c.post(base+"/plan", form); res.Status != http.StatusSeeOther {
			t.Fatalf("revise: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM plan_measure_goals WHERE participant_id = $1 AND version = 1 AND goal = 2`, id) != 1 ||
			a.count(`SELECT count(*) FROM plan_measure_goals WHERE participant_id = $1 AND version = 2 AND goal = 1`, id) != 1 ||
			a.count(`SELECT count(*) FROM plan_measure_goals WHERE participant_id = $1`, id) != 2 {
			t.Error("each version does not keep its own links")
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		for name, tc := range map[string]struct {
			change map[string]string
			field  string
			msg    string
		}{
			"FollowUpBeforeStart":     {map[string]string{"measure_follow_up_0": "2026-09-01"}, "measure_follow_up_0", "Åtgärd 1: uppföljningsdatum före startdatum."},
			"NoFollowUp":              {map[string]string{"measure_follow_up_0": ""}, "measure_follow_up_0", "Åtgärd 1: skriv när åtgärden ska följas upp."},
			"NamedResponsibleMissing": {map[string]string{"measure_unit_0": ""}, "measure_unit_0", "Åtgärd 1: skriv namnet på aktören som ansvarar"},
			"OtherActorUnnamed":       {map[string]string{"measure_responsible_0": "other", "measure_unit_0": ""}, "measure_unit_0", "Åtgärd 1: skriv namnet på aktören"},
			"GoalOfAnotherPlan":       {map[string]string{"measure_goal_0_7": "1"}, "measure_goals_0", "Åtgärd 1: kan bara kopplas till ett mål med text i den här planen."},
			"GoalRowEmpty":            {map[string]string{"measure_goal_0_2": "1"}, "measure_goals_0", "kan bara kopplas till ett mål med text"},
			"GoalNotANumber":          {map[string]string{"measure_goal_0_x": "1"}, "measure_goals_0", "kan bara kopplas till ett mål med text"},
			"DeclinedButStarted":      {map[string]string{"measure_starts_0": day(-10), "measure_ends_0": day(-1), "measure_end_reason_0": "declined"}, "measure_starts_0", "Åtgärd 1: en åtgärd som den unga tackade nej till har inget startdatum"},
			"DeclinedWithoutDay":      {map[string]string{"measure_starts_0": "", "measure_ends_0": "", "measure_end_reason_0": "declined"}, "measure_ends_0", "Åtgärd 1: skriv dagen den unga tackade nej som slutdatum."},
		} {
			t.Run(name, func(t *testing.T) {
				form := measurePlan()
				form.Set("base_version", "2")
				for k, v := range tc.change {
					form.Set(k, v)
				}
				res := c.post(base+"/plan", form)
				if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, tc.msg) ||
					!strings.Contains(res.Body, `href="#f-`+tc.field+`"`) {
					t.Errorf("status %d, message %q shown: %v", res.Status, tc.msg, strings.Contains(res.Body, tc.msg))
				}
			})
		}
		if n := a.count(`SELECT count(*) FROM plans WHERE participant_id = $1`, id); n != 2 {
			t.Errorf("invalid plans were saved: %d versions", n)
		}
		if n := a.count(`SELECT count(*) FROM plan_measure_goals WHERE participant_id = $1`, id); n != 2 {
			t.Errorf("invalid links were saved: %d", n)
		}
	})

	t.Run("YoungPersonOrMunicipalityNeedsNoName", func(t *testing.T) {
		form := measurePlan()
		form.Set("base_version", "2")
		form.Set("measure_responsible_0", "young_person")
		form.Set("measure_unit_0", "")
		if res := c.post(base+"/plan", form); res.Status != http.StatusSeeOther {
			t.Errorf("an åtgärd of the young person's own without a name: %d", res.Status)
		}
	})

	t.Run("DeclinedKeepsTheRegistration", func(t *testing.T) {
		form := measurePlan()
		form.Set("base_version", "3")
		form.Set("measure_starts_0", "")
		form.Set("measure_ends_0", day(-3))
		form.Set("measure_end_reason_0", "declined")
		form.Set("measure_follow_up_0", "")
		if res := c.post(base+"/plan", form); res.Status != http.StatusSeeOther {
			t.Fatalf("declined: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM plan_measures WHERE participant_id = $1 AND version = 4 AND end_reason = 'declined'
			AND starts_on IS NULL AND ends_on = $2::date`, id, day(-3)) != 1 {
			t.Error("the declined åtgärd is not stored without a start and with the day it was declined")
		}
		if a.count(`SELECT count(*) FROM enrolments WHERE participant_id = $1 AND kind = 'kaa' AND ends_on IS NULL`, id) != 1 {
			t.Error("declining an åtgärd ended the KAA registration")
		}
		if page := c.get(base + "/plan").Body; !strings.Contains(page, "(Tackade nej)") {
			t.Error("the plan page does not say the åtgärd was declined")
		}
		if p := c.get(base).Body; !strings.Contains(p, `data-testid="status">Aktiv med plan`) {
			t.Error("a declined åtgärd changed the status")
		}
	})
}

// TestMeasureFollowUpQueue: the Att göra page lists each åtgärd whose own
// follow-up date has passed, the longest overdue first, with how many days
// ("1 dag", "3 dagar"); an ended åtgärd, one not yet due and one of an
// earlier plan version are not listed.
func TestMeasureFollowUpQueue(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	plan := func(pnr, last string, followUp string, ended bool, extra map[string]string) int64 {
		t.Helper()
		id := c.register(newParticipant(pnr, "Test", last))
		form := measurePlan()
		form.Set("measure_starts_0", day(-30))
		form.Set("measure_follow_up_0", followUp)
		if ended {
			form.Set("measure_ends_0", day(-2))
			form.Set("measure_end_reason_0", "completed")
		}
		for k, v := range extra {
			form.Set(k, v)
		}
		if res := c.post(fmt.Sprintf("/k/1273/deltagare/%d/plan", id), form); res.Status != http.StatusSeeOther {
			t.Fatalf("plan: %d", res.Status)
		}
		return id
	}
	plan("080301-0024", "Ettdag", day(-1), false, nil)
	plan(pnr("080402", "002"), "Tredagar", day(-3), false, nil)
	plan(pnr("080503", "002"), "Avslutad", day(-5), true, nil)
	plan(pnr("080604", "002"), "Framtid", day(7), false, nil)
	// Two åtgärder of one person, both late, are two lines.
	plan(pnr("080705", "002"), "Tva", day(-4), false, map[string]string{"measure_type_1": "komvux", "measure_responsible_1": "young_person",
		"measure_starts_1": day(-20), "measure_follow_up_1": day(-2)})
	// A late åtgärd of version 1 that version 2 follows up later is not late.
	id := plan(pnr("080806", "002"), "Reviderad", day(-6), false, nil)
	form := measurePlan()
	form.Set("measure_starts_0", day(-30))
	form.Set("measure_follow_up_0", day(10))
	form.Set("base_version", "1")
	if res := c.post(fmt.Sprintf("/k/1273/deltagare/%d/plan", id), form); res.Status != http.StatusSeeOther {
		t.Fatalf("revise: %d", res.Status)
	}

	body := c.get("/k/1273/att-gora?alla=1").Body
	i := strings.Index(body, `data-testid="queue-`+participant.QueueMeasureReview+`"`)
	if i < 0 {
		t.Fatal("no queue of åtgärder to follow up")
	}
	section := body[i:]
	section = section[:strings.Index(section, "</section>")]
	if !strings.Contains(section, "Åtgärder vars uppföljningsdatum har passerat") {
		t.Error("the queue has no Swedish heading")
	}
	for _, want := range []string{"(1 dag sedan)", "(3 dagar sedan)", "Studie- och yrkesvägledning, skulle följas upp " + day(-3)} {
		if !strings.Contains(section, want) {
			t.Errorf("the queue lacks %q", want)
		}
	}
	for _, not := range []string{"Avslutad", "Framtid", "Reviderad"} {
		if strings.Contains(section, not) {
			t.Errorf("%s is on the queue", not)
		}
	}
	// Oldest date first: Tva (4 days) before Tredagar (3), Tva's komvux (2), Ettdag (1).
	order := []string{"skulle följas upp " + day(-4), "Tredagar", "Komvux, skulle", "Ettdag"}
	last := -1
	for _, s := range order {
		at := strings.Index(section, s)
		if at <= last {
			t.Errorf("%q is not in date order (at %d, after %d)", s, at, last)
		}
		last = at
	}
	if !strings.Contains(section, `<span class="badge muted">4</span>`) {
		t.Error("the queue does not count four åtgärder")
	}
}

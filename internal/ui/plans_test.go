package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/participant"
)

func planForm(goal, sub, followUp string) url.Values {
	return url.Values{
		"goal_rows": {"3"}, "measure_rows": {"2"},
		"goal_text_0": {goal}, "goal_status_0": {"in_progress"},
		"goal_text_1": {sub}, "goal_status_1": {"not_started"}, "goal_parent_1": {"0"},
		"measure_type_0": {"work_placement"}, "measure_description_0": {"Praktik på verkstad"}, "measure_responsible_0": {"municipality"},
		"measure_unit_0": {"Arbetsmarknadsenheten"}, "measure_starts_0": {"2026-10-01"}, "measure_follow_up_0": {followUp},
		"follow_up_on": {followUp}, "agreed_on": {time.Now().Format("2006-01-02")},
	}
}

func TestPlansAndMapping(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	id := c.register(newParticipant("080301-0024", "Alva", "Andersson"))
	base := fmt.Sprintf("/k/1273/deltagare/%d", id)

	t.Run("Mapping", func(t *testing.T) {
		res := c.post(base+"/kartlaggning", url.Values{"mapped_on": {"2026-11-01"}, "direction_note": {"Vill laga saker"}, "direction": {"work"}, "referral_to": {"arbetsformedlingen"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("mapping: %d", res.Status)
		}
		res = c.post(base+"/kartlaggning", url.Values{"mapped_on": {"2026-11-20"}, "direction_note": {"Vill laga saker, gillar bilar"}, "direction": {"studies"}, "base_version": {"1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("revise mapping: %d", res.Status)
		}
		page := c.get(base + "/kartlaggning").Body
		if !strings.Contains(page, "Gällande kartläggning (version 2)") || !strings.Contains(page, "Version 1") || !strings.Contains(page, "Arbetsförmedlingen") {
			t.Error("the mapping page does not show the current version and the earlier one")
		}
		if res := c.post(base+"/kartlaggning", url.Values{"mapped_on": {"2030-01-01"}, "direction": {"kanske"}}); res.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, "framtiden") || !strings.Contains(res.Body, "Välj vad personen vill") {
			t.Errorf("bad mapping: %d", res.Status)
		}
	})

	t.Run("FirstPlanIsFollowedUpInThreeMonths", func(t *testing.T) {
		in3 := participant.Today().AddDate(0, 3, 0).Format("2006-01-02")
		if page := c.get(base + "/plan/andra").Body; !strings.Contains(page, `value="`+in3+`"`) {
			t.Errorf("a first plan's follow-up date is not proposed as %s", in3)
		}
	})

	t.Run("PlanMakesStatusActive", func(t *testing.T) {
		res := c.post(base+"/plan", planForm("Börja studera", "Söka till komvux", "2027-01-15"))
		if res.Status != http.StatusSeeOther {
			t.Fatalf("save plan: %d", res.Status)
		}
		page := c.get(base + "/plan").Body
		for _, want := range []string{"Gällande plan (version 1)", "Börja studera", "Delmål: Söka till komvux", "Praktik", "Arbetsmarknadsenheten", "2027-01-15"} {
			if !strings.Contains(page, want) {
				t.Errorf("the plan page lacks %q", want)
			}
		}
		if p := c.get(base).Body; !strings.Contains(p, `data-testid="status">Aktiv med plan`) || !strings.Contains(p, "Handlingsplan skriven") ||
			!strings.Contains(p, "Åtgärd startade: Praktik") {
			t.Error("a plan should make the status active with plan and show on the timeline")
		}
		a.assertSummary()
	})

	t.Run("RevisionByAnotherCoordinatorKeepsHistory", func(t *testing.T) {
		other := a.client()
		other.signIn("flera@within.demo")
		form := planForm("Börja studera", "Söka till komvux", "2027-02-01")
		form.Set("goal_status_1", "reached")
		form.Set("change_note", "Ansökan skickad")
		form.Set("base_version", "1")
		if res := other.post(base+"/plan", form); res.Status != http.StatusSeeOther {
			t.Fatalf("revise: %d", res.Status)
		}
		page := c.get(base + "/plan").Body
		if !strings.Contains(page, "Gällande plan (version 2)") || !strings.Contains(page, "Fia Flerroll") || !strings.Contains(page, "Ansökan skickad") {
			t.Error("the revision does not show who made it")
		}
		if !strings.Contains(page, "Söka till komvux: Inte påbörjat → Uppnått") || !strings.Contains(page, "Uppföljningsdatum: 2027-01-15 → 2027-02-01") {
			t.Error("the revision does not say what changed")
		}
		if !strings.Contains(page, "Version 1") || !strings.Contains(page, "Samordnare Osby") {
			t.Error("the first version is not readable with its author")
		}
		if a.count(`SELECT count(*) FROM plans WHERE participant_id = $1`, id) != 2 || a.count(`SELECT count(*) FROM plan_goals WHERE participant_id = $1 AND version = 1 AND status = 'not_started'`, id) != 1 {
			t.Error("the first version was changed")
		}
		if a.count(`SELECT count(*) FROM audit_events WHERE action = 'plan.revise' AND record_id = $1`, fmt.Sprint(id)) != 1 {
			t.Error("the revision is not audited")
		}
	})

	t.Run("ErrStaleRevision", func(t *testing.T) {
		// The coordinator opened version 1 before Fia saved version 2.
		form := planForm("Något helt annat", "", "2027-03-01")
		form.Set("base_version", "1")
		res := c.post(base+"/plan", form)
		if res.Status != http.StatusConflict || !strings.Contains(res.Body, "Fia Flerroll sparade version 2") {
			t.Errorf("saving over a newer version: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM plans WHERE participant_id = $1`, id) != 2 {
			t.Error("a stale revision was saved")
		}
	})

	t.Run("EditorStartsFromCurrentVersion", func(t *testing.T) {
		page := c.get(base + "/plan/andra").Body
		if !strings.Contains(page, `value="Söka till komvux"`) || !strings.Contains(page, `value="2027-02-01"`) || !strings.Contains(page, `name="base_version" value="2"`) {
			t.Error("the editor does not start from the current plan")
		}
	})

	t.Run("ErrInvalidPlan", func(t *testing.T) {
		for name, tc := range map[string]struct {
			change map[string]string
			msg    string
		}{
			"NoGoal":           {map[string]string{"goal_text_0": "", "goal_text_1": ""}, "minst ett mål"},
			"NoFollowUp":       {map[string]string{"follow_up_on": ""}, "följas upp"},
			"MeasureNoType":    {map[string]string{"measure_type_0": ""}, "välj typ av åtgärd"},
			"EndedNoReason":    {map[string]string{"measure_ends_0": "2026-11-01"}, "varför åtgärden slutade"},
			"EndBeforeStart":   {map[string]string{"measure_ends_0": "2026-09-01", "measure_end_reason_0": "completed"}, "slutdatum före startdatum"},
			"AgreedInFuture":   {map[string]string{"agreed_on": "2031-01-01"}, "framtiden"},
			"SubGoalOfNothing": {map[string]string{"goal_text_0": "", "goal_parent_1": "0"}, "hör till ett mål ovanför"},
		} {
			t.Run(name, func(t *testing.T) {
				form := planForm("Börja studera", "Söka till komvux", "2027-01-15")
				form.Set("base_version", "2")
				for k, v := range tc.change {
					form.Set(k, v)
				}
				res := c.post(base+"/plan", form)
				if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, tc.msg) {
					t.Errorf("status %d, message %q shown: %v", res.Status, tc.msg, strings.Contains(res.Body, tc.msg))
				}
			})
		}
		if n := a.count(`SELECT count(*) FROM plans WHERE participant_id = $1`, id); n != 2 {
			t.Errorf("invalid plans were saved: %d versions", n)
		}
	})

	t.Run("PrintView", func(t *testing.T) {
		res := c.get(base + "/plan/utskrift")
		if res.Status != 200 || !strings.Contains(res.Body, "Min plan") || !strings.Contains(res.Body, "Det här vill jag nå") || !strings.Contains(res.Body, "Börja studera") {
			t.Errorf("print view: %d", res.Status)
		}
		if strings.Contains(res.Body, "20080301") {
			t.Error("the young person's copy shows the personnummer")
		}
	})
}

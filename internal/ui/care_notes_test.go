package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestCareAndNotesOnlyInProject: the KAA register holds identity, contact
// details, occupation and åtgärder (Förordning 2006:39; docs/privacy.md).
// For someone only in the register, the mapping asks no strengths or
// challenges and offers no referral to the student health service or social
// services, and the plan no åtgärd with social services responsible; a post
// of any of them is refused in Swedish next to the field with nothing
// written. Once the person has a project enrolment all of it is asked and
// kept.
func TestCareAndNotesOnlyInProject(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	id := c.register(newParticipant("080301-0024", "Alva", "Andersson"))
	base := fmt.Sprintf("/k/1273/deltagare/%d", id)
	mappings := func() int { return a.count(`SELECT count(*) FROM mappings WHERE participant_id = $1`, id) }

	page := c.get(base + "/kartlaggning").Body
	for _, s := range []string{`name="strengths"`, `name="challenges"`, "elevhälsan", "Socialtjänsten"} {
		if strings.Contains(page, s) {
			t.Errorf("the mapping form of someone only in the KAA register offers %s", s)
		}
	}
	if !strings.Contains(page, `name="direction_note"`) || !strings.Contains(page, "Arbetsförmedlingen") {
		t.Error("the mapping form no longer asks the direction or offers Arbetsförmedlingen")
	}
	for _, target := range []string{"school", "social_services"} {
		res := c.post(base+"/kartlaggning", url.Values{"mapped_on": {day(0)}, "direction": {"studies"}, "referral_to": {target}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "socialtjänsten, hälso- och sjukvården eller ungdomsmottagningen får bara registreras") ||
			!strings.Contains(res.Body, `id="f-referral_to-error"`) {
			t.Errorf("a referral to %s for someone only in KAA: %d", target, res.Status)
		}
	}
	for _, field := range []string{"strengths", "challenges"} {
		res := c.post(base+"/kartlaggning", url.Values{"mapped_on": {day(0)}, "direction": {"studies"}, field: {"Bra på att laga saker"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "skrivs bara för den som är med i ett projekt") ||
			!strings.Contains(res.Body, `id="f-`+field+`-error"`) || !strings.Contains(res.Body, "Bra på att laga saker") {
			t.Errorf("%s for someone only in KAA: %d (want 422 next to the field, the text kept to be emptied)", field, res.Status)
		}
	}
	if n := mappings(); n != 0 {
		t.Errorf("%d mappings written", n)
	}
	if res := c.post(base+"/kartlaggning", url.Values{"mapped_on": {day(0)}, "direction": {"work"}, "direction_note": {"Vill bli mekaniker"}, "referral_to": {"arbetsformedlingen"}}); res.Status != http.StatusSeeOther || mappings() != 1 {
		t.Errorf("a mapping with direction and a referral to Arbetsförmedlingen: %d", res.Status)
	}

	plan := planForm("Börja studera", "Söka till komvux", day(30))
	plan.Set("measure_responsible_0", "social_services")
	plan.Set("measure_unit_0", "Socialtjänstens ungdomsenhet")
	if res := c.post(base+"/plan", plan); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "socialtjänsten och hälso- och sjukvården kan bara stå som ansvariga") ||
		a.count(`SELECT count(*) FROM plans WHERE participant_id = $1`, id) != 0 {
		t.Errorf("social services responsible for an åtgärd of someone only in KAA: %d", res.Status)
	}

	c.enrolInProject(base, day(0))
	page = c.get(base + "/kartlaggning").Body
	for _, s := range []string{`name="strengths"`, `name="challenges"`, "Skolan (elevhälsan)", "Socialtjänsten"} {
		if !strings.Contains(page, s) {
			t.Errorf("the mapping form of a project participant does not offer %s", s)
		}
	}
	if res := c.post(base+"/kartlaggning", url.Values{"mapped_on": {day(0)}, "direction": {"work"}, "strengths": {"Bra på att laga saker"},
		"challenges": {"Svårt att komma i tid"}, "referral_to": {"social_services"}, "base_version": {"1"}}); res.Status != http.StatusSeeOther ||
		a.count(`SELECT count(*) FROM mappings WHERE participant_id = $1 AND strengths <> '' AND challenges <> '' AND referral_to = 'social_services'`, id) != 1 {
		t.Errorf("a project participant's strengths, challenges and referral: %d", res.Status)
	}
	if res := c.post(base+"/plan", plan); res.Status != http.StatusSeeOther ||
		a.count(`SELECT count(*) FROM plan_measures WHERE participant_id = $1 AND responsible = 'social_services'`, id) != 1 {
		t.Errorf("social services responsible for a project participant's åtgärd: %d", res.Status)
	}
}

// TestSourceWithoutSocialServices: the register form asks how the register
// learnt of the young person without "Socialtjänsten" (which says social
// services knows the person); "Annan verksamhet i kommunen" is offered, and
// a posted "social_services" is refused.
func TestSourceWithoutSocialServices(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	page := c.get("/k/1273/deltagare/ny").Body
	if strings.Contains(page, `value="social_services"`) || !strings.Contains(page, "Annan verksamhet i kommunen") {
		t.Error("the register form offers Socialtjänsten as the way in, or not Annan verksamhet i kommunen")
	}
	form := newParticipant("080301-0024", "Alva", "Andersson")
	form.Set("source", "social_services")
	if res := c.post("/k/1273/deltagare", form); res.Status != http.StatusUnprocessableEntity ||
		a.count(`SELECT count(*) FROM participants WHERE first_name = 'Alva'`) != 0 {
		t.Errorf("a registration with source Socialtjänsten: %d", res.Status)
	}
	form.Set("source", "municipal_service")
	form.Set("identified_on", time.Now().Format("2006-01-02"))
	if id := c.register(form); a.count(`SELECT count(*) FROM participants WHERE id = $1 AND source = 'municipal_service'`, id) != 1 {
		t.Error("Annan verksamhet i kommunen is not stored")
	}
}

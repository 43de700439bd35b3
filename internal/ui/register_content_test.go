package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/participant"
)

// TestHealthReferralOnlyInProject: the KAA register may not hold a referral
// to health care or a youth clinic (Förordning 2006:39; docs/privacy.md):
// for someone only in the register the form does not offer them and a post
// is refused in Swedish with nothing written; a project participant's is
// kept.
func TestHealthReferralOnlyInProject(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	id := c.register(newParticipant("080301-0024", "Alva", "Andersson"))
	base := fmt.Sprintf("/k/1273/deltagare/%d", id)
	if page := c.get(base + "/kartlaggning").Body; strings.Contains(page, "Ungdomsmottagningen") || strings.Contains(page, "Hälso- och sjukvården") {
		t.Error("the mapping form offers a health referral for someone only in the KAA register")
	}
	for _, target := range []string{"youth_clinic", "health_care"} {
		res := c.post(base+"/kartlaggning", url.Values{"mapped_on": {day(0)}, "direction": {"studies"}, "referral_to": {target}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "får bara registreras för den som är med i ett projekt") ||
			!strings.Contains(res.Body, `id="f-referral_to-error"`) {
			t.Errorf("%s for someone only in KAA: %d", target, res.Status)
		}
	}
	if n := a.count(`SELECT count(*) FROM mappings WHERE participant_id = $1`, id); n != 0 {
		t.Errorf("%d mappings written", n)
	}

	c.enrolInProject(base, day(0))
	if page := c.get(base + "/kartlaggning").Body; !strings.Contains(page, "Ungdomsmottagningen") {
		t.Error("the mapping form does not offer a youth clinic to a project participant")
	}
	if res := c.post(base+"/kartlaggning", url.Values{"mapped_on": {day(0)}, "direction": {"studies"}, "referral_to": {"youth_clinic"}}); res.Status != http.StatusSeeOther ||
		a.count(`SELECT count(*) FROM mappings WHERE participant_id = $1 AND referral_to = 'youth_clinic'`, id) != 1 {
		t.Errorf("a project participant's referral: %d", res.Status)
	}
}

// TestNoCareAsKAAOccupation: "Vård eller behandling" is not a KAA
// occupation: the contact form does not offer it and a post is refused
// with nothing written; an ESF follow-up still offers it.
func TestNoCareAsKAAOccupation(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	id := c.register(newParticipant("080301-0024", "Alva", "Andersson"))
	base := fmt.Sprintf("/k/1273/deltagare/%d", id)
	if strings.Contains(c.get(base).Body, "Vård eller behandling") {
		t.Error("the contact form offers Vård eller behandling")
	}
	res := c.post(base+"/kontakter", url.Values{"channel": {"sms"}, "direction": {"outgoing"}, "reached": {"yes"},
		"occurred_at": {time.Now().Add(-time.Hour).Format("2006-01-02T15:04")}, "occupation": {"health_care"}})
	if res.Status != http.StatusUnprocessableEntity || a.count(`SELECT count(*) FROM contacts WHERE participant_id = $1`, id) != 0 {
		t.Errorf("a contact with Vård eller behandling: %d", res.Status)
	}
	if !slices.Contains(participant.FollowUpOccupations, "health_care") {
		t.Error("an ESF follow-up no longer offers Vård eller behandling")
	}
}

// TestGenderOnlyForProjectParticipants: the KAA register may not hold gender
// beyond what the personnummer says; ESF+ asks it of project participants.
// Registered for KAA only, a person's gender is not stored, and the edit
// form does not ask it (a posted one is ignored); registered in a project, or
// once a project enrolment exists, it is.
func TestGenderOnlyForProjectParticipants(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	id := c.register(newParticipant("080301-0024", "Alva", "Andersson")) // says "woman", enrols in KAA
	gender := func(id int64) string {
		var g string
		a.db.Owner.QueryRow(context.Background(), `SELECT gender FROM participants WHERE id = $1`, id).Scan(&g)
		return g
	}
	if g := gender(id); g != "not_stated" {
		t.Errorf("a KAA-only registration stored gender %q", g)
	}
	base := fmt.Sprintf("/k/1273/deltagare/%d", id)
	if page := c.get(base + "/andra").Body; strings.Contains(page, `name="gender"`) {
		t.Error("the edit form asks the gender of someone only in the KAA register")
	}
	edit := newParticipant("080301-0024", "Alva", "Andersson")
	edit.Set("gender", "man")
	edit.Set("identified_on", day(0))
	if res := c.post(base, edit); res.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", res.Status, res.Body)
	}
	if g := gender(id); g != "not_stated" {
		t.Errorf("an edit stored the gender %q of someone only in the KAA register", g)
	}

	sub := c.enrolInProject(base, day(0))
	if page := c.get(base + "/andra").Body; !strings.Contains(page, `name="gender"`) {
		t.Error("the edit form does not ask a project participant's gender")
	}
	if res := c.post(base, edit); res.Status != http.StatusSeeOther || gender(id) != "man" {
		t.Errorf("a project participant's gender: %d, %q", res.Status, gender(id))
	}

	project := newParticipant(pnr("040506", "002"), "Pia", "Projekt")
	project.Set("enrol", strconv.Itoa(sub))
	project.Del("registration_reason")
	project.Set("labour_market", "inactive")
	project.Set("education", "isced_3_4")
	if g := gender(c.register(project)); g != "woman" {
		t.Errorf("a project registration stored gender %q, want woman", g)
	}
}

// TestHealthCareResponsibleOnlyInProject: health care as who is responsible
// for an åtgärd tells of the young person's health: for someone only in the
// KAA register the editor does not offer it and a save is refused in
// Swedish with nothing written; for a project participant it is kept.
func TestHealthCareResponsibleOnlyInProject(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	id := c.register(newParticipant("080301-0024", "Alva", "Andersson"))
	base := fmt.Sprintf("/k/1273/deltagare/%d", id)
	if page := c.get(base + "/plan/andra").Body; strings.Contains(page, "Hälso- och sjukvården") {
		t.Error("the plan editor offers health care as responsible for someone only in the KAA register")
	}
	form := measurePlan()
	form.Set("measure_responsible_0", "health_care")
	form.Set("measure_unit_0", "Vårdcentralen")
	res := c.post(base+"/plan", form)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Åtgärd 1: socialtjänsten och hälso- och sjukvården kan bara stå som ansvariga för den som är med i ett projekt") ||
		a.count(`SELECT count(*) FROM plans WHERE participant_id = $1`, id) != 0 {
		t.Errorf("health care responsible for someone only in KAA: %d", res.Status)
	}
	c.enrolInProject(base, day(0))
	if res := c.post(base+"/plan", form); res.Status != http.StatusSeeOther ||
		a.count(`SELECT count(*) FROM plan_measures WHERE participant_id = $1 AND responsible = 'health_care'`, id) != 1 {
		t.Errorf("a project participant's åtgärd with health care responsible: %d", res.Status)
	}
}

// enrolInProject enrols the person at base in Osby's sub-project from
// startsOn, with the ESF+ entry data, and returns the sub-project's id.
func (c *client) enrolInProject(base, startsOn string) int {
	c.a.t.Helper()
	var sub int
	c.a.db.Owner.QueryRow(context.Background(), `SELECT id FROM subprojects WHERE org_id = $1`, c.a.orgID("1273")).Scan(&sub)
	if res := c.post(base+"/inskrivningar", url.Values{"enrol": {strconv.Itoa(sub)}, "starts_on": {startsOn},
		"labour_market": {"unemployed"}, "education": {"isced_0_2"}}); res.Status != http.StatusSeeOther {
		c.a.t.Fatalf("project enrolment: %d", res.Status)
	}
	return sub
}

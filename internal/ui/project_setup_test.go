package ui_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestProjectSetup(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	owner := a.client()
	owner.signIn("admin@kristianstad.demo")
	base := "/k/1290/projekt/within"
	if !strings.Contains(owner.get("/k/1290/").Body, `href="/k/1290/projekt/within"`) {
		t.Error("the owner's start page does not link to the project's set-up")
	}
	if res := owner.get(base); res.Status != 200 || !strings.Contains(res.Body, `value="921"`) {
		t.Fatalf("set-up page: %d", res.Status)
	}
	t.Run("Targets", func(t *testing.T) {
		form := url.Values{"planned_participants": {"950"}, "women_share_min": {"40"}, "women_share_max": {"60"}, "survey_respect_min": {"95,5"}}
		if res := owner.post(base+"/mal", form); res.Status != http.StatusSeeOther {
			t.Fatalf("targets: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM project_targets t JOIN projects p ON p.id = t.project_id WHERE p.key = 'within' AND ((indicator = 'planned_participants' AND target = 950) OR (indicator = 'survey_respect_min' AND target = 95.5))`) != 2 {
			t.Error("targets not saved")
		}
		if a.count(`SELECT count(*) FROM project_targets t JOIN projects p ON p.id = t.project_id WHERE p.key = 'within' AND indicator = 'planned_participants_po2'`) != 1 {
			t.Error("a target the form does not show was removed")
		}
		// Saving the same targets again changes nothing, and logs nothing.
		logged := a.count(`SELECT count(*) FROM security_events WHERE action = 'project.target'`)
		if logged != 2 { // planned participants 921 → 950, respect none → 95.5
			t.Errorf("%d target changes logged, want 2", logged)
		}
		if res := owner.post(base+"/mal", form); res.Status != http.StatusSeeOther {
			t.Fatalf("targets again: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM security_events WHERE action = 'project.target'`); n != logged {
			t.Errorf("saving unchanged targets logged %d changes", n-logged)
		}
		if res := owner.post(base+"/mal", url.Values{"women_share_min": {"140"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "mellan 0 och 100") {
			t.Errorf("140 %%: %d", res.Status)
		}
	})
	t.Run("Period", func(t *testing.T) {
		if res := owner.post(base+"/period", url.Values{"starts_on": {"2015-09-01"}, "ends_on": {"2014-01-01"}}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("end before start: %d", res.Status)
		}
		if res := owner.post(base+"/period", url.Values{"starts_on": {"2015-09-01"}, "ends_on": {"2021-08-31"}}); res.Status != http.StatusSeeOther {
			t.Errorf("period: %d", res.Status)
		}
	})
	t.Run("MembersAndSubprojects", func(t *testing.T) {
		falkenberg := strconv.Itoa(a.orgID("1382"))
		if res := owner.post(base+"/medlemmar", url.Values{"member": {falkenberg}}); res.Status != http.StatusSeeOther {
			t.Fatalf("invite: %d", res.Status)
		}
		if res := owner.post(base+"/medlemmar", url.Values{"member": {"987654"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Välj en av organisationerna") {
			t.Errorf("inviting an organisation that does not exist: %d", res.Status)
		}
		// Invited is not a member: no sub-project until Falkenberg says yes (TestProjectConsent).
		if res := owner.post(base+"/delprojekt", url.Values{"sub_org": {falkenberg}, "sub_name": {"Within Falkenberg"}}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("a sub-project of an invited organisation: %d", res.Status)
		}
		joiner := a.client()
		joiner.signIn("admin@falkenberg.demo")
		if res := joiner.post("/k/1382/inbjudningar/within/tacka-ja", url.Values{"bekraftat": {"ja"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("accept: %d", res.Status)
		}
		if res := owner.post(base+"/delprojekt", url.Values{"sub_org": {falkenberg}, "sub_name": {"Within Falkenberg"}, "sub_focus": {"Lärlingsspår"}, "sub_planned": {"40"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("add sub-project: %d", res.Status)
		}
		if res := owner.post(base+"/delprojekt", url.Values{"sub_org": {falkenberg}, "sub_name": {"Within Falkenberg"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "redan ett delprojekt") {
			t.Errorf("duplicate sub-project: %d", res.Status)
		}
		if res := owner.post(base+"/delprojekt", url.Values{"sub_org": {strconv.Itoa(a.orgID("0484"))}, "sub_name": {"Fel"}}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("sub-project of a non-member: %d", res.Status)
		}
		if res := owner.post(base+"/medlemmar/"+falkenberg+"/ta-bort", nil); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "har delprojekt") {
			t.Errorf("removing a member with sub-projects: %d", res.Status)
		}
		for _, org := range []string{strconv.Itoa(a.orgID("0484")), "abc"} {
			if res := owner.post(base+"/medlemmar/"+org+"/ta-bort", nil); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "inte med i projektet") {
				t.Errorf("removing %s, not a member: %d", org, res.Status)
			}
		}
		if n := a.count(`SELECT count(*) FROM security_events WHERE action = 'project.member_remove'`); n != 0 {
			t.Errorf("%d removals logged, none happened", n)
		}
		if a.count(`SELECT count(*) FROM security_events WHERE action LIKE 'project.%'`) < 4 {
			t.Error("set-up changes are not logged")
		}
	})
	t.Run("OnlyTheOwner", func(t *testing.T) {
		other := a.client()
		other.signIn("admin@osby.demo")
		for _, path := range []string{"/k/1273/projekt/within", "/k/1290/projekt/within"} {
			if res := other.get(path); res.Status != http.StatusNotFound {
				t.Errorf("%s for Osby's admin: %d", path, res.Status)
			}
		}
		if res := other.post("/k/1273/projekt/within/mal", url.Values{"planned_participants": {"1"}}); res.Status != http.StatusNotFound {
			t.Errorf("Osby changes Within's targets: %d", res.Status)
		}
	})
}

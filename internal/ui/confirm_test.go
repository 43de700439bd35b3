package ui_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestDestructiveActionsAskOnce: ending an enrolment, cancelling an import,
// removing a person's access, recording a gallringsbeslut, answering a
// project's invitation, withdrawing one and removing an organisation from a
// project each ask once, on a page that works without JavaScript, and change nothing
// until the answer is yes; the answer carries what the form held.
func TestDestructiveActionsAskOnce(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	coordinator, admin, owner := a.client(), a.client(), a.client()
	coordinator.signIn("samordnare@osby.demo")
	admin.signIn("admin@osby.demo")
	owner.signIn("admin@kristianstad.demo")
	pid, eid, _ := a.fixture("1273", "samordnare@osby.demo", "Alva", "Andersson")
	upload := coordinator.upload("kaa-lista.csv", []byte(kaaList))
	if upload.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d", upload.Status)
	}
	falkenberg, eskilstuna, strangnas := strconv.Itoa(a.orgID("1382")), strconv.Itoa(a.orgID("0484")), strconv.Itoa(a.orgID("0486"))
	for _, id := range []string{falkenberg, eskilstuna, strangnas} {
		if res := owner.post("/k/1290/projekt/within/medlemmar", url.Values{"member": {id}}); res.Status != http.StatusSeeOther {
			t.Fatalf("invite %s: %d", id, res.Status)
		}
	}
	joiner, decliner := a.client(), a.client()
	joiner.signIn("admin@falkenberg.demo")
	decliner.signIn("admin@eskilstuna.demo")
	// A refusal shows at once, without a question first.
	res := coordinator.post(fmt.Sprintf("/k/1273/deltagare/%d/inskrivningar/%d/avsluta", pid, eid),
		url.Values{fmt.Sprintf("ends_on_%d", eid): {"2025-01-01"}, fmt.Sprintf("end_reason_%d", eid): {"moved"}, fmt.Sprintf("moved_to_%d", eid): {"2584"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "innan registreringen började") || strings.Contains(res.Body, `data-testid="confirm"`) {
		t.Errorf("an end before the start: %d, want the error at once", res.Status)
	}
	logged := `SELECT (SELECT count(*) FROM audit_events WHERE action = $1) + (SELECT count(*) FROM security_events WHERE action = $1)`
	hidden := regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)

	for _, tc := range []struct {
		name     string
		c        *client
		path     string
		form     url.Values
		question string
		done     string // SQL counting 1 once the action is done
		audited  string // the audit action of the change
	}{
		{"end enrolment", coordinator, fmt.Sprintf("/k/1273/deltagare/%d/inskrivningar/%d/avsluta", pid, eid),
			url.Values{fmt.Sprintf("ends_on_%d", eid): {"2026-11-20"}, fmt.Sprintf("end_reason_%d", eid): {"moved"}, fmt.Sprintf("moved_to_%d", eid): {"2584"}},
			"Avregistrera Alva Andersson ur KAA-registret?", fmt.Sprintf(`SELECT count(*) FROM enrolments WHERE id = %d AND ends_on = '2026-11-20'`, eid), "enrolment.end"},
		{"cancel import", coordinator, upload.Location + "/avbryt", nil,
			"Avbryta importen av kaa-lista.csv?", `SELECT (count(*) = 0)::int FROM imports`, "import.cancel"},
		{"remove access", admin, fmt.Sprintf("/k/1273/anvandare/%d/inaktivera", a.userID("samordnare@osby.demo")), nil,
			"Ta bort Samordnare Osbys behörighet i Osby kommun?", fmt.Sprintf(`SELECT (count(*) = 0)::int FROM memberships m JOIN orgs o ON o.id = m.tenant_id WHERE o.key = '1273' AND m.user_id = %d`, a.userID("samordnare@osby.demo")), "membership.change"},
		{"record gallringsbeslut", admin, "/k/1273/gallring",
			url.Values{"reference": {"BUN 2026/9"}, "decided_on": {"2026-11-20"}, "decided_by": {"Barn- och utbildningsnämnden"}, "kaa_months": {"12"},
				"project_months": {"120"}, "unenrolled_months": {"6"}, "action": {"record"}},
			"Registrera gallringsbeslutet?", `SELECT count(*) FROM retention_decisions p JOIN orgs o ON o.id = p.tenant_id WHERE o.key = '1273' AND p.reference = 'BUN 2026/9' AND p.kaa_months = 12`, "retention.decision"},
		{"accept invitation", joiner, "/k/1382/inbjudningar/within/tacka-ja", nil,
			"Gå med i Within?", `SELECT count(*) FROM project_orgs m JOIN projects p ON p.id = m.project_id WHERE p.key = 'within' AND m.org_id = ` + falkenberg, "project.join"},
		{"decline invitation", decliner, "/k/0484/inbjudningar/within/tacka-nej", nil,
			"Tacka nej till Within?", `SELECT (count(*) = 0)::int FROM project_invitations WHERE org_id = ` + eskilstuna, "project.decline"},
		{"withdraw invitation", owner, "/k/1290/projekt/within/inbjudningar/" + strangnas + "/dra-tillbaka", nil,
			"Dra tillbaka inbjudan till Strängnäs kommun?", `SELECT (count(*) = 0)::int FROM project_invitations WHERE org_id = ` + strangnas, "project.invitation_withdraw"},
		// Falkenberg accepted above.
		{"remove member", owner, "/k/1290/projekt/within/medlemmar/" + falkenberg + "/ta-bort", nil,
			"Ta bort Falkenbergs kommun ur", `SELECT (count(*) = 0)::int FROM project_orgs m JOIN projects p ON p.id = m.project_id WHERE p.key = 'within' AND m.org_id = ` + falkenberg, "project.member_remove"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.c.post(tc.path, tc.form)
			if res.Status != http.StatusOK || !strings.Contains(res.Body, `data-testid="confirm"`) {
				t.Fatalf("the first post did not ask: %d", res.Status)
			}
			if body := html.UnescapeString(res.Body); !strings.Contains(body, tc.question) {
				t.Errorf("the question is not %q", tc.question)
			}
			if a.count(tc.done) != 0 {
				t.Fatal("the action was done before the answer")
			}
			if n := a.count(logged, tc.audited); n != 0 {
				t.Fatalf("%d %s rows logged before the answer", n, tc.audited)
			}
			if strings.Contains(res.Body, "<title>"+tc.question) || strings.Contains(res.Body, "Alva Andersson</title>") {
				t.Error("the question, with its name, is in the page title and so in the browser's history")
			}
			// The answer is the form on the page: the fields it carries, and yes.
			answer := url.Values{}
			for _, m := range hidden.FindAllStringSubmatch(res.Body, -1) {
				answer.Add(m[1], html.UnescapeString(m[2]))
			}
			for k, v := range tc.form {
				if answer.Get(k) != v[0] {
					t.Errorf("the question lost the field %s", k)
				}
			}
			if answer.Get("bekraftat") != "ja" {
				t.Fatal("the answer does not say yes")
			}
			if !strings.Contains(res.Body, `action="`+tc.path+`"`) {
				t.Error("the answer does not go to the same action")
			}
			if res := tc.c.post(tc.path, answer); res.Status != http.StatusSeeOther {
				t.Fatalf("answering yes: %d", res.Status)
			}
			if a.count(tc.done) != 1 {
				t.Error("answering yes did not do it")
			}
			if a.count(logged, tc.audited) == 0 {
				t.Errorf("no %s row logged after the answer", tc.audited)
			}
		})
	}

}

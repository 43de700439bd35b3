package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestSystemAdminReach: the system administrator creates an organisation's
// first administrator, never a second one in passing and never with an
// account of a system administrator; anything more is a break-glass action
// the municipality's own administrators see.
func TestSystemAdminReach(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	sys := a.client()
	sys.signIn("systemadmin@kaa.demo")
	sysID := a.userID("systemadmin@kaa.demo")
	firstAdmin := func(org, email string) url.Values {
		return url.Values{"org": {org}, "admin_name": {"Ny Administratör"}, "admin_email": {email}, "admin_password": {"forsta-losenordet"}}
	}

	t.Run("ErrOwnAccount", func(t *testing.T) {
		// af-sormland has no administrator, so only the address is wrong.
		res := sys.post("/admin/administratorer", firstAdmin("af-sormland", "systemadmin@kaa.demo"))
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "systemadministratör") {
			t.Errorf("the system administrator's own address: %d, want 422 with a message", res.Status)
		}
		if !regexp.MustCompile(`(?s)id="f-admin_email-error"|f-admin_email.*field-error`).MatchString(res.Body) {
			t.Error("the message is not next to the e-mail field")
		}
		sys.post("/admin/administratorer", firstAdmin("1273", "systemadmin@kaa.demo"))
		if n := a.count(`SELECT count(*) FROM memberships WHERE user_id = $1`, sysID); n != 0 {
			t.Errorf("the system administrator holds %d memberships", n)
		}
		if n := a.count(`SELECT count(*) FROM security_events WHERE user_id = $1 AND action = 'membership.refused' AND detail->>'why' = 'system_admin'`, sysID); n != 1 {
			t.Errorf("refusals in the security log: %d, want 1 (Osby refused for having an administrator)", n)
		}
		// And so the system administrator never reads Osby's register extract.
		pid, _, _ := a.fixture("1273", "samordnare@osby.demo", "Ada", "Andersson")
		if res := sys.get(fmt.Sprintf("/k/1273/registerutdrag/%d", pid)); res.Status != http.StatusNotFound {
			t.Errorf("the system administrator reads Osby's register extract: %d", res.Status)
		}
	})

	t.Run("ErrOrganisationHasAdministrator", func(t *testing.T) {
		res := sys.post("/admin/administratorer", firstAdmin("1273", "ny.admin@osby.se"))
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "har redan en administratör") {
			t.Fatalf("a second administrator for Osby: %d, want 422", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM users WHERE email = 'ny.admin@osby.se'`); n != 0 {
			t.Error("an account was created")
		}
		if n := a.count(`SELECT count(*) FROM security_events WHERE user_id = $1 AND action = 'membership.refused' AND detail->>'why' = 'has_admin' AND detail->>'org' = $2`,
			sysID, fmt.Sprint(a.orgID("1273"))); n != 2 {
			t.Errorf("refusals in the security log: %d, want 2 (this one and the system administrator's own address)", n)
		}
	})

	t.Run("OneFirstAdministratorAtOnce", func(t *testing.T) {
		if res := sys.post("/admin/organisationer", url.Values{"kind": {"municipality"}, "key": {"1214"}, "name": {"Svalövs kommun"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("create organisation: %d", res.Status)
		}
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sys.postQuiet("/admin/administratorer", firstAdmin("1214", fmt.Sprintf("forsta%d@svalov.se", i)))
			}()
		}
		wg.Wait()
		if n := a.count(`SELECT count(*) FROM memberships WHERE tenant_id = $1 AND role = 'municipality_admin'`, a.orgID("1214")); n != 1 {
			t.Errorf("%d first administrators, want 1", n)
		}
		if n := a.count(`SELECT count(*) FROM security_events WHERE action = 'admin.first_admin'`); n != 1 {
			t.Errorf("first administrators in the security log: %d, want 1", n)
		}
	})

	bg := func(org, email, reason string) url.Values {
		return url.Values{"bg_org": {org}, "bg_name": {"Nils Nödfall"}, "bg_email": {email}, "bg_password": {"nodfall-losenordet"}, "bg_reason": {reason}}
	}
	reason := "Osbys enda administratör har slutat och kommunchefen bad om en ny i ärende KS 2026/114."

	t.Run("BreakGlass", func(t *testing.T) {
		res := sys.post("/admin/administratorer/nodfall", bg("1273", "nils.nodfall@osby.se", " "))
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Skriv varför") {
			t.Fatalf("without a reason: %d, want 422", res.Status)
		}
		res = sys.post("/admin/administratorer/nodfall", bg("1273", "systemadmin@kaa.demo", reason))
		if res.Status != http.StatusUnprocessableEntity || a.count(`SELECT count(*) FROM memberships WHERE user_id = $1`, sysID) != 0 {
			t.Fatalf("break-glass with the system administrator's own account: %d, want 422 and no membership", res.Status)
		}
		res = sys.post("/admin/administratorer/nodfall", bg("1273", "nils.nodfall@osby.se", reason))
		if res.Status != http.StatusSeeOther {
			t.Fatalf("break-glass: %d", res.Status)
		}
		nils := a.userID("nils.nodfall@osby.se")
		if n := a.count(`SELECT count(*) FROM memberships WHERE tenant_id = $1 AND user_id = $2 AND role = 'municipality_admin'`, a.orgID("1273"), nils); n != 1 {
			t.Error("no administrator was added")
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = 'membership.break_glass' AND user_id = $2 AND record_id = $3 AND detail->>'reason' = $4`,
			a.orgID("1273"), sysID, fmt.Sprint(nils), reason); n != 1 {
			t.Errorf("break-glass rows in Osby's audit log: %d, want 1", n)
		}
		if n := a.count(`SELECT count(*) FROM security_events WHERE user_id = $1 AND action = 'admin.break_glass'`, sysID); n != 1 {
			t.Errorf("break-glass rows in the security log: %d, want 1", n)
		}
		// Osby's own administrator sees who did it, when and why.
		osby := a.client()
		osby.signIn("admin@osby.demo")
		page := osby.get("/k/1273/anvandare").Body
		notice := regexp.MustCompile(`(?s)data-testid="break-glass".*?</section>`).FindString(page)
		for _, want := range []string{"Sam Systemsson", "nils.nodfall@osby.se", reason} {
			if !strings.Contains(notice, want) {
				t.Errorf("the notice on Osby's user page lacks %q", want)
			}
		}
		if !regexp.MustCompile(`\d{4}-\d{2}-\d{2}`).MatchString(notice) {
			t.Error("the notice does not say when")
		}
		if review := osby.get("/k/1273/loggkontroll"); !strings.Contains(review.Body, "i nödfall") {
			t.Error("the access-log review does not name the break-glass action in Swedish")
		}
		// Hörby's administrator sees nothing of it.
		horby := a.client()
		horby.signIn("admin@horby.demo")
		if strings.Contains(horby.get("/k/1266/anvandare").Body, "nils.nodfall") {
			t.Error("Hörby sees Osby's break-glass notice")
		}
	})
}

// TestMunicipalityAdminReach: a municipality administrator acts on accounts
// only within its own organisation and does not learn what an address is
// elsewhere.
func TestMunicipalityAdminReach(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.client()
	admin.signIn("admin@osby.demo")
	osby := a.orgID("1273")

	flashOf := func(email string) string {
		res := admin.post("/k/1273/anvandare", url.Values{"name": {"Vem Som Helst"}, "email": {email}, "password": {"tillfalligt-losen-1"}, "role": {"coordinator"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create %s: %d", email, res.Status)
		}
		page := admin.get("/k/1273/anvandare").Body
		m := regexp.MustCompile(`data-testid="flash">(.*?)</`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no flash after creating %s", email)
		}
		return strings.ReplaceAll(m[1], email, "ADDRESS")
	}

	t.Run("SameAnswerForAnAddressOfAnotherMunicipality", func(t *testing.T) {
		fresh := flashOf("helt.ny@osby.se")
		elsewhere := flashOf("samordnare@horby.demo")
		if fresh != elsewhere {
			t.Errorf("the answer tells an existing account from a new one:\nnew:      %s\nexisting: %s", fresh, elsewhere)
		}
		for _, email := range []string{"helt.ny@osby.se", "samordnare@horby.demo"} {
			if n := a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = 'user.create' AND record_id = $2`, osby, fmt.Sprint(a.userID(email))); n != 1 {
				t.Errorf("Osby's audit log of %s: %d user.create rows, want 1 (the same for both)", email, n)
			}
		}
	})

	t.Run("SessionsElsewhereKeep", func(t *testing.T) {
		// The Hörby coordinator, now also given a role in Osby, works in Hörby.
		h := a.client()
		h.signIn("samordnare@horby.demo")
		id := a.userID("samordnare@horby.demo")
		if res := admin.post(fmt.Sprintf("/k/1273/anvandare/%d/roller", id), url.Values{"role": {"municipality_admin"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("set roles: %d", res.Status)
		}
		if res := admin.post(fmt.Sprintf("/k/1273/anvandare/%d/inaktivera", id), url.Values{"bekraftat": {"ja"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("remove: %d", res.Status)
		}
		if res := h.get("/k/1266/"); res.Status != http.StatusOK {
			t.Errorf("Osby's administrator ended the Hörby coordinator's session in Hörby: %d %q", res.Status, res.Location)
		}
		if res := h.get("/k/1273/"); res.Status != http.StatusNotFound {
			t.Errorf("the removed role still works in Osby: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM users WHERE id = $1 AND active`, id); n != 1 {
			t.Error("the account was deactivated")
		}
	})

	t.Run("OtherRolesAreNotShown", func(t *testing.T) {
		// Fia is a coordinator in Osby and Hörby and a project leader.
		id := a.userID("flera@within.demo")
		for _, page := range []string{admin.get("/k/1273/anvandare").Body, admin.get(fmt.Sprintf("/k/1273/anvandare/%d", id)).Body} {
			for _, other := range []string{"Hörby", "Projektledare", "Within"} {
				if strings.Contains(strings.ReplaceAll(page, "flera@within.demo", ""), other) {
					t.Errorf("Osby's administrator sees %q of a shared account", other)
				}
			}
		}
	})

	t.Run("ForeignAccountIsNotFound", func(t *testing.T) {
		h := a.client()
		h.signIn("admin@horby.demo")
		id := a.userID("admin@horby.demo")
		for _, res := range []response{
			admin.get(fmt.Sprintf("/k/1273/anvandare/%d", id)),
			admin.post(fmt.Sprintf("/k/1273/anvandare/%d/roller", id), url.Values{"role": {"coordinator"}}),
			admin.post(fmt.Sprintf("/k/1273/anvandare/%d/inaktivera", id), url.Values{"bekraftat": {"ja"}}),
			admin.post(fmt.Sprintf("/k/1266/anvandare/%d/inaktivera", id), url.Values{"bekraftat": {"ja"}}),
		} {
			if res.Status != http.StatusNotFound {
				t.Errorf("status %d, want 404", res.Status)
			}
		}
		if res := h.get("/k/1266/anvandare"); res.Status != http.StatusOK {
			t.Errorf("the Hörby admin's session ended: %d", res.Status)
		}
	})

	t.Run("ErrSystemAdministratorsAccount", func(t *testing.T) {
		res := admin.post("/k/1273/anvandare", url.Values{"name": {"Sam"}, "email": {"systemadmin@kaa.demo"}, "password": {"tillfalligt-losen-1"}, "role": {"coordinator"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("the system administrator given a role in Osby: %d, want 422", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM memberships WHERE user_id = $1`, a.userID("systemadmin@kaa.demo")); n != 0 {
			t.Errorf("the system administrator holds %d memberships", n)
		}
		if n := a.count(`SELECT count(*) FROM security_events WHERE user_id = $1 AND action = 'membership.refused'`, a.userID("admin@osby.demo")); n != 1 {
			t.Errorf("the refusal is not in the security log: %d", n)
		}
		// The database refuses it too.
		if _, err := a.db.Owner.Exec(t.Context(), `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'coordinator')`,
			osby, a.userID("systemadmin@kaa.demo")); err == nil {
			t.Error("the database lets a system administrator be a member")
		}
	})
}

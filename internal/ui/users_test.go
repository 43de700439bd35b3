package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

func TestUserAdministration(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.client()
	admin.signIn("admin@osby.demo")
	osby := a.orgID("1273")

	t.Run("ErrInvalid", func(t *testing.T) {
		res := admin.post("/k/1273/anvandare", url.Values{"name": {""}, "email": {"inte-en-adress"}, "password": {"kort"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", res.Status)
		}
		for _, msg := range []string{"Skriv personens namn", "namn@exempel.se", "minst 12 tecken", "Välj minst en roll"} {
			if !strings.Contains(res.Body, msg) {
				t.Errorf("the page lacks the message %q", msg)
			}
		}
		if !strings.Contains(res.Body, `aria-invalid="true"`) {
			t.Error("invalid fields are not marked for assistive technology")
		}
		if n := a.count(`SELECT count(*) FROM users WHERE email = 'inte-en-adress'`); n != 0 {
			t.Error("an invalid user was written")
		}
	})

	newUser := url.Values{"name": {"Nora Ny"}, "email": {"Nora.Ny@Osby.se"}, "password": {"tillfalligt-losen-1"}, "role": {"coordinator"}}
	t.Run("OK", func(t *testing.T) {
		res := admin.post("/k/1273/anvandare", newUser)
		if res.Status != http.StatusSeeOther || res.Location != "/k/1273/anvandare" {
			t.Fatalf("create: %d %q", res.Status, res.Location)
		}
		list := admin.get("/k/1273/anvandare")
		if !strings.Contains(list.Body, "nora.ny@osby.se") || !strings.Contains(list.Body, "nora.ny@osby.se har fått behörighet här") {
			t.Error("the new user or the flash is missing from the list")
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action IN ('user.create', 'membership.change', 'user.list')`, osby); n < 3 {
			t.Errorf("audit rows for create, role change and list: %d", n)
		}
		// The new user must change the temporary password before anything else.
		nora := a.client()
		nora.signInWith("nora.ny@osby.se", "tillfalligt-losen-1")
		if res := nora.get("/k/1273/"); res.Location != "/konto/losenord" {
			t.Fatalf("with a temporary password: %d %q, want the password page", res.Status, res.Location)
		}
		res = nora.post("/konto/losenord", url.Values{"current": {"tillfalligt-losen-1"}, "new": {"noras egna losenord"}, "confirm": {"noras egna losenord"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("change password: %d", res.Status)
		}
		if res := nora.get("/k/1273/"); res.Status != 200 {
			t.Errorf("after changing password: %d", res.Status)
		}
	})

	t.Run("ErrDuplicate", func(t *testing.T) {
		res := admin.post("/k/1273/anvandare", newUser)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "redan behörighet här") {
			t.Errorf("second registration: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM users WHERE email = 'nora.ny@osby.se'`); n != 1 {
			t.Errorf("%d accounts for one address", n)
		}
	})

	t.Run("ExistingAccountOfAnotherMunicipality", func(t *testing.T) {
		res := admin.post("/k/1273/anvandare", url.Values{"name": {"Vem som helst"}, "email": {"samordnare@horby.demo"}, "password": {"spelar-ingen-roll-1"}, "role": {"coordinator"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("status %d", res.Status)
		}
		c := a.client()
		c.signIn("samordnare@horby.demo") // the password did not change
		if res := c.get("/k/1273/"); res.Status != 200 {
			t.Errorf("the Hörby coordinator cannot enter Osby after being given a role: %d", res.Status)
		}
		if res := c.get("/k/1266/"); res.Status != 200 {
			t.Errorf("and lost Hörby: %d", res.Status)
		}
	})

	t.Run("RolesAndDeactivation", func(t *testing.T) {
		nora := a.client()
		nora.signInWith("nora.ny@osby.se", "noras egna losenord")
		id := a.userID("nora.ny@osby.se")
		if res := admin.post(fmt.Sprintf("/k/1273/anvandare/%d/roller", id), url.Values{}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("no roles chosen: %d, want 422", res.Status)
		}
		res := admin.post(fmt.Sprintf("/k/1273/anvandare/%d/roller", id), url.Values{"role": {"coordinator", "municipality_admin", "system_admin"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("set roles: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM memberships WHERE user_id = $1`, id); n != 2 {
			t.Errorf("%d memberships, want 2 (a system role cannot be given here)", n)
		}
		if a.count(`SELECT count(*) FROM users WHERE id = $1 AND is_system_admin`, id) != 0 {
			t.Error("a municipality admin made someone system administrator")
		}
		if res := nora.get("/k/1273/"); res.Location != "/logga-in" {
			t.Errorf("a role change should end the user's sessions: %d", res.Status)
		}
		res = admin.post(fmt.Sprintf("/k/1273/anvandare/%d/inaktivera", id), url.Values{"bekraftat": {"ja"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("deactivate: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM users WHERE id = $1 AND NOT active`, id) != 1 {
			t.Error("an account with no role left anywhere should be deactivated")
		}
		res = a.client().post("/logga-in", url.Values{"email": {"nora.ny@osby.se"}, "password": {"noras egna losenord"}})
		if res.Status != http.StatusUnauthorized {
			t.Errorf("a deactivated user signs in: %d", res.Status)
		}
		// The Hörby coordinator loses Osby but keeps Hörby and stays active.
		horby := a.userID("samordnare@horby.demo")
		admin.post(fmt.Sprintf("/k/1273/anvandare/%d/inaktivera", horby), url.Values{"bekraftat": {"ja"}})
		if a.count(`SELECT count(*) FROM users WHERE id = $1 AND active`, horby) != 1 {
			t.Error("removing Osby's roles deactivated an account that still works in Hörby")
		}
	})

	t.Run("ForeignUserIsNotFound", func(t *testing.T) {
		// A Hörby-only user's id in Osby's URL: not found, and nothing changes.
		id := a.userID("admin@horby.demo")
		for _, res := range []response{
			admin.get(fmt.Sprintf("/k/1273/anvandare/%d", id)),
			admin.post(fmt.Sprintf("/k/1273/anvandare/%d/inaktivera", id), url.Values{"bekraftat": {"ja"}}),
			admin.post(fmt.Sprintf("/k/1273/anvandare/%d/roller", id), url.Values{"role": {"coordinator"}}),
			admin.get("/k/1273/anvandare/abc"),
		} {
			if res.Status != http.StatusNotFound {
				t.Errorf("status %d, want 404", res.Status)
			}
		}
		if n := a.count(`SELECT count(*) FROM memberships WHERE user_id = $1`, id); n != 1 {
			t.Errorf("the Hörby admin's memberships changed: %d", n)
		}
	})
}

func TestSystemAdmin(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("systemadmin@kaa.demo")
	if res := c.get("/"); res.Location != "/admin/" {
		t.Fatalf("start: %q", res.Location)
	}
	if res := c.post("/admin/organisationer", url.Values{"kind": {"municipality"}, "key": {"osby"}, "name": {"Fel"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "fyra siffror") {
		t.Errorf("municipality without kommunkod: %d", res.Status)
	}
	if res := c.post("/admin/organisationer", url.Values{"kind": {"municipality"}, "key": {"1273"}, "name": {"Osby igen"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "finns redan") {
		t.Errorf("duplicate kommunkod: %d", res.Status)
	}
	if res := c.post("/admin/organisationer", url.Values{"kind": {"municipality"}, "key": {"1214"}, "name": {"Svalövs kommun"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("create: %d", res.Status)
	}
	if res := c.post("/admin/administratorer", url.Values{"org": {"1214"}, "admin_name": {"Sara Svalöv"}, "admin_email": {"admin@svalov.se"}, "admin_password": {"forsta-losenordet"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("first admin: %d", res.Status)
	}
	if res := c.get("/admin/"); !strings.Contains(res.Body, "Svalövs kommun") {
		t.Error("the new municipality is not listed")
	}
	s := a.client()
	s.signInWith("admin@svalov.se", "forsta-losenordet")
	s.post("/konto/losenord", url.Values{"current": {"forsta-losenordet"}, "new": {"saras nya losenord"}, "confirm": {"saras nya losenord"}})
	// A new municipality requires two-factor sign-in of everyone who sees
	// personal data, its administrator too: she sets it up first.
	if res := s.get("/k/1214/anvandare"); res.Location != "/konto/tvastegs" {
		t.Errorf("the first admin of a new municipality, before two-factor set-up: %d %q", res.Status, res.Location)
	}
	secret := regexp.MustCompile(`data-testid="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(s.get("/konto/tvastegs").Body)
	if secret == nil {
		t.Fatal("no two-factor set-up page")
	}
	code, _ := totp.GenerateCode(secret[1], time.Now())
	if res := s.post("/konto/tvastegs", url.Values{"code": {code}}); res.Status != 200 {
		t.Fatalf("two-factor set-up: %d", res.Status)
	}
	if res := s.get("/k/1214/anvandare"); res.Status != 200 || !strings.Contains(res.Body, "Sara Svalöv") {
		t.Errorf("the first admin cannot manage the municipality's users: %d", res.Status)
	}
	// The system administrator is not a member and sees no municipality's pages.
	if res := c.get("/k/1214/anvandare"); res.Status != http.StatusNotFound {
		t.Errorf("system admin on a municipality's user list: %d, want 404", res.Status)
	}
}

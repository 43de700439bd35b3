package ui_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/kaa-plattform/kaa/internal/oidctest"
)

// One municipality must not take over an account that also opens another's
// data: not through its own identity provider (it may claim any e-mail
// domain), not through its SCIM token (an address change would send a
// reset link elsewhere), not by resetting the account's second factor.

// Osby's administrator attaches Hörby's administrator as a coordinator and
// connects a provider of her own for the domain horby.demo that says a
// strong method was used: the account is not linked, and Hörby's pages stay
// closed.
func TestTakeoverThroughOwnProviderRefused(t *testing.T) {
	t.Parallel()
	a, keys := idpApp(t)
	enableTOTP(t, a, keys, "admin@horby.demo")
	c := a.client()
	c.signIn("admin@osby.demo")
	c.post("/k/1273/anvandare", url.Values{"name": {"X"}, "email": {"admin@horby.demo"}, "password": {"ett långt lösenord som ingen vet 123"}, "role": {"coordinator"}})
	evil := oidctest.Start(t, oidctest.Options{ACR: "strong"})
	ref := connectIDP(t, a, "1273", "admin@osby.demo", evil, "evil", "horby.demo", "strong", true)
	evil.AddUser("anything", "mallory", "admin@horby.demo", "Mallory")
	v := a.client()
	signInAt(t, v, "/logga-in/oidc/"+ref, evil, "mallory")
	res, err := v.follower().Get(a.srv.URL + "/k/1266/anvandare")
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode == http.StatusOK && res.Request.URL.Path == "/k/1266/anvandare" {
		t.Error("Osby's provider signed in Hörby's administrator and Hörby's user list is open")
	}
	if n := a.count(`SELECT count(*) FROM user_identities WHERE user_id = $1`, a.userID("admin@horby.demo")); n != 0 {
		t.Errorf("Hörby's administrator was linked to Osby's provider (%d links)", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'identity.signin_refused' AND detail->>'reason' = 'roles_elsewhere'`); n != 1 {
		t.Error("the refusal is not in Osby's audit log")
	}
}

// Osby's SCIM token cannot provision, re-address or rename Hörby's
// administrator, and Osby's administrator cannot reset that account's
// second factor.
func TestTakeoverThroughSCIMAndResetRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tok := scimToken(t, a, "1273", "admin@osby.demo")
	st, _, _ := scimCall(t, a, tok, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"admin@horby.demo","active":true}`)
	if st != http.StatusConflict {
		t.Errorf("provisioning another municipality's administrator: %d, want 409", st)
	}
	horby := a.userID("admin@horby.demo")
	if n := a.count(`SELECT count(*) FROM memberships WHERE user_id = $1 AND tenant_id = $2`, horby, a.orgID("1273")); n != 0 {
		t.Error("the refused provisioning left a membership in Osby")
	}
	// Shared by both (as a colleague may be): still not Osby's to re-address.
	if _, err := a.db.Owner.Exec(t.Context(), `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'coordinator')`, a.orgID("1273"), horby); err != nil {
		t.Fatal(err)
	}
	st, _, _ = scimCall(t, a, tok, "PATCH", "/Users/"+strconv.Itoa(horby), `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails[type eq \"work\"].value","value":"mallory@evil.example"}]}`)
	if st == http.StatusOK || a.count(`SELECT count(*) FROM users WHERE email = 'mallory@evil.example'`) != 0 {
		t.Errorf("Osby's token changed the address of an account with roles in Hörby: %d", st)
	}
	c := a.client()
	c.signIn("admin@osby.demo")
	res := c.post("/k/1273/anvandare/"+strconv.Itoa(horby)+"/tvastegs", url.Values{"confirm": {"ja"}})
	if res.Status != http.StatusForbidden || !strings.Contains(res.Body, "annan organisation") {
		t.Errorf("Osby's administrator reset the second factor of an account with roles in Hörby: %d", res.Status)
	}
}

// A leaver whose municipality deactivated the account is not brought back
// by a project role from another organisation's administrator.
func TestProjectRoleDoesNotReviveALeaver(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	leaver := a.userID("samordnare@horby.demo")
	if _, err := a.db.Owner.Exec(t.Context(), `UPDATE users SET active = false, must_change_password = false WHERE id = $1`, leaver); err != nil {
		t.Fatal(err)
	}
	owner := a.client()
	owner.signIn("admin@kristianstad.demo")
	res := owner.post("/k/1290/projekt/within/roller", url.Values{"email": {"samordnare@horby.demo"}, "role": {"evaluator"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "inaktiverat") {
		t.Errorf("a project role for a deactivated account: %d", res.Status)
	}
	if a.count(`SELECT count(*) FROM users WHERE id = $1 AND active`, leaver)+a.count(`SELECT count(*) FROM project_roles WHERE user_id = $1`, leaver) != 0 {
		t.Error("the deactivated account was activated or given the role")
	}
}

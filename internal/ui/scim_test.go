package ui_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// The requests below are Microsoft Entra ID's provisioning client as its
// documentation shows them ("Tutorial: Develop and plan provisioning for a
// SCIM endpoint in Microsoft Entra ID", learn.microsoft.com/entra/identity/
// app-provisioning/use-scim-to-provision-users-and-groups, sections "User
// Operations" and "Compliance with SCIM 2.0"; docs/design/scim.md). The
// "User Operations" bodies are quoted as published.

// entraCreateUser is the doc's "Create User" request.
const entraCreateUser = `{
    "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
    "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@testuser.com",
    "active": true,
    "emails": [{
        "primary": true,
        "type": "work",
        "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"
    }],
    "meta": {
        "resourceType": "User"
    },
    "name": {
        "formatted": "givenName familyName",
        "familyName": "familyName",
        "givenName": "givenName"
    },
    "roles": []
}`

// entraUpdateMultiValued is the doc's "Update User [Multi-valued properties]" request.
const entraUpdateMultiValued = `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [
            {
            "op": "Replace",
            "path": "emails[type eq \"work\"].value",
            "value": "updatedEmail@microsoft.com"
            },
            {
            "op": "Replace",
            "path": "name.familyName",
            "value": "updatedFamilyName"
            }
    ]
}`

// entraUpdateSingleValued is the doc's "Update User [Single-valued properties]" request.
const entraUpdateSingleValued = `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "Replace",
        "path": "userName",
        "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"
    }]
}`

// entraDisableUser is the doc's "Disable User" request.
const entraDisableUser = `{
    "Operations": [
        {
            "op": "Replace",
            "path": "active",
            "value": false
        }
    ],
    "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    ]
}`

// entraEnableUserOld is the shape the doc's "Compliance" section says Entra
// sent before its SCIM fixes (without the feature flag aadOptscim062020):
// the boolean as a string. Built after that description, not quoted.
const entraEnableUserOld = `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "Replace", "path": "active", "value": "True"}]
}`

// entraPatchNoPath is the shape the doc's "Compliance" section describes
// for several attributes replaced in one operation without a path: a value
// object whose keys are attribute paths. The values are ours.
const entraPatchNoPath = `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "replace",
        "value": {
            "displayName": "Ny Namnsson",
            "name.givenName": "Ny"
        }
    }]
}`

// scimToken makes (or rotates) the organisation's token as its
// administrator and reads it off the page, where it is shown once.
func scimToken(t *testing.T, a *app, tenant, adminEmail string) string {
	t.Helper()
	admin := a.client()
	admin.signIn(adminEmail)
	res := admin.post("/k/"+tenant+"/kontohantering", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("make token: %d", res.Status)
	}
	m := regexp.MustCompile(`>(kaa-scim-[^<]+)</textarea>`).FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatal("the new token is not on the page")
	}
	return m[1]
}

// scimCall is one request of the identity provider.
func scimCall(t *testing.T, a *app, token, method, path, body string) (int, map[string]any, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.srv.URL+"/scim/v2"+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%s %s: not JSON: %s", method, path, b)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/scim+json" {
			t.Errorf("%s %s: Content-Type %q", method, path, ct)
		}
	}
	return res.StatusCode, out, res.Header
}

func filterPath(attr, value string) string {
	return "/Users?filter=" + url.QueryEscape(fmt.Sprintf("%s eq %q", attr, value))
}

func TestSCIMEntraLifecycle(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	token := scimToken(t, a, "1273", "admin@osby.demo")
	osby := a.orgID("1273")

	// Entra first asks whether the user exists.
	st, body, _ := scimCall(t, a, token, "GET", filterPath("userName", "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@testuser.com"), "")
	if st != 200 || body["totalResults"] != float64(0) || body["schemas"].([]any)[0] != "urn:ietf:params:scim:api:messages:2.0:ListResponse" {
		t.Fatalf("query before create: %d %v", st, body)
	}
	st, body, hdr := scimCall(t, a, token, "POST", "/Users", entraCreateUser)
	if st != http.StatusCreated {
		t.Fatalf("create: %d %v", st, body)
	}
	id := body["id"].(string)
	if !strings.HasSuffix(hdr.Get("Location"), "/scim/v2/Users/"+id) || body["active"] != true || body["externalId"] != "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef" {
		t.Errorf("create answered Location %q and %v", hdr.Get("Location"), body)
	}
	email := "test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"
	if n := a.count(`SELECT count(*) FROM users u JOIN memberships m ON m.user_id = u.id
		WHERE u.id = $1 AND u.email = $2 AND u.name = 'givenName familyName' AND m.tenant_id = $3 AND m.role = 'coordinator'`, id, email, osby); n != 1 {
		t.Error("the provisioned account is not a coordinator of Osby with the work address")
	}
	if n := a.count(`SELECT count(*) FROM memberships WHERE user_id = $1 AND role = 'municipality_admin'`, id); n != 0 {
		t.Error("SCIM gave the administrator role")
	}

	t.Run("Conflict", func(t *testing.T) {
		st, body, _ := scimCall(t, a, token, "POST", "/Users", entraCreateUser)
		if st != http.StatusConflict || body["scimType"] != "uniqueness" || body["status"] != "409" {
			t.Errorf("second create: %d %v", st, body)
		}
	})
	t.Run("FoundByFilters", func(t *testing.T) {
		for _, f := range [][2]string{{"userName", "test_user_ab6490ee-1e48-479e-a20b-2d77186b5dd1@testuser.com"},
			{"externalId", "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"}, {`emails[type eq "work"].value`, email}} {
			st, body, _ := scimCall(t, a, token, "GET", filterPath(f[0], f[1]), "")
			if st != 200 || body["totalResults"] != float64(1) || body["Resources"].([]any)[0].(map[string]any)["id"] != id {
				t.Errorf("filter %s: %d %v", f[0], st, body)
			}
		}
	})
	t.Run("PatchMultiValued", func(t *testing.T) {
		st, body, _ := scimCall(t, a, token, "PATCH", "/Users/"+id, entraUpdateMultiValued)
		if st != 200 || body["name"].(map[string]any)["familyName"] != "updatedFamilyName" {
			t.Fatalf("patch: %d %v", st, body)
		}
		if a.count(`SELECT count(*) FROM users WHERE id = $1 AND email = 'updatedemail@microsoft.com' AND name = 'givenName updatedFamilyName'`, id) != 1 {
			t.Error("the e-mail address and name did not change")
		}
	})
	t.Run("PatchSingleValued", func(t *testing.T) {
		st, body, _ := scimCall(t, a, token, "PATCH", "/Users/"+id, entraUpdateSingleValued)
		if st != 200 || body["userName"] != "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com" {
			t.Fatalf("patch userName: %d %v", st, body)
		}
	})
	t.Run("PatchWithoutPath", func(t *testing.T) {
		st, body, _ := scimCall(t, a, token, "PATCH", "/Users/"+id, entraPatchNoPath)
		if st != 200 || body["displayName"] != "Ny Namnsson" || body["name"].(map[string]any)["givenName"] != "Ny" {
			t.Fatalf("patch without path: %d %v", st, body)
		}
	})
	t.Run("Put", func(t *testing.T) {
		put := strings.Replace(entraCreateUser, `"formatted": "givenName familyName",`, `"formatted": "Per Persson",`, 1)
		put = strings.Replace(strings.Replace(put, `"givenName": "givenName"`, `"givenName": "Per"`, 1), `"familyName": "familyName"`, `"familyName": "Persson"`, 1)
		st, body, _ := scimCall(t, a, token, "PUT", "/Users/"+id, put)
		if st != 200 || body["displayName"] != "Per Persson" || body["userName"] != "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@testuser.com" {
			t.Fatalf("put: %d %v", st, body)
		}
	})
	t.Run("DisableAndEnable", func(t *testing.T) {
		st, body, _ := scimCall(t, a, token, "PATCH", "/Users/"+id, entraDisableUser)
		if st != 200 || body["active"] != false {
			t.Fatalf("disable: %d %v", st, body)
		}
		if a.count(`SELECT count(*) FROM memberships WHERE user_id = $1`, id) != 0 || a.count(`SELECT count(*) FROM users WHERE id = $1 AND NOT active`, id) != 1 {
			t.Error("a disabled account keeps its role or stays active")
		}
		// Entra still sees the user, inactive.
		if st, body, _ := scimCall(t, a, token, "GET", "/Users/"+id, ""); st != 200 || body["active"] != false {
			t.Errorf("get after disable: %d %v", st, body)
		}
		st, body, _ = scimCall(t, a, token, "PATCH", "/Users/"+id, entraEnableUserOld)
		if st != 200 || body["active"] != true {
			t.Fatalf("enable: %d %v", st, body)
		}
		if a.count(`SELECT count(*) FROM memberships WHERE user_id = $1 AND role = 'coordinator' AND tenant_id = $2`, id, osby) != 1 {
			t.Error("an enabled account did not get the default role back")
		}
	})
	t.Run("Delete", func(t *testing.T) {
		st, _, _ := scimCall(t, a, token, "DELETE", "/Users/"+id, "")
		if st != http.StatusNoContent {
			t.Fatalf("delete: %d", st)
		}
		if st, body, _ := scimCall(t, a, token, "GET", "/Users/"+id, ""); st != 404 || body["status"] != "404" {
			t.Errorf("get after delete: %d %v", st, body)
		}
		if a.count(`SELECT count(*) FROM users WHERE id = $1 AND NOT active AND name = 'Borttagen användare' AND email LIKE 'borttagen-%'`, id) != 1 {
			t.Error("a deleted account with no role anywhere is not anonymised")
		}
	})
	for _, action := range []string{"scim.user_create", "scim.user_update", "scim.user_deactivate", "scim.user_reactivate", "scim.user_delete", "scim.user_read", "scim.user_list"} {
		if a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = $2`, osby, action) == 0 {
			t.Errorf("no %s in Osby's audit log", action)
		}
	}
}

// TestSCIMDeactivationEndsSessions: a coordinator the administrator made by
// hand is found by Entra's query, disabled, and signed out at their next request.
func TestSCIMDeactivationEndsSessions(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	token := scimToken(t, a, "1273", "admin@osby.demo")
	coord := a.client()
	coord.signIn("samordnare@osby.demo")
	if res := coord.get("/k/1273/deltagare"); res.Status != 200 {
		t.Fatalf("before: %d", res.Status)
	}
	st, body, _ := scimCall(t, a, token, "GET", filterPath("userName", "samordnare@osby.demo"), "")
	if st != 200 || body["totalResults"] != float64(1) {
		t.Fatalf("Entra's query does not find the coordinator: %d %v", st, body)
	}
	id := body["Resources"].([]any)[0].(map[string]any)["id"].(string)
	if st, body, _ := scimCall(t, a, token, "PATCH", "/Users/"+id, entraDisableUser); st != 200 {
		t.Fatalf("disable: %d %v", st, body)
	}
	if res := coord.get("/k/1273/deltagare"); res.Location != "/logga-in" {
		t.Errorf("the disabled user's next request: %d %q, want a redirect to sign in", res.Status, res.Location)
	}
	res := a.client().post("/logga-in", url.Values{"email": {"samordnare@osby.demo"}, "password": {"x"}})
	if res.Status == http.StatusSeeOther {
		t.Error("a disabled user signs in")
	}
}

func TestSCIMRefusals(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	osbyToken := scimToken(t, a, "1273", "admin@osby.demo")
	horbyToken := scimToken(t, a, "1266", "admin@horby.demo")
	osby := a.orgID("1273")
	horbyAdmin := fmt.Sprint(a.userID("admin@horby.demo"))
	unchanged := func(t *testing.T) {
		t.Helper()
		if a.count(`SELECT count(*) FROM users u JOIN memberships m ON m.user_id = u.id
			WHERE u.id = $1 AND u.active AND u.name = 'Administratör Hörby' AND m.role = 'municipality_admin'`, horbyAdmin) != 1 {
			t.Error("Hörby's administrator was changed")
		}
	}

	t.Run("OtherOrganisationsUser", func(t *testing.T) {
		for _, m := range []struct{ method, body string }{{"GET", ""}, {"PATCH", entraDisableUser}, {"PUT", entraCreateUser}, {"DELETE", ""}} {
			st, body, _ := scimCall(t, a, osbyToken, m.method, "/Users/"+horbyAdmin, m.body)
			if st != 404 || body["schemas"].([]any)[0] != "urn:ietf:params:scim:api:messages:2.0:Error" {
				t.Errorf("%s another organisation's user: %d %v", m.method, st, body)
			}
		}
		unchanged(t)
		if n := a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = 'scim.user_refused' AND record_id = $2`, osby, horbyAdmin); n != 4 {
			t.Errorf("%d refusals in Osby's audit log, want 4", n)
		}
		st, body, _ := scimCall(t, a, osbyToken, "GET", filterPath("userName", "admin@horby.demo"), "")
		if st != 200 || body["totalResults"] != float64(0) {
			t.Errorf("Osby's query finds Hörby's administrator: %v", body)
		}
		// Hörby's own token reaches it.
		if st, _, _ := scimCall(t, a, horbyToken, "GET", "/Users/"+horbyAdmin, ""); st != 200 {
			t.Errorf("Hörby's token: %d", st)
		}
	})
	t.Run("BadTokens", func(t *testing.T) {
		forged := fmt.Sprintf("kaa-scim-%d-%s", osby, strings.Repeat("A", 43))
		// Hörby's secret with Osby's id: checked against Osby's hash.
		_, secret, _ := strings.Cut(strings.TrimPrefix(horbyToken, "kaa-scim-"), "-")
		swapped := fmt.Sprintf("kaa-scim-%d-%s", osby, secret)
		for _, tok := range []string{"", "nonsense", forged, swapped} {
			st, body, hdr := scimCall(t, a, tok, "PATCH", "/Users/"+horbyAdmin, entraDisableUser)
			if st != 401 || body["status"] != "401" || hdr.Get("WWW-Authenticate") == "" {
				t.Errorf("token %q: %d %v", tok, st, body)
			}
		}
		unchanged(t)
		if n := a.count(`SELECT count(*) FROM security_events WHERE action = 'scim.token_refused'`); n < 4 {
			t.Errorf("%d refused tokens in the security log, want 4", n)
		}
	})
	t.Run("InvalidFilter", func(t *testing.T) {
		for _, f := range []string{`displayName co "Adm"`, `userName eq "a" or userName eq "b"`, `userName sw "a"`, `title pr`} {
			st, body, _ := scimCall(t, a, osbyToken, "GET", "/Users?filter="+url.QueryEscape(f), "")
			if st != 400 || body["scimType"] != "invalidFilter" {
				t.Errorf("filter %q: %d %v", f, st, body)
			}
		}
	})
	t.Run("Paging", func(t *testing.T) {
		_, all, _ := scimCall(t, a, osbyToken, "GET", "/Users?count=1000", "")
		total := int(all["totalResults"].(float64))
		if total < 2 || len(all["Resources"].([]any)) != min(total, 100) {
			t.Fatalf("list: %v", all)
		}
		st, page, _ := scimCall(t, a, osbyToken, "GET", "/Users?startIndex=2&count=1", "")
		if st != 200 || page["startIndex"] != float64(2) || page["itemsPerPage"] != float64(1) ||
			page["Resources"].([]any)[0].(map[string]any)["id"] != all["Resources"].([]any)[1].(map[string]any)["id"] {
			t.Errorf("second page of one: %v", page)
		}
	})
	t.Run("LimitsAndBadBodies", func(t *testing.T) {
		big := `{"userName":"` + strings.Repeat("a", 70<<10) + `@x.se"}`
		if st, _, _ := scimCall(t, a, osbyToken, "POST", "/Users", big); st != http.StatusRequestEntityTooLarge {
			t.Errorf("a large body: %d", st)
		}
		for _, b := range []string{`{`, `{"userName":"inte-en-adress"}`, `{"userName":""}`} {
			if st, body, _ := scimCall(t, a, osbyToken, "POST", "/Users", b); st != 400 || body["scimType"] == nil {
				t.Errorf("POST %s: %d %v", b, st, body)
			}
		}
		if st, body, _ := scimCall(t, a, osbyToken, "PATCH", "/Users/"+fmt.Sprint(a.userID("samordnare@osby.demo")),
			`{"Operations":[{"op":"remove","path":"active"}]}`); st != 400 {
			t.Errorf("removing active: %d %v", st, body)
		}
	})
	t.Run("Revoked", func(t *testing.T) {
		admin := a.client()
		admin.signIn("admin@horby.demo")
		if res := admin.post("/k/1266/kontohantering/ta-bort", nil); res.Status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", res.Status)
		}
		if st, _, _ := scimCall(t, a, horbyToken, "GET", "/Users", ""); st != 401 {
			t.Errorf("a revoked token: %d", st)
		}
	})
}

func TestSCIMDiscovery(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for path, want := range map[string]string{
		"/ServiceProviderConfig": "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig",
		"/Schemas":               "urn:ietf:params:scim:api:messages:2.0:ListResponse",
		"/Schemas/urn:ietf:params:scim:schemas:core:2.0:User": "urn:ietf:params:scim:schemas:core:2.0:Schema",
		"/ResourceTypes":      "urn:ietf:params:scim:api:messages:2.0:ListResponse",
		"/ResourceTypes/User": "urn:ietf:params:scim:schemas:core:2.0:ResourceType",
	} {
		st, body, _ := scimCall(t, a, "", "GET", path, "")
		if st != 200 || body["schemas"].([]any)[0] != want {
			t.Errorf("%s: %d %v", path, st, body)
		}
	}
	_, cfg, _ := scimCall(t, a, "", "GET", "/ServiceProviderConfig", "")
	if cfg["patch"].(map[string]any)["supported"] != true || cfg["bulk"].(map[string]any)["supported"] != false ||
		cfg["filter"].(map[string]any)["maxResults"] != float64(100) {
		t.Errorf("ServiceProviderConfig: %v", cfg)
	}
	if st, _, _ := scimCall(t, a, "", "GET", "/Schemas/urn:okand", ""); st != 404 {
		t.Errorf("an unknown schema: %d", st)
	}
	if st, _, _ := scimCall(t, a, "", "GET", "/Groups", ""); st != 404 {
		t.Errorf("Groups: %d", st)
	}
}

func TestSCIMTokenPage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	coord := a.client()
	coord.signIn("samordnare@osby.demo")
	if res := coord.get("/k/1273/kontohantering"); res.Status != http.StatusForbidden {
		t.Errorf("a coordinator reaches the token page: %d", res.Status)
	}
	token := scimToken(t, a, "1273", "admin@osby.demo")
	admin := a.client()
	admin.signIn("admin@osby.demo")
	page := admin.get("/k/1273/kontohantering")
	if page.Status != 200 || strings.Contains(page.Body, token) || !strings.Contains(page.Body, "/scim/v2") {
		t.Errorf("the page after: %d, shows the token again: %v", page.Status, strings.Contains(page.Body, token))
	}
	if a.count(`SELECT count(*) FROM scim_tokens WHERE token_hash = sha256(convert_to($1, 'UTF8'))`, token) != 1 {
		t.Error("the token's hash is not stored")
	}
	rotated := scimToken(t, a, "1273", "admin@osby.demo")
	if st, _, _ := scimCall(t, a, token, "GET", "/Users", ""); st != 401 {
		t.Errorf("the old token after rotation: %d", st)
	}
	if st, _, _ := scimCall(t, a, rotated, "GET", "/Users", ""); st != 200 {
		t.Errorf("the new token: %d", st)
	}
}

package ui_test

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// uploadUsers posts a list of users to Osby's list page.
func (c *client) uploadUsers(name string, data []byte) response {
	c.a.t.Helper()
	res, err := c.sendFile("/k/1273/anvandare/lista", name, data, nil)
	if err != nil {
		c.a.t.Fatal(err)
	}
	return res
}

var listTokenRe = regexp.MustCompile(`name="lista" value="([^"]*)"`)

func TestBulkUsers(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.client()
	admin.signIn("admin@osby.demo")
	users := func() int { return a.count(`SELECT count(*) FROM users`) }
	audits := func() int { return a.count(`SELECT count(*) FROM audit_events`) }

	t.Run("PreviewThenConfirm", func(t *testing.T) {
		list := "Användare i Osby\n" +
			"E-post;Förnamn;Efternamn;Roll\n" +
			"Anna.Ny@osby.se;Anna;Ny;samordnare\n" +
			"bo.ny@osby.se;Bo;Ny;Samordnare, administratör\n" +
			"samordnare@osby.demo;Finns;Redan;samordnare\n" +
			"inte-en-adress;Cilla;Fel;samordnare\n" +
			"dan@osby.se;Dan;Okänd;läsbehörig\n" +
			"eva@osby.se;Eva;Projekt;projektledare\n" +
			"systemadmin@kaa.demo;Sam;System;samordnare\n"
		beforeUsers, beforeAudit := users(), audits()
		res := admin.uploadUsers("anvandare.csv", []byte(list))
		if res.Status != http.StatusOK {
			t.Fatalf("preview: %d %s", res.Status, res.Body)
		}
		for _, want := range []string{"Får behörighet", "Har redan behörighet här", "Ogiltig e-postadress", "Okänd roll ”läsbehörig”",
			"Rollen projektledare kan inte ges", "Adressen kan inte få behörighet här", "2 personer får"} {
			if !strings.Contains(html.UnescapeString(res.Body), want) {
				t.Errorf("preview lacks %q", want)
			}
		}
		if users() != beforeUsers || audits() != beforeAudit {
			t.Fatal("the preview wrote something")
		}
		m := listTokenRe.FindStringSubmatch(res.Body)
		if m == nil {
			t.Fatal("no confirm form")
		}
		res = admin.post("/k/1273/anvandare/lista/bekrafta", url.Values{"lista": {m[1]}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("confirm: %d %s", res.Status, res.Body)
		}
		if users() != beforeUsers+2 {
			t.Errorf("users: %d new, want 2", users()-beforeUsers)
		}
		if n := a.count(`SELECT count(*) FROM users u JOIN memberships m ON m.user_id = u.id
			WHERE u.email = 'bo.ny@osby.se' AND u.password_hash = '' AND u.must_change_password AND m.role IN ('coordinator', 'municipality_admin')`); n != 2 {
			t.Errorf("bo.ny has %d roles as an invited account, want 2", n)
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'user.create' AND record_id IN
			(SELECT id::text FROM users WHERE email IN ('anna.ny@osby.se', 'bo.ny@osby.se'))`); n != 2 {
			t.Errorf("user.create rows: %d, want 2", n)
		}
		if a.count(`SELECT count(*) FROM audit_events WHERE action = 'user.bulk_create' AND detail->>'created' = '2' AND detail->>'refused' = '4'`) != 1 {
			t.Error("no user.bulk_create row with the counts")
		}
		// Confirming again writes nothing: the list is gone from the session.
		beforeAudit = audits()
		res = admin.post("/k/1273/anvandare/lista/bekrafta", url.Values{"lista": {m[1]}})
		if res.Status != http.StatusUnprocessableEntity || users() != beforeUsers+2 || audits() != beforeAudit {
			t.Errorf("second confirm: %d, users %d", res.Status, users()-beforeUsers)
		}
	})

	t.Run("XLSX", func(t *testing.T) {
		f := excelize.NewFile()
		f.SetSheetRow("Sheet1", "A1", &[]string{"Namn", "E-postadress", "Roller"})
		f.SetSheetRow("Sheet1", "A2", &[]string{"Gun Excel", "gun.excel@osby.se", "KAA-samordnare"})
		var buf bytes.Buffer
		f.WriteTo(&buf)
		res := admin.uploadUsers("lista.xlsx", buf.Bytes())
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "gun.excel@osby.se") || !strings.Contains(res.Body, "Får behörighet") {
			t.Fatalf("xlsx preview: %d", res.Status)
		}
	})

	t.Run("BadFiles", func(t *testing.T) {
		header := "E-post;Förnamn;Efternamn;Roll\n"
		var many strings.Builder
		many.WriteString(header)
		for i := range 2001 {
			many.WriteString("p" + strconv.Itoa(i) + "@osby.se;P;Q;samordnare\n")
		}
		for name, c := range map[string]struct {
			file string
			data []byte
			want string
		}{
			"Empty":          {"tom.csv", nil, "inga rader"},
			"OnlyHeader":     {"rubrik.csv", []byte(header), "bara en rubrikrad"},
			"DuplicateEmail": {"dubbel.csv", []byte(header + "a@osby.se;A;A;samordnare\nb@osby.se;B;B;samordnare\nA@osby.se;A;B;samordnare\n"), "står både på rad 2 och rad 4"},
			"Binary":         {"bild.csv", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), "Filen"},
			"NoRoleColumn":   {"utan.csv", []byte("E-post;Namn\na@osby.se;A A\n"), "saknar kolumnen Roll"},
			"TooMany":        {"stor.csv", []byte(many.String()), "Högst 2"},
			"NoFile":         {"", nil, "Välj en fil"},
		} {
			t.Run(name, func(t *testing.T) {
				before, beforeAudit := users(), audits()
				res := admin.uploadUsers(c.file, c.data) // no file name: no file chosen
				if res.Status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", res.Status)
				}
				if !strings.Contains(html.UnescapeString(res.Body), c.want) {
					t.Errorf("message lacks %q", c.want)
				}
				if users() != before || audits() != beforeAudit {
					t.Error("something was written")
				}
			})
		}
	})

	t.Run("StaleConfirm", func(t *testing.T) {
		// A confirmation names the list it previewed; another list's, or
		// none, writes nothing.
		res := admin.uploadUsers("en.csv", []byte("E-post;Namn;Roll\nny.person@osby.se;Ny Person;samordnare\n"))
		if res.Status != http.StatusOK {
			t.Fatalf("preview: %d", res.Status)
		}
		before, beforeAudit := users(), audits()
		for _, token := range []string{"", "0000000000000000"} {
			if res := admin.post("/k/1273/anvandare/lista/bekrafta", url.Values{"lista": {token}}); res.Status != http.StatusUnprocessableEntity {
				t.Errorf("token %q: %d, want 422", token, res.Status)
			}
		}
		if users() != before || audits() != beforeAudit {
			t.Error("a stale confirmation wrote something")
		}
	})

	t.Run("OnlyAdministrators", func(t *testing.T) {
		coordinator := a.client()
		coordinator.signIn("samordnare@osby.demo")
		if res := coordinator.get("/k/1273/anvandare/lista"); res.Status != http.StatusForbidden {
			t.Errorf("coordinator: %d, want 403", res.Status)
		}
		other := a.client()
		other.signIn("admin@kristianstad.demo")
		if res := other.get("/k/1273/anvandare/lista"); res.Status != http.StatusNotFound {
			t.Errorf("another municipality's admin: %d, want 404", res.Status)
		}
	})
}

func TestProjectRolesInProduct(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	owner := a.client()
	owner.signIn("admin@kristianstad.demo")
	base := "/k/1290/projekt/within/roller"
	res := owner.get(base)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "projektledare@within.demo") {
		t.Fatalf("roles page: %d", res.Status)
	}
	// A coordinator of a member municipality becomes project leader.
	res = owner.post(base, url.Values{"email": {"samordnare@osby.demo"}, "role": {"project_leader"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("grant: %d %s", res.Status, res.Body)
	}
	uid := a.userID("samordnare@osby.demo")
	if a.count(`SELECT count(*) FROM project_roles r JOIN projects p ON p.id = r.project_id WHERE p.key = 'within' AND r.user_id = $1 AND r.role = 'project_leader'`, uid) != 1 {
		t.Fatal("the role was not given")
	}
	if a.count(`SELECT count(*) FROM security_events WHERE action = 'project.role_grant' AND (detail->>'user')::int = $1`, uid) != 1 {
		t.Error("the grant is not in the security log")
	}
	leader := a.client()
	leader.signIn("samordnare@osby.demo")
	if res := leader.get("/p/within/paraply"); res.Status != http.StatusOK {
		t.Errorf("the new project leader sees the umbrella: %d", res.Status)
	}
	// An outside evaluator gets an invited account without a password.
	if res := owner.post(base, url.Values{"email": {"forskare@universitet.se"}, "name": {"Fia Forskare"}, "role": {"evaluator"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("grant evaluator: %d", res.Status)
	}
	if a.count(`SELECT count(*) FROM users u JOIN project_roles r ON r.user_id = u.id WHERE u.email = 'forskare@universitet.se' AND u.password_hash = '' AND r.role = 'evaluator'`) != 1 {
		t.Error("no invited evaluator")
	}

	t.Run("BadInput", func(t *testing.T) {
		before := a.count(`SELECT count(*) FROM project_roles`)
		for name, form := range map[string]url.Values{
			"NoEmail":     {"role": {"evaluator"}},
			"BadEmail":    {"email": {"inte-en-adress"}, "role": {"evaluator"}},
			"TenantRole":  {"email": {"x@osby.se"}, "role": {"municipality_admin"}},
			"SystemAdmin": {"email": {"systemadmin@kaa.demo"}, "role": {"evaluator"}},
			"Twice":       {"email": {"samordnare@osby.demo"}, "role": {"project_leader"}},
		} {
			if res := owner.post(base, form); res.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", name, res.Status)
			}
		}
		if a.count(`SELECT count(*) FROM project_roles`) != before {
			t.Error("a refused grant wrote a role")
		}
	})

	t.Run("NobodyElse", func(t *testing.T) {
		before := a.count(`SELECT count(*) FROM project_roles`)
		// Osby is a member of Within but does not own it.
		member := a.client()
		member.signIn("admin@osby.demo")
		if res := member.get("/k/1273/projekt/within/roller"); res.Status != http.StatusNotFound {
			t.Errorf("member's admin: %d, want 404", res.Status)
		}
		if res := member.post("/k/1273/projekt/within/roller", url.Values{"email": {"admin@osby.demo"}, "role": {"project_leader"}}); res.Status != http.StatusNotFound {
			t.Errorf("member's admin grants: %d, want 404", res.Status)
		}
		if res := member.post("/k/1290/projekt/within/roller", url.Values{"email": {"admin@osby.demo"}, "role": {"project_leader"}}); res.Status != http.StatusNotFound {
			t.Errorf("member's admin in the owner's URL: %d, want 404", res.Status)
		}
		coordinator := a.client()
		coordinator.signIn("samordnare@kristianstad.demo")
		if res := coordinator.post(base, url.Values{"email": {"samordnare@kristianstad.demo"}, "role": {"project_leader"}}); res.Status != http.StatusForbidden {
			t.Errorf("owner's coordinator: %d, want 403", res.Status)
		}
		pl := a.client()
		pl.signIn("projektledare@within.demo")
		if res := pl.post(base, url.Values{"email": {"projektledare@within.demo"}, "role": {"evaluator"}}); res.Status != http.StatusNotFound && res.Status != http.StatusForbidden {
			t.Errorf("project leader: %d, want 404 or 403", res.Status)
		}
		if a.count(`SELECT count(*) FROM project_roles`) != before {
			t.Error("a role was given by someone without the right")
		}
	})

	t.Run("Revoke", func(t *testing.T) {
		eid := a.userID("forskare@universitet.se")
		if res := owner.post(base+"/"+strconv.Itoa(eid)+"/ta-bort", url.Values{"role": {"evaluator"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM users WHERE id = $1 AND NOT active`, eid) != 1 {
			t.Error("an account with no role left is still active")
		}
		if a.count(`SELECT count(*) FROM security_events WHERE action = 'project.role_revoke'`) != 1 {
			t.Error("the revocation is not in the security log")
		}
		if res := owner.post(base+"/"+strconv.Itoa(eid)+"/ta-bort", url.Values{"role": {"evaluator"}}); res.Status != http.StatusNotFound {
			t.Errorf("revoking again: %d, want 404", res.Status)
		}
	})
}

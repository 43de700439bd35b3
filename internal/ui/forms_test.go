package ui_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/ui"
)

// TestUnreadableForms posts, to every POST route of the route table, signed
// in with a role that may post there, a body that is no form (a=%zz) and a
// body larger than any form takes. Each is refused with a Swedish page that
// says nothing was saved (400 and 413), and nothing in the database changed:
// no audit row, no failed sign-in, no record.
func TestUnreadableForms(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	a.db.Owner.Exec(ctx, `INSERT INTO users (email, name, password_hash) VALUES ('extra@osby.demo', 'Extra', 'x')`)
	extra := a.userID("extra@osby.demo")
	a.db.Owner.Exec(ctx, `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'coordinator')`, a.orgID("1273"), extra)
	pid, eid, cid := a.fixture("1273", "samordnare@osby.demo", "Test", "Testsson")
	var iid int64
	if err := a.db.Owner.QueryRow(ctx, `INSERT INTO imports (tenant_id, created_by, filename, content, mapping)
		VALUES ($1, $2, 'lista.csv', '{"header":["personnummer","namn"],"rows":[["20080301-0024","Test Testsson"]],"lines":[2]}', '{"personnummer":0,"name":1}') RETURNING id`,
		a.orgID("1273"), a.userID("samordnare@osby.demo")).Scan(&iid); err != nil {
		t.Fatal(err)
	}
	a.db.Owner.Exec(ctx, `WITH p AS (INSERT INTO projects (key, name, owner_org_id, starts_on, ends_on) VALUES ('osbyprojekt', 'Osbyprojektet', $1, '2026-01-01', '2027-12-31') RETURNING id)
		INSERT INTO project_orgs (project_id, org_id, accepted_at) SELECT id, $1, now() FROM p`, a.orgID("1273"))
	a.db.Owner.Exec(ctx, `INSERT INTO project_invitations (project_id, org_id) SELECT id, $1 FROM projects WHERE key = 'osbyprojekt'`, a.orgID("1266"))
	a.db.Owner.Exec(ctx, `WITH p AS (INSERT INTO projects (key, name, owner_org_id, starts_on, ends_on) VALUES ('inbjudan', 'Inbjudan', $1, '2026-01-01', '2027-12-31') RETURNING id)
		INSERT INTO project_invitations (project_id, org_id) SELECT id, $2 FROM p`, a.orgID("1290"), a.orgID("1273"))
	var provider int64 // an identity provider of Osby's
	if err := a.db.Owner.QueryRow(context.Background(), `INSERT INTO identity_providers (tenant_id, name, issuer, client_id, client_secret)
		VALUES ($1, 'Osby kommuns konto', 'https://idp.invalid', 'kaa', 'kaa1:test:x') RETURNING id`, a.orgID("1273")).Scan(&provider); err != nil {
		t.Fatal(err)
	}
	var sid int64 // a school system of Osby's (its secret is never opened here)
	if err := a.db.Owner.QueryRow(ctx, `INSERT INTO school_systems (tenant_id, name, base_url, token_url, client_id, client_secret)
		VALUES ($1, 'Elevregistret', 'https://s.invalid/v2.0', 'https://s.invalid/token', 'kaa', 'kaa1:test:x') RETURNING id`, a.orgID("1273")).Scan(&sid); err != nil {
		t.Fatal(err)
	}
	path := func(pattern string) string {
		org := a.orgID("1273")
		switch {
		case strings.Contains(pattern, "/inbjudningar/{org}/"):
			org = a.orgID("1266")
		case strings.Contains(pattern, "/inbjudningar/{project}/"):
			pattern = strings.Replace(pattern, "{project}", "inbjudan", 1)
		}
		return strings.NewReplacer("{tenant}", "1273", "{project}", "osbyprojekt", "{user}", strconv.Itoa(extra), "{org}", strconv.Itoa(org),
			"{id}", strconv.FormatInt(pid, 10), "{eid}", strconv.FormatInt(eid, 10), "{cid}", strconv.FormatInt(cid, 10),
			"{fid}", a.followUpOf(pid), "{iid}", strconv.FormatInt(iid, 10), "{nid}", "1", "{sid}", strconv.FormatInt(sid, 10), "{uid}", "1", "{pid}", strconv.FormatInt(provider, 10)).Replace(pattern)
	}
	clients := map[string]*client{"": a.client()}
	as := func(rt ui.Route) *client {
		email := ""
		switch {
		case rt.Scope == ui.System:
			email = "systemadmin@kaa.demo"
		case rt.Scope == ui.Tenant && auth.HasAny(rt.Roles, []auth.Role{auth.Coordinator}):
			email = "samordnare@osby.demo"
		case rt.Scope == ui.Tenant:
			email = "admin@osby.demo"
		case rt.Scope == ui.Project:
			email = "projektledare@within.demo"
		case rt.Scope == ui.SignedIn:
			email = "samordnare@osby.demo"
		}
		if clients[email] == nil {
			clients[email] = a.client()
			clients[email].signIn(email)
		}
		return clients[email]
	}

	posts := 0
	for _, rt := range a.h.Routes() {
		// Signing out reads no form, and always works. The SMS gateway's
		// callbacks answer a machine, not a person (TestSMSSend/CallbackBodies).
		if rt.Method != http.MethodPost || rt.Pattern == "/logga-ut" || strings.HasPrefix(rt.Pattern, "/sms/") {
			continue
		}
		posts++
		t.Run(rt.Pattern, func(t *testing.T) {
			c := as(rt)
			cases := []struct {
				name, body string
				status     int
				heading    string
			}{
				{"NotAForm", "a=%zz&bekraftat=ja", http.StatusBadRequest, "Formuläret kunde inte läsas"},
				{"TooLarge", "bekraftat=ja&a=" + strings.Repeat("x", 150<<10), http.StatusRequestEntityTooLarge, "Formuläret är för stort"},
			}
			for _, tc := range cases {
				// The uploads' own limit (5 MB, its own message) is tested in TestImport.
				if tc.name == "TooLarge" && (strings.HasSuffix(rt.Pattern, "/deltagare/import") || strings.HasSuffix(rt.Pattern, "/anvandare/lista")) {
					continue
				}
				before := tableDigests(t, a)
				res := postBody(t, c, path(rt.Pattern), tc.body)
				if res.Status != tc.status || !strings.Contains(res.Body, tc.heading) || !strings.Contains(res.Body, "ingenting har sparats") {
					t.Errorf("%s: status %d, want %d with %q and that nothing was saved; page:\n%.300s", tc.name, res.Status, tc.status, tc.heading, res.Body)
				}
				after := tableDigests(t, a)
				for table, d := range before {
					if after[table] != d {
						t.Errorf("%s: table %s changed", tc.name, table)
					}
				}
			}
		})
	}
	if posts < 30 {
		t.Errorf("only %d POST routes walked", posts)
	}
}

// postBody posts body as a form exactly as given, broken or not.
func postBody(t *testing.T, c *client, path, body string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.a.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location"), Header: res.Header}
}

// tableDigests is a digest of the content of every table but the sessions.
func tableDigests(t *testing.T, a *app) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := a.db.Owner.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('sessions', 'schema_migrations')`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	out := map[string]string{}
	for _, table := range tables {
		var d string
		if err := a.db.Owner.QueryRow(ctx, `SELECT coalesce(md5(string_agg(t::text, E'\n' ORDER BY t::text)), '') FROM "`+table+`" t`).Scan(&d); err != nil {
			t.Fatal(err)
		}
		out[table] = d
	}
	return out
}

package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/ss12000/ss12000test"
	"github.com/kaa-plattform/kaa/internal/ui"
)

// persona is a demo user and what they hold in Osby (1273) and in Within.
type persona struct {
	email        string
	osbyRoles    []auth.Role
	withinRoles  []auth.Role
	systemAdmin  bool
	foreignTrial bool // a member of another municipality or project only
}

var personas = []persona{
	{email: "samordnare@osby.demo", osbyRoles: []auth.Role{auth.Coordinator}},
	{email: "admin@osby.demo", osbyRoles: []auth.Role{auth.MunicipalityAdmin}},
	{email: "projektledare@within.demo", withinRoles: []auth.Role{auth.ProjectLeader}},
	{email: "utvarderare@within.demo", withinRoles: []auth.Role{auth.Evaluator}},
	{email: "systemadmin@kaa.demo", systemAdmin: true},
	{email: "samordnare@horby.demo", foreignTrial: true},
	{email: "admin@horby.demo", foreignTrial: true},
	{email: "projektledare@klarframtid.demo", foreignTrial: true},
	{email: "flera@within.demo", osbyRoles: []auth.Role{auth.Coordinator}, withinRoles: []auth.Role{auth.ProjectLeader}},
}

// expect returns the status class a persona must get on a route in Osby / Within.
func (p persona) expect(rt ui.Route) string {
	switch rt.Scope {
	case ui.Tenant:
		if len(p.osbyRoles) == 0 {
			return "404"
		}
		if !auth.HasAny(p.osbyRoles, rt.Roles) {
			return "403"
		}
	case ui.Project:
		if len(p.withinRoles) == 0 {
			return "404"
		}
		if !auth.HasAny(p.withinRoles, rt.Roles) {
			return "403"
		}
	case ui.System:
		if !p.systemAdmin {
			return "403"
		}
	}
	return "allowed"
}

func classify(res response) string {
	switch {
	case res.Status == http.StatusSeeOther && res.Location == "/logga-in":
		return "sign-in"
	case res.Status == http.StatusNotFound:
		return "404"
	case res.Status == http.StatusForbidden:
		return "403"
	case res.Status == http.StatusOK, res.Status == http.StatusSeeOther, res.Status == http.StatusMovedPermanently,
		res.Status == http.StatusUnprocessableEntity:
		return "allowed"
	}
	return fmt.Sprintf("status %d", res.Status)
}

// TestRouteTable walks every route with every role, with another
// municipality's users and signed out, and checks the answer.
func TestRouteTable(t *testing.T) {
	t.Parallel()
	// The test's school system is on 127.0.0.1.
	a := newApp(t, func(c *config.Config) { c.SchoolSystemLocalNetwork = true })
	ctx := context.Background()
	// A user of Osby for the {user} routes, so deactivating one harms no persona.
	a.db.Owner.Exec(ctx, `INSERT INTO users (email, name, password_hash) VALUES ('extra@osby.demo', 'Extra', 'x')`)
	extra := a.userID("extra@osby.demo")
	restoreExtra := func() {
		a.db.Owner.Exec(ctx, `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'coordinator') ON CONFLICT DO NOTHING`, a.orgID("1273"), extra)
		a.db.Owner.Exec(ctx, `UPDATE users SET active = true WHERE id = $1`, extra)
	}
	restoreExtra()
	// A participant of Osby with an enrolment and a contact, for the {id}, {eid} and {cid} routes.
	pid, eid, cid := a.fixture("1273", "samordnare@osby.demo", "Test", "Testsson")
	// An upload belongs to the user who made it: give each persona a fresh one.
	importOf := func(email string) string {
		uid := a.userID(email)
		if uid == 0 {
			uid = a.userID("samordnare@osby.demo")
		}
		var id int64
		if err := a.db.Owner.QueryRow(ctx, `INSERT INTO imports (tenant_id, created_by, filename, content, mapping)
			VALUES ($1, $2, 'lista.csv', '{"header":["personnummer","namn"],"rows":[["20080301-0024","Test Testsson"]],"lines":[2]}', '{"personnummer":0,"name":1}') RETURNING id`,
			a.orgID("1273"), uid).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(id, 10)
	}
	// A kept SCB file of Osby under the participant's id, for the {id}/{format} download.
	if _, err := a.db.Owner.Exec(ctx, `INSERT INTO scb_files (tenant_id, id, half_year, spec_version, spec_date, file_name, rows, findings,
		xlsx, xlsx_sha256, text, text_sha256, created_by) OVERRIDING SYSTEM VALUE
		VALUES ($1, $2, '2026-1', '2026-2', '2026-12-01', 'KAA', 0, 0, '', repeat('0', 64), '', repeat('0', 64), $3)`,
		a.orgID("1273"), pid, a.userID("samordnare@osby.demo")); err != nil {
		t.Fatal(err)
	}
	a.db.Owner.Exec(ctx, `SELECT setval(pg_get_serial_sequence('scb_files', 'id'), (SELECT max(id) FROM scb_files))`)
	// A kept ESF monthly file of Osby under the participant's id as well.
	if _, err := a.db.Owner.Exec(ctx, `INSERT INTO esf_files (tenant_id, id, project_id, month, spec_version, file_name, rows, warnings,
		content_sha256, xlsx, xlsx_sha256, created_by) OVERRIDING SYSTEM VALUE
		SELECT $1, $2, min(id), '2026-01-01', '2026-12', 'ESF', 0, 0, repeat('0', 64), '', repeat('0', 64), $3 FROM projects`,
		a.orgID("1273"), pid, a.userID("samordnare@osby.demo")); err != nil {
		t.Fatal(err)
	}
	a.db.Owner.Exec(ctx, `SELECT setval(pg_get_serial_sequence('esf_files', 'id'), (SELECT max(id) FROM esf_files))`)
	who := "" // the persona making the request
	// Someone of Osby's who moved to Hörby, for the move's routes, and a
	// notice Osby received from Hörby, for answering it.
	var moved, nid int64
	if err := a.db.Owner.QueryRow(ctx, `
		WITH p AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
		           VALUES ($1, '200803020023', '2008-03-02', 'Bo', 'Berg') RETURNING id)
		INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason, ends_on, end_reason, moved_to)
		SELECT $1, id, 'kaa', '2026-01-01', 'dropped_out', current_date, 'moved', '1266' FROM p RETURNING participant_id`,
		a.orgID("1273")).Scan(&moved); err != nil {
		t.Fatal(err)
	}
	var aid int64 // a meeting booked for the participant
	if err := a.db.Owner.QueryRow(ctx, `INSERT INTO appointments (tenant_id, participant_id, kind, due_at, responsible, created_by)
		VALUES ($1, $2, 'meeting_school', now() + interval '1 day', $3, $3) RETURNING id`, a.orgID("1273"), pid, a.userID("samordnare@osby.demo")).Scan(&aid); err != nil {
		t.Fatal(err)
	}
	if err := a.db.Owner.QueryRow(ctx, `INSERT INTO move_notices (tenant_id, from_org_id, source_enrolment, personnummer, first_name, last_name, moved_on)
		VALUES ($1, $2, 1, '200804050016', 'Ada', 'Ek', current_date) RETURNING id`, a.orgID("1273"), a.orgID("1266")).Scan(&nid); err != nil {
		t.Fatal(err)
	}
	// A row of Osby's queue "Saknar giltigt personnummer", for resolving it.
	var uid int64
	if err := a.db.Owner.QueryRow(ctx, `INSERT INTO import_unidentified (tenant_id, source, filename, line, number, first_name, last_name, created_by)
		VALUES ($1, 'fil', 'lista.csv', 2, '990101-R123', 'Eva', 'Ek', $2) RETURNING id`, a.orgID("1273"), a.userID("samordnare@osby.demo")).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	// A project Osby owns, for the project owner's set-up routes.
	a.db.Owner.Exec(ctx, `WITH p AS (INSERT INTO projects (key, name, owner_org_id, starts_on, ends_on) VALUES ('osbyprojekt', 'Osbyprojektet', $1, '2026-01-01', '2027-12-31') RETURNING id)
		INSERT INTO project_orgs (project_id, org_id, accepted_at) SELECT id, $1, now() FROM p`, a.orgID("1273"))
	// Hörby invited to it, for withdrawing; and a project of Kristianstad's
	// that invited Osby, for answering.
	a.db.Owner.Exec(ctx, `INSERT INTO project_invitations (project_id, org_id) SELECT id, $1 FROM projects WHERE key = 'osbyprojekt'`, a.orgID("1266"))
	a.db.Owner.Exec(ctx, `WITH p AS (INSERT INTO projects (key, name, owner_org_id, starts_on, ends_on) VALUES ('inbjudan', 'Inbjudan', $1, '2026-01-01', '2027-12-31') RETURNING id)
		INSERT INTO project_invitations (project_id, org_id) SELECT id, $2 FROM p`, a.orgID("1290"), a.orgID("1273"))
	// A school system of Osby's for the {sid} routes, made afresh for each
	// request since removing one is among them.
	school := ss12000test.New(t)
	connect(t, a, school)
	schoolSystem := func() string {
		var id int64
		a.db.Owner.QueryRow(ctx, `INSERT INTO school_systems (tenant_id, name, base_url, token_url, client_id, client_secret)
			SELECT tenant_id, name || ' ' || (SELECT count(*) FROM school_systems), base_url, token_url, client_id, client_secret
			FROM school_systems ORDER BY id LIMIT 1 RETURNING id`).Scan(&id)
		return strconv.FormatInt(id, 10)
	}
	// An identity provider of Osby's for the {pid} routes, afresh for each
	// request as well.
	provider := func() string {
		var id int64
		a.db.Owner.QueryRow(ctx, `INSERT INTO identity_providers (tenant_id, name, issuer, client_id, client_secret)
			VALUES ($1, 'Konto ' || (SELECT count(*) FROM identity_providers), 'https://idp' || (SELECT count(*) FROM identity_providers) || '.invalid', 'kaa', 'kaa1:test:x')
			RETURNING id`, a.orgID("1273")).Scan(&id)
		return strconv.FormatInt(id, 10)
	}
	path := func(pattern string) string {
		if strings.Contains(pattern, "{pid}") {
			pattern = strings.Replace(pattern, "{pid}", provider(), 1)
		}
		if strings.Contains(pattern, "{sid}") {
			pattern = strings.Replace(pattern, "{sid}", schoolSystem(), 1)
		}
		if strings.Contains(pattern, "{iid}") {
			pattern = strings.Replace(pattern, "{iid}", importOf(who), 1)
		}
		if strings.Contains(pattern, "{aid}") { // open again for the next persona
			a.db.Owner.Exec(ctx, `UPDATE appointments SET done_at = NULL, cancelled_at = NULL WHERE id = $1`, aid)
		}
		person := pid
		if strings.Contains(pattern, "/flytt") {
			person = moved
		}
		r := strings.NewReplacer("{tenant}", "1273", "{project}", "osbyprojekt", "{user}", strconv.Itoa(extra), "*", "x",
			"{nid}", strconv.FormatInt(nid, 10), "{uid}", strconv.FormatInt(uid, 10), "{aid}", strconv.FormatInt(aid, 10), "{id}", strconv.FormatInt(person, 10), "{eid}", strconv.FormatInt(eid, 10), "{cid}", strconv.FormatInt(cid, 10),
			"{fid}", a.followUpOf(pid), "{format}", "xlsx", "{table}", "kanaler", "{org}", strconv.Itoa(a.orgID("1273")))
		if strings.Contains(pattern, "/inbjudningar/{org}/") {
			r = strings.NewReplacer("{tenant}", "1273", "{project}", "osbyprojekt", "{org}", strconv.Itoa(a.orgID("1266")))
		} else if strings.Contains(pattern, "/inbjudningar/{project}/") {
			r = strings.NewReplacer("{tenant}", "1273", "{project}", "inbjudan")
		} else if strings.HasPrefix(pattern, "/p/{project}/esf/") {
			r = strings.NewReplacer("{project}", "within", "{table}", "deltagare")
		} else if strings.HasPrefix(pattern, "/p/") {
			r = strings.NewReplacer("{project}", "within", "{table}", "indikatorer")
		}
		return r.Replace(pattern)
	}

	clients := map[string]*client{}
	signedIn := func(p persona) *client {
		c := clients[p.email]
		if c == nil {
			c = a.client()
			c.signIn(p.email)
			clients[p.email] = c
		}
		return c
	}

	routes := a.h.Routes()
	allowedSeen := map[string]bool{}
	for _, rt := range routes {
		name := rt.Method + " " + rt.Pattern
		if rt.Scope == ui.Public {
			continue
		}
		t.Run(name, func(t *testing.T) {
			anon := a.client()
			if got := classify(anon.do(rt.Method, path(rt.Pattern), map[string][]string{}, nil)); got != "sign-in" {
				t.Errorf("signed out: got %s, want sign-in", got)
			}
			for _, p := range personas {
				who = p.email
				c := signedIn(p)
				res := c.do(rt.Method, path(rt.Pattern), map[string][]string{}, nil)
				got, want := classify(res), p.expect(rt)
				if rt.Pattern == "/logga-ut" && got == "sign-in" {
					// Signing out lands on the sign-in page; check that it really ended the session.
					if after := classify(c.get("/")); after != "sign-in" {
						t.Errorf("%s: still signed in after signing out (%s)", p.email, after)
					}
					got = "allowed"
				}
				if got != want {
					t.Errorf("%s: got %s, want %s", p.email, got, want)
				}
				if got == "allowed" {
					allowedSeen[name] = true
				}
				if rt.Pattern == "/logga-ut" && res.Status == http.StatusSeeOther {
					delete(clients, p.email) // signed out: sign in again next time
				}
				restoreExtra()
			}
			// An organisation that does not exist looks like a foreign one.
			if rt.Scope == ui.Tenant {
				c := signedIn(personas[1])
				if got := classify(c.do(rt.Method, strings.Replace(path(rt.Pattern), "/k/1273/", "/k/9999/", 1), map[string][]string{}, nil)); got != "404" {
					t.Errorf("unknown municipality: got %s, want 404", got)
				}
			}
		})
	}
	for _, rt := range routes {
		if rt.Scope != ui.Public && !allowedSeen[rt.Method+" "+rt.Pattern] {
			t.Errorf("%s %s: no persona was let in; the table test does not cover it", rt.Method, rt.Pattern)
		}
	}
	if !slices.ContainsFunc(routes, func(r ui.Route) bool { return r.Scope == ui.Tenant }) {
		t.Fatal("no tenant routes")
	}
}

package ui_test

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kaa-plattform/kaa/internal/db"
)

// TestProjectConsent: a project owner's administrator can only invite an
// organisation. Until one of the invited organisation's own administrators
// accepts, nothing of it reaches the project: not the umbrella, the KAA list,
// the ESF tables or the export, checked both over HTTP and in the database's
// functions; and the database itself refuses a membership nobody accepted.
func TestProjectConsent(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	owner := a.client()
	owner.signIn("admin@kristianstad.demo")
	base := "/k/1290/projekt/within"
	falkenberg := a.orgID("1382")
	fb := strconv.Itoa(falkenberg)
	// Falkenberg has a young person on its KAA list.
	a.fixture("1382", "samordnare@falkenberg.demo", "Hemlig", "Falkensson")
	within := a.count(`SELECT id FROM projects WHERE key = 'within'`)
	member := `SELECT count(*) FROM project_orgs WHERE project_id = $1 AND org_id = $2`

	if res := owner.post(base+"/medlemmar", url.Values{"member": {fb}}); res.Status != http.StatusSeeOther {
		t.Fatalf("invite: %d", res.Status)
	}
	if a.count(member, within, falkenberg) != 0 {
		t.Fatal("inviting Falkenberg made it a member before it said yes")
	}
	if a.count(`SELECT count(*) FROM project_invitations WHERE project_id = $1 AND org_id = $2 AND invited_by = $3`, within, falkenberg, a.userID("admin@kristianstad.demo")) != 1 {
		t.Fatal("no invitation from the owner's administrator waits for Falkenberg")
	}
	if a.count(`SELECT count(*) FROM security_events WHERE action = 'project.member_invite'`) != 1 {
		t.Error("the invitation is not in the security log")
	}
	setup := owner.get(base).Body
	if !strings.Contains(setup, `data-testid="invited"`) || strings.Contains(between(setup, `data-testid="members"`, "</ul>"), "Falkenbergs kommun") {
		t.Error("the set-up page does not show Falkenberg as invited and not yet a member")
	}

	// leader's reads of the project's narrow functions, in the database.
	leader := a.userID("projektledare@within.demo")
	fromFalkenberg := func(t *testing.T) map[string]int {
		t.Helper()
		got := map[string]int{}
		err := db.InGlobal(ctx, a.db.App, leader, func(tx pgx.Tx) error {
			for name, sql := range map[string]string{
				"project_kaa_list":       `SELECT count(*) FROM project_kaa_list($1, current_date) WHERE org_id = $2`,
				"project_indicators":     `SELECT count(*) FROM project_indicators($1, '2000-01-01', '2030-12-31') WHERE org_id = $2`,
				"project_participants":   `SELECT count(*) FROM project_participants($1, '2000-01-01', '2030-12-31') WHERE org_id = $2`,
				"project_esf_indicators": `SELECT count(*) FROM project_esf_indicators($1, '2000-01-01', '2030-12-31') WHERE org_id = $2`,
				"project_export":         `SELECT count(*) FROM project_export($1, NULL, '2000-01-01', '2030-12-31') WHERE org_id = $2`,
			} {
				var n int
				if err := tx.QueryRow(ctx, sql, within, falkenberg).Scan(&n); err != nil {
					return err
				}
				got[name] = n
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	pl := a.client()
	pl.signIn("projektledare@within.demo")

	t.Run("PendingSharesNothing", func(t *testing.T) {
		for name, n := range fromFalkenberg(t) {
			if n != 0 {
				t.Errorf("%s gives the project %d rows of invited Falkenberg", name, n)
			}
		}
		// Falkenberg's coordinator cannot export its people into Within either.
		var n int
		err := db.InGlobal(ctx, a.db.App, a.userID("samordnare@falkenberg.demo"), func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*) FROM project_export($1, $2, '2000-01-01', '2030-12-31')`, within, falkenberg).Scan(&n)
		})
		if err != nil || n != 0 {
			t.Errorf("Falkenberg's own export into Within: %d rows, %v", n, err)
		}
		for _, path := range []string{"/p/within/", "/p/within/paraply", "/p/within/paraply/tabell/kaa-lista", "/p/within/paraply/tabell/indikatorer",
			"/p/within/esf", "/p/within/esf/tabell/deltagare", "/p/within/export?visa=1&k=5&period=12m"} {
			res := pl.get(path)
			if res.Status != 200 {
				t.Errorf("%s: %d", path, res.Status)
			}
			if strings.Contains(res.Body, "Falkenberg") {
				t.Errorf("%s shows invited Falkenberg", path)
			}
		}
		// No sub-project for an organisation that has not joined.
		if res := owner.post(base+"/delprojekt", url.Values{"sub_org": {fb}, "sub_name": {"Within Falkenberg"}}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("a sub-project of invited Falkenberg: %d", res.Status)
		}
	})

	t.Run("TheInvitedAdministratorSeesTheInvitation", func(t *testing.T) {
		admin := a.client()
		admin.signIn("admin@falkenberg.demo")
		home := html.UnescapeString(admin.get("/k/1382/").Body)
		inv := between(home, `data-testid="invitations"`, "</section></section>")
		for _, want := range []string{"Within", "Projektägare Kristianstads kommun", "KAA-lista", "Aldrig namn, personnummer", "/k/1382/inbjudningar/within/tacka-ja", "/k/1382/inbjudningar/within/tacka-nej"} {
			if !strings.Contains(inv, want) {
				t.Errorf("the administrator's start page lacks %q in the invitation", want)
			}
		}
		coordinator := a.client()
		coordinator.signIn("samordnare@falkenberg.demo")
		if strings.Contains(coordinator.get("/k/1382/").Body, `data-testid="invitations"`) {
			t.Error("the coordinator is offered the invitation")
		}
	})

	t.Run("OnlyTheInvitedAdministratorAccepts", func(t *testing.T) {
		yes := url.Values{"bekraftat": {"ja"}}
		for _, tc := range []struct {
			email, path string
			want        int
		}{
			{"samordnare@falkenberg.demo", "/k/1382/inbjudningar/within/tacka-ja", http.StatusForbidden},
			{"admin@kristianstad.demo", "/k/1382/inbjudningar/within/tacka-ja", http.StatusNotFound},
			{"systemadmin@kaa.demo", "/k/1382/inbjudningar/within/tacka-ja", http.StatusNotFound},
			{"projektledare@within.demo", "/k/1382/inbjudningar/within/tacka-ja", http.StatusNotFound},
			{"admin@osby.demo", "/k/1382/inbjudningar/within/tacka-ja", http.StatusNotFound},
			// Osby's own organisation in the URL, but Within invited Falkenberg, not Osby.
			{"admin@osby.demo", "/k/1273/inbjudningar/within/tacka-ja", http.StatusNotFound},
			{"admin@eskilstuna.demo", "/k/0484/inbjudningar/within/tacka-ja", http.StatusNotFound},
			{"admin@falkenberg.demo", "/k/1382/inbjudningar/klarframtid/tacka-ja", http.StatusNotFound},
			{"admin@falkenberg.demo", "/k/1382/inbjudningar/finns-inte/tacka-ja", http.StatusNotFound},
		} {
			c := a.client()
			c.signIn(tc.email)
			if res := c.post(tc.path, yes); res.Status != tc.want {
				t.Errorf("%s posts %s: %d, want %d", tc.email, tc.path, res.Status, tc.want)
			}
		}
		if a.count(member, within, falkenberg) != 0 {
			t.Fatal("someone other than Falkenberg's administrator made it a member")
		}

		// The database refuses a membership nobody of the organisation accepted.
		refused := func(name string, tenant, user, orgID int) {
			t.Helper()
			insert := func(tx pgx.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO project_orgs (project_id, org_id, accepted_at, accepted_by) VALUES ($1, $2, now(), $3)`, within, orgID, user)
				return err
			}
			var err error
			if tenant == 0 {
				err = db.InGlobal(ctx, a.db.App, user, insert)
			} else {
				err = db.InTenant(ctx, a.db.App, tenant, user, func(tx db.Tx) error { return insert(tx) })
			}
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
				t.Errorf("%s: err = %v, want SQLSTATE 42501", name, err)
			}
		}
		refused("the owner's administrator, no organisation set", 0, a.userID("admin@kristianstad.demo"), falkenberg)
		refused("the owner's administrator in the owner's organisation", a.orgID("1290"), a.userID("admin@kristianstad.demo"), falkenberg)
		refused("Falkenberg's coordinator", falkenberg, a.userID("samordnare@falkenberg.demo"), falkenberg)
		refused("the system administrator in Falkenberg", falkenberg, a.userID("systemadmin@kaa.demo"), falkenberg)
		refused("Eskilstuna's administrator, not invited", a.orgID("0484"), a.userID("admin@eskilstuna.demo"), a.orgID("0484"))
		err := db.InGlobal(ctx, a.db.App, 0, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE project_orgs SET accepted_at = now()`)
			return err
		})
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("the serving role changes memberships: err = %v, want SQLSTATE 42501", err)
		}
	})

	t.Run("Accept", func(t *testing.T) {
		admin := a.client()
		admin.signIn("admin@falkenberg.demo")
		path := "/k/1382/inbjudningar/within/tacka-ja"
		res := admin.post(path, nil)
		if body := html.UnescapeString(res.Body); res.Status != 200 || !strings.Contains(body, "Gå med i Within?") || !strings.Contains(body, "Aldrig namn") {
			t.Fatalf("accepting did not ask first: %d", res.Status)
		}
		if a.count(member, within, falkenberg) != 0 {
			t.Fatal("a member before the answer")
		}
		if res := admin.post(path, url.Values{"bekraftat": {"ja"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("accepting: %d", res.Status)
		}
		if a.count(member+` AND accepted_by = $3`, within, falkenberg, a.userID("admin@falkenberg.demo")) != 1 {
			t.Fatal("Falkenberg is not a member accepted by its administrator")
		}
		if a.count(`SELECT count(*) FROM project_invitations WHERE org_id = $1`, falkenberg) != 0 {
			t.Error("the invitation is still waiting")
		}
		if a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = 'project.join' AND record_id = 'within' AND user_id = $2`, falkenberg, a.userID("admin@falkenberg.demo")) != 1 {
			t.Error("the acceptance is not in Falkenberg's audit log")
		}
		// Now, and only now, the project sees Falkenberg's counts.
		if n := fromFalkenberg(t)["project_kaa_list"]; n == 0 {
			t.Error("the accepted member's KAA list does not reach the umbrella")
		}
		if !strings.Contains(pl.get("/p/within/paraply").Body, "Falkenbergs kommun") {
			t.Error("the umbrella does not show the member that accepted")
		}
		if res := owner.post(base+"/delprojekt", url.Values{"sub_org": {fb}, "sub_name": {"Within Falkenberg"}}); res.Status != http.StatusSeeOther {
			t.Errorf("a sub-project of the member: %d", res.Status)
		}
		if res := admin.post(path, url.Values{"bekraftat": {"ja"}}); res.Status != http.StatusNotFound {
			t.Errorf("accepting twice: %d", res.Status)
		}
	})

	t.Run("DeclineAndWithdraw", func(t *testing.T) {
		eskilstuna, strangnas := a.orgID("0484"), a.orgID("0486")
		for _, id := range []int{eskilstuna, strangnas} {
			if res := owner.post(base+"/medlemmar", url.Values{"member": {strconv.Itoa(id)}}); res.Status != http.StatusSeeOther {
				t.Fatalf("invite %d: %d", id, res.Status)
			}
		}
		es := a.client()
		es.signIn("admin@eskilstuna.demo")
		if res := es.post("/k/0484/inbjudningar/within/tacka-nej", nil); res.Status != 200 || !strings.Contains(html.UnescapeString(res.Body), "Tacka nej till Within?") {
			t.Fatalf("declining did not ask first: %d", res.Status)
		}
		if res := es.post("/k/0484/inbjudningar/within/tacka-nej", url.Values{"bekraftat": {"ja"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("declining: %d", res.Status)
		}
		if a.count(member, within, eskilstuna)+a.count(`SELECT count(*) FROM project_invitations WHERE org_id = $1`, eskilstuna) != 0 {
			t.Error("Eskilstuna declined but is a member or still invited")
		}
		if a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = 'project.decline'`, eskilstuna) != 1 {
			t.Error("declining is not in Eskilstuna's audit log")
		}

		withdraw := base + "/inbjudningar/" + strconv.Itoa(strangnas) + "/dra-tillbaka"
		if res := owner.post(withdraw, nil); res.Status != 200 || !strings.Contains(html.UnescapeString(res.Body), "Dra tillbaka inbjudan till Strängnäs kommun?") {
			t.Fatalf("withdrawing did not ask first: %d", res.Status)
		}
		if res := owner.post(withdraw, url.Values{"bekraftat": {"ja"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("withdrawing: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM project_invitations WHERE org_id = $1`, strangnas) != 0 {
			t.Error("the withdrawn invitation is still there")
		}
		if a.count(`SELECT count(*) FROM security_events WHERE action = 'project.invitation_withdraw'`) != 1 {
			t.Error("withdrawing is not in the security log")
		}
		st := a.client()
		st.signIn("admin@strangnas.demo")
		if res := st.post("/k/0486/inbjudningar/within/tacka-ja", url.Values{"bekraftat": {"ja"}}); res.Status != http.StatusNotFound {
			t.Errorf("accepting a withdrawn invitation: %d", res.Status)
		}
		// Nothing to withdraw: a member, an organisation never invited, no number.
		for _, id := range []string{strconv.Itoa(strangnas), strconv.Itoa(falkenberg), strconv.Itoa(a.orgID("1273")), "abc"} {
			if res := owner.post(base+"/inbjudningar/"+id+"/dra-tillbaka", url.Values{"bekraftat": {"ja"}}); res.Status != http.StatusNotFound {
				t.Errorf("withdrawing %s: %d, want 404", id, res.Status)
			}
		}
		// Only the owner withdraws.
		osby := a.client()
		osby.signIn("admin@osby.demo")
		owner.post(base+"/medlemmar", url.Values{"member": {strconv.Itoa(strangnas)}})
		for _, path := range []string{"/k/1273/projekt/within/inbjudningar/" + strconv.Itoa(strangnas) + "/dra-tillbaka", withdraw} {
			if res := osby.post(path, url.Values{"bekraftat": {"ja"}}); res.Status != http.StatusNotFound {
				t.Errorf("Osby's administrator withdraws Within's invitation at %s: %d", path, res.Status)
			}
		}
		if a.count(`SELECT count(*) FROM project_invitations WHERE org_id = $1`, strangnas) != 1 {
			t.Error("someone other than the owner withdrew the invitation")
		}
	})
}

// between returns the part of s from the first start to the next end after it.
func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, end); j >= 0 {
		return s[:j]
	}
	return s
}

package ui_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/personnummer"
)

// person registers, as the owner, young person number n (a distinct
// personnummer) in the register of key, with coordinator (an e-mail, or ""
// for none) responsible, and with an open KAA registration when kaa is set.
func (a *app) person(key, coordinator, last string, n int, kaa bool) int64 {
	a.t.Helper()
	nine := "080301" + fmt.Sprintf("%03d", 100+n)
	pnr := "2008" + nine[2:] + strconv.Itoa(personnummer.CheckDigit(nine))
	var id int64
	err := a.db.Owner.QueryRow(context.Background(), `
		WITH p AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
		           VALUES ($1, $2, '2008-03-01', 'Test', $3) RETURNING id),
		     pc AS (INSERT INTO participant_coordinators (tenant_id, participant_id, user_id) SELECT $1, p.id, u.id FROM p, users u WHERE u.email = $4),
		     e AS (INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason) SELECT $1, id, 'kaa', '2026-01-01', 'dropped_out' FROM p WHERE $5)
		SELECT id FROM p`, a.orgID(key), pnr, last, coordinator, kaa).Scan(&id)
	if err != nil {
		a.t.Fatal(err)
	}
	return id
}

func ids(ns ...int64) []string {
	var out []string
	for _, n := range ns {
		out = append(out, strconv.FormatInt(n, 10))
	}
	return out
}

// audited counts the audit rows of action about participant id.
func (a *app) audited(action string, id int64) int {
	return a.count(`SELECT count(*) FROM audit_events WHERE action = $1 AND record_type = 'participant' AND record_id = $2`, action, strconv.FormatInt(id, 10))
}

// The list shows who is responsible for each row, and "Mina ungdomar" only
// the signed-in coordinator's.
func TestListMineAndAll(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	a.person("1273", "samordnare@osby.demo", "Egen", 1, true)
	a.person("1273", "flera@within.demo", "Annans", 2, true)
	a.person("1273", "", "Ingens", 3, true)

	all := html.UnescapeString(c.get("/k/1273/deltagare").Body)
	for _, want := range []string{"Egen", "Annans", "Ingens", "Samordnare Osby", "Fia Flerroll", `aria-current="page">Alla i kommunen`} {
		if !strings.Contains(all, want) {
			t.Errorf("the whole list lacks %q", want)
		}
	}
	mine := c.get("/k/1273/deltagare?visa=mina")
	if mine.Status != http.StatusOK {
		t.Fatalf("mine: %d", mine.Status)
	}
	if !strings.Contains(mine.Body, "Egen") || strings.Contains(mine.Body, "Annans") || strings.Contains(mine.Body, "Ingens") {
		t.Error("Mina ungdomar shows others than the coordinator's own")
	}
	if !strings.Contains(mine.Body, `aria-current="page">Mina ungdomar`) {
		t.Error("the toggle does not show Mina as current")
	}
	// The status links keep the view.
	if !strings.Contains(mine.Body, `visa=mina`) {
		t.Error("the filters forget the Mina view")
	}
}

func TestBulkAssign(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	p1 := a.person("1273", "samordnare@osby.demo", "Ett", 1, true)
	p2 := a.person("1273", "samordnare@osby.demo", "Tva", 2, true)
	foreign := a.person("1266", "samordnare@horby.demo", "Horby", 3, true)
	fia := strconv.Itoa(a.userID("flera@within.demo"))
	links := func() int { return a.count(`SELECT count(*) FROM participant_coordinators`) }
	before := links()

	refused := func(name string, form url.Values, field string) {
		t.Helper()
		res := c.post("/k/1273/deltagare/markerade/tilldela", form)
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", name, res.Status)
		}
		if !strings.Contains(res.Body, `id="f-`+field+`-error"`) && !strings.Contains(res.Body, `href="#f-`+field+`"`) {
			t.Errorf("%s: no message at %s", name, field)
		}
		if links() != before || a.count(`SELECT count(*) FROM audit_events WHERE action = 'participant.assign'`) != 0 {
			t.Errorf("%s: something was written", name)
		}
	}
	t.Run("ErrNobody", func(t *testing.T) {
		refused("nobody", url.Values{"ansvarig": {fia}, "satt": {"add"}}, "id")
		res := c.post("/k/1273/deltagare/markerade/tilldela", url.Values{"ansvarig": {fia}, "satt": {"add"}})
		if !strings.Contains(html.UnescapeString(res.Body), "Du har inte markerat någon") {
			t.Error("zero people is not said in Swedish")
		}
	})
	t.Run("ErrForeignPerson", func(t *testing.T) {
		refused("foreign id", url.Values{"id": ids(p1, foreign), "ansvarig": {fia}, "satt": {"replace"}}, "id")
		refused("made-up id", url.Values{"id": {strconv.FormatInt(p1, 10), "x"}, "ansvarig": {fia}, "satt": {"add"}}, "id")
	})
	t.Run("ErrForeignCoordinator", func(t *testing.T) {
		refused("Hörby's coordinator", url.Values{"id": ids(p1), "ansvarig": {strconv.Itoa(a.userID("samordnare@horby.demo"))}, "satt": {"add"}}, "ansvarig")
		refused("not a coordinator", url.Values{"id": ids(p1), "ansvarig": {strconv.Itoa(a.userID("admin@osby.demo"))}, "satt": {"add"}}, "ansvarig")
		refused("no coordinator", url.Values{"id": ids(p1), "satt": {"add"}}, "ansvarig")
	})
	t.Run("OK", func(t *testing.T) {
		res := c.post("/k/1273/deltagare/markerade/tilldela", url.Values{"id": ids(p1), "ansvarig": {fia}, "satt": {"add"}, "status": {"identified"}})
		if res.Status != http.StatusSeeOther || res.Location != "/k/1273/deltagare?status=identified" {
			t.Fatalf("add: %d %q", res.Status, res.Location)
		}
		if n := a.count(`SELECT count(*) FROM participant_coordinators WHERE participant_id = $1`, p1); n != 2 {
			t.Errorf("added: %d coordinators, want 2", n)
		}
		// All on the page, replacing: only Fia is left on both.
		res = c.post("/k/1273/deltagare/markerade/tilldela", url.Values{"alla": {"1"}, "sidan": ids(p1, p2), "ansvarig": {fia}, "satt": {"replace"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("replace: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM participant_coordinators WHERE participant_id IN ($1, $2) AND user_id = $3`, p1, p2, a.userID("flera@within.demo")); n != 2 {
			t.Errorf("replaced: %d links to Fia, want 2", n)
		}
		if n := a.count(`SELECT count(*) FROM participant_coordinators WHERE participant_id IN ($1, $2)`, p1, p2); n != 2 {
			t.Errorf("replaced: %d links, want 2", n)
		}
		if a.audited("participant.assign", p1) != 2 || a.audited("participant.assign", p2) != 1 {
			t.Errorf("audit rows per person: %d and %d, want 2 and 1", a.audited("participant.assign", p1), a.audited("participant.assign", p2))
		}
		if body := html.UnescapeString(c.get(res.Location).Body); !strings.Contains(body, "Ansvarig samordnare är ändrad för 2 personer.") {
			t.Error("no message after the assignment")
		}
	})
}

func TestBulkContact(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	p1 := a.person("1273", "samordnare@osby.demo", "Ett", 1, true)
	p2 := a.person("1273", "", "Tva", 2, false)
	foreign := a.person("1266", "samordnare@horby.demo", "Horby", 3, true)
	contacts := func() int { return a.count(`SELECT count(*) FROM contacts`) }
	for name, tc := range map[string]struct {
		form  url.Values
		field string
	}{
		"ErrNobody":        {url.Values{"kanal": {"sms"}}, "id"},
		"ErrForeignPerson": {url.Values{"id": ids(p1, foreign), "kanal": {"sms"}}, "id"},
		"ErrChannel":       {url.Values{"id": ids(p1), "kanal": {"phone"}}, "kanal"},
		"ErrFutureDate":    {url.Values{"id": ids(p1), "kanal": {"letter"}, "datum": {time.Now().AddDate(0, 0, 3).Format("2006-01-02")}}, "datum"},
		"ErrDate":          {url.Values{"id": ids(p1), "kanal": {"letter"}, "datum": {"12/1/2026"}}, "datum"},
		"ErrLongNote":      {url.Values{"id": ids(p1), "kanal": {"sms"}, "notering": {strings.Repeat("a", 201)}}, "notering"},
	} {
		res := c.post("/k/1273/deltagare/markerade/kontakt", tc.form)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `href="#f-`+tc.field+`"`) {
			t.Errorf("%s: %d, want 422 with a message at %s", name, res.Status, tc.field)
		}
		if contacts() != 0 {
			t.Errorf("%s: a contact was written", name)
		}
	}
	day := time.Now().AddDate(0, 0, -2).Format("2006-01-02")
	res := c.post("/k/1273/deltagare/markerade/kontakt", url.Values{"id": ids(p1, p2), "kanal": {"letter"}, "datum": {day}, "notering": {"Inbjudan till öppet hus"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("log: %d", res.Status)
	}
	for _, p := range []int64{p1, p2} {
		if n := a.count(`SELECT count(*) FROM contacts WHERE participant_id = $1 AND channel = 'letter' AND direction = 'outgoing' AND NOT reached
			AND note = 'Inbjudan till öppet hus' AND (occurred_at AT TIME ZONE 'Europe/Stockholm')::date = $2::date`, p, day); n != 1 {
			t.Errorf("person %d: %d letters logged, want 1", p, n)
		}
		if n := a.audited("contact.create", p); n != 1 {
			t.Errorf("person %d: %d audit rows, want 1", p, n)
		}
	}
	a.assertSummary()
}

func TestBulkReason(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	p1 := a.person("1273", "", "Ett", 1, true)
	p2 := a.person("1273", "", "Tva", 2, true)
	none := a.person("1273", "", "Utanregistrering", 3, false)
	foreign := a.person("1266", "", "Horby", 4, true)
	changed := func() int { return a.count(`SELECT count(*) FROM enrolments WHERE registration_reason = 'moved_in'`) }

	res := c.post("/k/1273/deltagare/markerade/orsak", url.Values{"id": ids(p1, none), "ny_orsak": {"moved_in"}})
	if body := html.UnescapeString(res.Body); res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, "Test Utanregistrering") || !strings.Contains(body, "Ingen är ändrad") {
		t.Errorf("someone without a KAA registration: %d, want 422 naming them", res.Status)
	}
	for name, form := range map[string]url.Values{
		"ErrNobody":        {"ny_orsak": {"moved_in"}},
		"ErrForeignPerson": {"id": ids(p1, foreign), "ny_orsak": {"moved_in"}},
		"ErrReason":        {"id": ids(p1), "ny_orsak": {"made_up"}},
	} {
		if res := c.post("/k/1273/deltagare/markerade/orsak", form); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", name, res.Status)
		}
	}
	if changed() != 0 || a.count(`SELECT count(*) FROM audit_events WHERE action = 'enrolment.update'`) != 0 {
		t.Fatal("a refused action changed a reason")
	}
	if res := c.post("/k/1273/deltagare/markerade/orsak", url.Values{"id": ids(p1, p2), "ny_orsak": {"moved_in"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("set: %d", res.Status)
	}
	if changed() != 2 || a.audited("enrolment.update", p1) != 1 || a.audited("enrolment.update", p2) != 1 {
		t.Errorf("%d reasons set, audit %d and %d; want 2, 1 and 1", changed(), a.audited("enrolment.update", p1), a.audited("enrolment.update", p2))
	}
}

func TestHandover(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.client()
	admin.signIn("admin@osby.demo")
	leaver, fia, adminID := a.userID("samordnare@osby.demo"), a.userID("flera@within.demo"), a.userID("admin@osby.demo")
	var people []int64
	for i := range 4 {
		people = append(people, a.person("1273", "samordnare@osby.demo", fmt.Sprintf("Flytt%d", i), i, true))
	}
	others := a.person("1273", "flera@within.demo", "Fias", 9, true)

	coordinator := a.client()
	coordinator.signIn("samordnare@osby.demo")
	if res := coordinator.get("/k/1273/overlamning"); res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
		t.Errorf("a coordinator reaches the handover page: %d", res.Status)
	}
	page := admin.get(fmt.Sprintf("/k/1273/overlamning?fran=%d", leaver))
	if page.Status != http.StatusOK || !strings.Contains(html.UnescapeString(page.Body), "Samordnare Osby är ansvarig för 4 ungdomar.") {
		t.Fatalf("the page does not show the count: %d", page.Status)
	}

	moved := func() int { return a.count(`SELECT count(*) FROM audit_events WHERE action = 'participant.handover'`) }
	base := func() url.Values {
		return url.Values{"fran": {strconv.Itoa(leaver)}, "id": ids(people[0], people[1]), "till": {strconv.Itoa(fia)}, "notering": {"Slutar vid årsskiftet"}}
	}
	for name, tc := range map[string]struct {
		change func(url.Values)
		field  string
	}{
		"ErrNobody":    {func(f url.Values) { f.Del("id") }, "id"},
		"ErrNoTarget":  {func(f url.Values) { f.Del("till") }, "till"},
		"ErrNoNote":    {func(f url.Values) { f.Set("notering", "  ") }, "notering"},
		"ErrLongNote":  {func(f url.Values) { f.Set("notering", strings.Repeat("å", 501)) }, "notering"},
		"ErrNotTheirs": {func(f url.Values) { f.Add("id", strconv.FormatInt(others, 10)) }, "id"},
		"ErrForeignPerson": {func(f url.Values) {
			f.Add("id", strconv.FormatInt(a.person("1266", "samordnare@horby.demo", "Horby", 20, true), 10))
		}, "id"},
		"ErrForeignCoordinator": {func(f url.Values) { f.Set("till", strconv.Itoa(a.userID("samordnare@horby.demo"))) }, "till"},
		"ErrNotCoordinator":     {func(f url.Values) { f.Set("till", strconv.Itoa(adminID)) }, "till"},
		"ErrToSelf":             {func(f url.Values) { f.Set("till", strconv.Itoa(leaver)) }, "till"},
	} {
		form := base()
		tc.change(form)
		res := admin.post("/k/1273/overlamning", form)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `href="#f-`+tc.field+`"`) {
			t.Errorf("%s: %d, want 422 with a message at %s", name, res.Status, tc.field)
		}
		if moved() != 0 || a.count(`SELECT count(*) FROM participant_coordinators WHERE user_id = $1`, leaver) != 4 {
			t.Fatalf("%s: something was moved", name)
		}
	}

	// Two of four to Fia.
	res := admin.post("/k/1273/overlamning", base())
	if res.Status != http.StatusSeeOther || res.Location != fmt.Sprintf("/k/1273/overlamning?fran=%d", leaver) {
		t.Fatalf("handover: %d %q", res.Status, res.Location)
	}
	for _, p := range people[:2] {
		if a.count(`SELECT count(*) FROM participant_coordinators WHERE participant_id = $1 AND user_id = $2`, p, leaver) != 0 ||
			a.count(`SELECT count(*) FROM participant_coordinators WHERE participant_id = $1 AND user_id = $2`, p, fia) != 1 {
			t.Errorf("person %d was not moved to Fia", p)
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'participant.handover' AND record_id = $1
			AND detail ->> 'note' = 'Slutar vid årsskiftet' AND (detail ->> 'from')::int = $2 AND (detail ->> 'to')::int = $3`, strconv.FormatInt(p, 10), leaver, fia); n != 1 {
			t.Errorf("person %d: %d audit rows with the note, want 1", p, n)
		}
	}
	if body := html.UnescapeString(admin.get(res.Location).Body); !strings.Contains(body, "2 ungdomar har fått en ny ansvarig samordnare") || !strings.Contains(body, "är ansvarig för 2 ungdomar") {
		t.Error("the page after the handover does not say what happened and what is left")
	}

	// The rest spread evenly over two: the administrator is made a coordinator too.
	if _, err := a.db.Owner.Exec(context.Background(), `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'coordinator')`, a.orgID("1273"), adminID); err != nil {
		t.Fatal(err)
	}
	form := base()
	form["id"], form["till"] = ids(people[2], people[3]), []string{strconv.Itoa(fia), strconv.Itoa(adminID)}
	if res := admin.post("/k/1273/overlamning", form); res.Status != http.StatusSeeOther {
		t.Fatalf("spread: %d", res.Status)
	}
	if a.count(`SELECT count(*) FROM participant_coordinators WHERE user_id = $1`, leaver) != 0 ||
		a.count(`SELECT count(*) FROM participant_coordinators WHERE user_id = $1`, adminID) != 1 ||
		a.count(`SELECT count(*) FROM participant_coordinators WHERE user_id = $1`, fia) != 4 {
		t.Error("the rest were not spread one each")
	}
	if moved() != 4 {
		t.Errorf("%d handover audit rows, want 4 (one per person)", moved())
	}
}

// Removing the access of a coordinator who still has young people is not
// blocked: the question says so, and the administrator lands on the handover.
func TestDeactivatePointsToHandover(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.client()
	admin.signIn("admin@osby.demo")
	leaver := a.userID("samordnare@osby.demo")
	a.person("1273", "samordnare@osby.demo", "Kvar", 1, true)
	path := fmt.Sprintf("/k/1273/anvandare/%d/inaktivera", leaver)
	if body := html.UnescapeString(admin.post(path, nil).Body); !strings.Contains(body, "ansvarig samordnare för 1 ungdom") {
		t.Error("the question does not say the coordinator still has young people")
	}
	res := admin.post(path, url.Values{"bekraftat": {"ja"}})
	if res.Status != http.StatusSeeOther || res.Location != fmt.Sprintf("/k/1273/overlamning?fran=%d", leaver) {
		t.Fatalf("deactivate: %d %q, want the handover page", res.Status, res.Location)
	}
	body := html.UnescapeString(admin.get(res.Location).Body)
	if !strings.Contains(body, "fortfarande ansvarig samordnare för 1 ungdom") || !strings.Contains(body, "har ingen behörighet längre") || !strings.Contains(body, `data-testid="handover-form"`) {
		t.Error("the handover page does not offer to move the young people of the one who left")
	}
}

package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/auditkey"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

// moveAway registers a young person in Osby and avregistrerar them as moved
// to the municipality with kommunkod to; it returns the person's id.
func moveAway(t *testing.T, a *app, c *client, pnr, first, last, to string) int64 {
	t.Helper()
	id := c.register(newParticipant(pnr, first, last))
	eid := a.count(`SELECT id FROM enrolments WHERE participant_id = $1`, id)
	f := func(k string) string { return fmt.Sprintf("%s_%d", k, eid) }
	res := c.post(fmt.Sprintf("/k/1273/deltagare/%d/inskrivningar/%d/avsluta", id, eid), url.Values{
		f("ends_on"): {time.Now().Format(time.DateOnly)}, f("end_reason"): {"moved"}, f("moved_to"): {to}, "bekraftat": {"ja"}})
	if res.Status != http.StatusSeeOther || !strings.HasSuffix(res.Location, "/flytt") {
		t.Fatalf("avregistrera: %d %s; want on to the move's page", res.Status, res.Location)
	}
	return id
}

func consent(by, on, method string) url.Values {
	return url.Values{"given_by": {by}, "given_on": {on}, "method": {method}}
}

// TestMoveNotice: a notice reaches the new municipality only with recorded
// consent, only if it uses the product and accepts notices; it shows in its
// queue "Inflyttade att registrera", where it is registered or dismissed;
// the sender never reads it back, a third municipality never sees it, and
// each side audits its part in its own log.
func TestMoveNotice(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	osby := a.client()
	osby.signIn("samordnare@osby.demo")
	horby := a.client()
	horby.signIn("samordnare@horby.demo")
	today := time.Now().Format(time.DateOnly)
	id := moveAway(t, a, osby, "080301-0024", "Alva", "Andersson", "1266")
	page := fmt.Sprintf("/k/1273/deltagare/%d", id)
	notices := func(key string) int {
		return a.count(`SELECT count(*) FROM move_notices WHERE tenant_id = $1`, a.orgID(key))
	}
	audited := func(key, action string) int {
		return a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = $2`, a.orgID(key), action)
	}

	t.Run("NoConsentNoNotice", func(t *testing.T) {
		if !strings.Contains(osby.get(page).Body, "Flytt till Hörby: flyttbrev och underrättelse") {
			t.Error("the person page links to the move")
		}
		if res := osby.get(page + "/flytt"); res.Status != http.StatusOK || !strings.Contains(res.Body, "Utan samtycke skickas ingenting") {
			t.Errorf("the move page: %d", res.Status)
		}
		if notices("1266") != 0 || strings.Contains(horby.get("/k/1266/att-gora").Body, "Andersson") {
			t.Error("a notice without consent")
		}
	})
	t.Run("BadConsentIsRefused", func(t *testing.T) {
		future := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
		for msg, v := range map[string]url.Values{
			"Datumet ligger i framtiden":  consent("young_person", future, "oral"),
			"muntligt eller skriftligt":   consent("young_person", today, ""),
			"Välj vem som gav samtycket.": consent("neighbour", today, "written"),
		} {
			res := osby.post(page+"/flytt/samtycke", v)
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, msg) {
				t.Errorf("status %d; want 422 with %q", res.Status, msg)
			}
		}
		if a.count(`SELECT count(*) FROM move_consents`) != 0 || notices("1266") != 0 {
			t.Error("a refused consent was written")
		}
	})
	t.Run("ForeignIDsAreNotFound", func(t *testing.T) {
		other := fmt.Sprintf("/k/1266/deltagare/%d/flytt", id)
		if s := horby.get(other).Status; s != http.StatusNotFound {
			t.Errorf("another municipality's person: %d", s)
		}
		if s := horby.post(other+"/samtycke", consent("young_person", today, "oral")).Status; s != http.StatusNotFound {
			t.Errorf("consent for another municipality's person: %d", s)
		}
		if s := horby.post(other+"/brev", url.Values{"name": {"1"}}).Status; s != http.StatusNotFound {
			t.Errorf("a letter about another municipality's person: %d", s)
		}
		if notices("1266") != 0 {
			t.Error("a notice from a foreign id")
		}
	})
	t.Run("Letter", func(t *testing.T) {
		res := osby.post(page+"/flytt/brev", url.Values{"coordinator": {"1"}, "move_date": {"1"}})
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "Till dig som flyttar") || !strings.Contains(res.Body, "samordnare@osby.demo") ||
			!strings.Contains(res.Body, "Du flyttar till Hörby") {
			t.Fatalf("the letter: %d", res.Status)
		}
		if strings.Contains(res.Body, "Alva") || strings.Contains(res.Body, "080301") || strings.Contains(res.Body, "200803010024") {
			t.Error("the letter holds what the young person did not choose")
		}
		if !strings.Contains(osby.post(page+"/flytt/brev", url.Values{"name": {"1"}}).Body, "Till Alva Andersson") {
			t.Error("the name when chosen")
		}
		if audited("1273", "move.letter") != 2 {
			t.Error("printing a letter is audited")
		}
	})
	t.Run("ConsentSendsNotice", func(t *testing.T) {
		res := osby.post(page+"/flytt/samtycke", consent("young_person", today, "oral"))
		if res.Status != http.StatusSeeOther {
			t.Fatalf("consent: %d", res.Status)
		}
		if body := osby.get(res.Location).Body; !strings.Contains(body, "underrättelsen är skickad") {
			t.Error("the sender is told")
		}
		if notices("1266") != 1 || notices("1273") != 0 {
			t.Fatalf("notices: Hörby %d, Osby %d", notices("1266"), notices("1273"))
		}
		if a.count(`SELECT count(*) FROM move_notices WHERE personnummer = '200803010024' AND first_name = 'Alva' AND moved_on = current_date`) != 1 {
			t.Error("the notice holds name, personnummer and the date of the move")
		}
		if audited("1273", "move.consent") != 1 || audited("1273", "move_notice.send") != 1 || audited("1266", "move_notice.send") != 0 {
			t.Error("consent and sending are audited in the sender's log")
		}
		body := horby.get("/k/1266/att-gora").Body
		if !strings.Contains(body, "Inflyttade att registrera") || !strings.Contains(body, "Andersson, Alva") || !strings.Contains(body, "från Osby kommun") {
			t.Error("the receiver's queue shows the notice")
		}
		if audited("1266", "move_notice.read") != 1 || audited("1273", "move_notice.read") != 0 {
			t.Error("reading is audited in the receiver's log")
		}
		// The arrival is the receiver's event, written in the sender's
		// transaction by send_move_notice, without the sender's user.
		nid := a.count(`SELECT id FROM move_notices WHERE tenant_id = $1`, a.orgID("1266"))
		if a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = 'move_notice.arrive' AND user_id IS NULL
			AND record_type = 'move_notice' AND record_id = $2 AND detail->>'from' = '1273'`, a.orgID("1266"), fmt.Sprint(nid)) != 1 ||
			audited("1273", "move_notice.arrive") != 0 {
			t.Error("the arrival is audited in the receiver's log, and only there")
		}
		if a.count(`SELECT count(*) FROM audit_events WHERE action = 'move_notice.arrive' AND detail::text ~ '2008|Alva|Andersson'`) != 0 {
			t.Error("the arrival's audit row holds personal data")
		}
		checks, err := audit.Verify(context.Background(), a.db.Owner, []auditkey.Key{pgtest.AuditKey}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range checks {
			if c.Broken != "" {
				t.Errorf("the audit chain of %s breaks at %d: %s", c.Key, c.Seq, c.Broken)
			}
		}
		admin := a.client()
		admin.signIn("admin@horby.demo")
		review := admin.get("/k/1266/loggkontroll").Body
		for _, want := range []string{"Tog emot en underrättelse om inflyttad från en annan kommun", "Visade underrättelser om inflyttade", "Systemet"} {
			if !strings.Contains(review, want) {
				t.Errorf("Hörby's loggkontroll lacks %q", want)
			}
		}
		if strings.Contains(admin.get("/k/1266/loggkontroll?handelse=move_notice.arrive").Body, "Välj en händelse i listan") {
			t.Error("the arrival can be chosen in the review's filter")
		}
	})
	t.Run("SenderCannotReadItBack", func(t *testing.T) {
		for _, key := range []string{"1273", "1290"} {
			var n int
			err := db.InTenant(context.Background(), a.db.App, a.orgID(key), 0, func(tx db.Tx) error {
				return tx.QueryRow(context.Background(), `SELECT count(*) FROM move_notices`).Scan(&n)
			})
			if err != nil || n != 0 {
				t.Errorf("%s sees %d notices (%v)", key, n, err)
			}
		}
		third := a.client()
		third.signIn("samordnare@kristianstad.demo")
		if strings.Contains(third.get("/k/1290/att-gora").Body, "Andersson") {
			t.Error("a third municipality sees the notice")
		}
	})
	t.Run("SentOnce", func(t *testing.T) {
		res := osby.post(page+"/flytt/samtycke", consent("guardian", today, "written"))
		if res.Status != http.StatusSeeOther || !strings.Contains(osby.get(res.Location).Body, "redan skickad") || notices("1266") != 1 {
			t.Error("a second consent sends no second notice")
		}
	})
	t.Run("Register", func(t *testing.T) {
		nid := a.count(`SELECT id FROM move_notices`)
		if s := osby.post(fmt.Sprintf("/k/1273/inflyttade/%d/registrera", nid), nil).Status; s != http.StatusNotFound {
			t.Errorf("the sender opens the notice: %d", s)
		}
		res := horby.post(fmt.Sprintf("/k/1266/inflyttade/%d/registrera", nid), nil)
		if res.Status != http.StatusOK || !strings.Contains(res.Body, `value="200803010024"`) || !strings.Contains(res.Body, `value="moved_in" selected`) ||
			!strings.Contains(res.Body, fmt.Sprintf(`name="move_notice" value="%d"`, nid)) {
			t.Fatalf("the new-participant form filled in: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM move_notices WHERE outcome IS NULL`) != 1 || audited("1266", "move_notice.open") != 1 {
			t.Error("opening the form reads the notice, audited, and leaves it open until saved")
		}
		form := newParticipant("080301-0024", "Alva", "Andersson")
		form.Set("registration_reason", "moved_in")
		form.Set("move_notice", fmt.Sprint(nid))
		if res := horby.post("/k/1266/deltagare", form); res.Status != http.StatusSeeOther {
			t.Fatalf("register in Hörby: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM move_notices WHERE outcome = 'registered' AND personnummer = '' AND first_name = ''`) != 1 ||
			audited("1266", "move_notice.register") != 1 {
			t.Error("registering marks the notice handled and empties it, audited")
		}
		if a.count(`SELECT count(*) FROM participants WHERE tenant_id = $1 AND personnummer = '200803010024'`, a.orgID("1266")) != 1 {
			t.Error("the person is in Hörby's register")
		}
		if strings.Contains(horby.get("/k/1266/att-gora").Body, `data-testid="moved-in"`) {
			t.Error("a handled notice stays in the queue")
		}
	})
	t.Run("TurnedOff", func(t *testing.T) {
		admin := a.client()
		admin.signIn("admin@horby.demo")
		if res := admin.post("/k/1266/installningar", url.Values{"no_contact_days": {"30"}, "require_two_factor": {"1"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("settings: %d", res.Status)
		}
		if strings.Contains(admin.get("/k/1266/installningar").Body, `name="accepts_move_notices" value="1" checked`) {
			t.Error("the setting is saved")
		}
		id2 := moveAway(t, a, osby, "080302-0023", "Bo", "Berg", "1266")
		res := osby.post(fmt.Sprintf("/k/1273/deltagare/%d/flytt/samtycke", id2), consent("young_person", today, "oral"))
		if res.Status != http.StatusSeeOther || !strings.Contains(osby.get(res.Location).Body, "Kommunen tar inte emot underrättelser i systemet – ge den unga flyttbrevet") {
			t.Error("the sender is told")
		}
		if notices("1266") != 1 {
			t.Error("a notice to a municipality that turned them off")
		}
	})
	t.Run("NotAUser", func(t *testing.T) {
		id3 := moveAway(t, a, osby, "080303-0022", "Cid", "Ek", "2584")
		res := osby.post(fmt.Sprintf("/k/1273/deltagare/%d/flytt/samtycke", id3), consent("young_person", today, "oral"))
		if res.Status != http.StatusSeeOther || !strings.Contains(osby.get(res.Location).Body, "ge den unga flyttbrevet") {
			t.Error("the sender is told")
		}
		if a.count(`SELECT count(*) FROM move_notices`) != 1 {
			t.Error("a notice without a receiver")
		}
	})
	t.Run("Dismiss", func(t *testing.T) {
		hl := a.client()
		hl.signIn("samordnare@hassleholm.demo")
		id4 := moveAway(t, a, osby, "080304-0021", "Dan", "Falk", "1293")
		osby.post(fmt.Sprintf("/k/1273/deltagare/%d/flytt/samtycke", id4), consent("young_person", today, "written"))
		nid := a.count(`SELECT id FROM move_notices WHERE tenant_id = $1`, a.orgID("1293"))
		path := fmt.Sprintf("/k/1293/inflyttade/%d/avfarda", nid)
		field := fmt.Sprintf("dismiss_reason_%d", nid)
		if res := hl.post(path, url.Values{field: {" "}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="f-`+field+`-error"`) {
			t.Errorf("dismiss without a reason: %d", res.Status)
		}
		if res := hl.post(path, url.Values{field: {"Redan registrerad"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("dismiss: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM move_notices WHERE id = $1 AND outcome = 'dismissed' AND personnummer = ''`, nid) != 1 || audited("1293", "move_notice.dismiss") != 1 {
			t.Error("dismissed, audited")
		}
	})
}

// TestJourneyMove: in the demo, a coordinator in Osby avregistrerar two
// young people who have moved to Hörby, records the consent of one of them
// and prints the other a letter; Hörby's coordinator finds the first, and
// only the first, in "Inflyttade att registrera" and registers her.
func TestJourneyMove(t *testing.T) {
	t.Parallel()
	a, k := desktopJourney(t)
	dir := shots(t)
	base := a.srv.URL
	osby := a.orgID("1273")
	// Two people of Osby on the KAA list, whose latest KAA enrolment is open.
	open := func(skip int64) (int64, string) {
		var id int64
		var name string
		err := a.db.Owner.QueryRow(context.Background(), `
			SELECT p.id, p.last_name || ', ' || p.first_name FROM participants p
			JOIN enrolments e ON e.tenant_id = p.tenant_id AND e.participant_id = p.id AND e.kind = 'kaa' AND e.ends_on IS NULL
			WHERE p.tenant_id = $1 AND p.id <> $2 AND p.erased_on IS NULL
			  AND NOT EXISTS (SELECT 1 FROM participants q WHERE q.tenant_id = p.tenant_id AND q.id <> p.id AND q.last_name = p.last_name AND q.first_name = p.first_name)
			  AND NOT EXISTS (SELECT 1 FROM participants q WHERE q.personnummer = p.personnummer AND q.tenant_id <> p.tenant_id)
			ORDER BY p.id LIMIT 1`, osby, skip).Scan(&id, &name)
		if err != nil {
			t.Fatal(err)
		}
		return id, name
	}
	withConsent, name1 := open(0)
	without, name2 := open(withConsent)
	avregistrera := func(id int64) {
		t.Helper()
		k.goTo(fmt.Sprintf("%s/k/1273/deltagare/%d", base, id))
		k.open(`details:has(form[action$="/avsluta"]) > summary`)
		k.choose(`select[id^="f-end_reason_"]`, "Flyttat till annan kommun")
		k.choose(`select[id^="f-moved_to_"]`, "Hörby")
		k.press(`form[action$="/avsluta"] button`, chromedp.WaitVisible(chromedp.CSS(`[data-testid="confirm"]`)))
		k.press(`[data-testid="confirm"] button.danger`, nil)
		k.waitText(".flash", "Avregistreringen är sparad.")
	}

	k.signIn(base, "samordnare@osby.demo", seed.DemoPassword)
	avregistrera(withConsent) // and on to the move's page
	snap(t, k.ctx, dir, "flytt-1-sidan")
	k.pick("given_by", "young_person")
	k.pick("method", "oral")
	k.press(`form[action$="/flytt/samtycke"] button`, nil)
	k.waitText(".flash", "underrättelsen är skickad")

	avregistrera(without)
	k.goTo(fmt.Sprintf("%s/k/1273/deltagare/%d", base, without))
	k.press(`[data-testid="move-link"] a`, chromedp.WaitVisible(chromedp.CSS(`form[action$="/flytt/brev"]`)))
	k.check("#f-move_date")
	k.check("#f-coordinator")
	k.press(`form[action$="/flytt/brev"] button`, chromedp.WaitVisible(chromedp.CSS(`[data-testid="move-letter"]`)))
	k.waitText(`[data-testid="move-letter"]`, "Du flyttar till Hörby")
	auditPage(t, k.ctx, "the letter")
	snap(t, k.ctx, dir, "flytt-2-brev")
	k.signOut()

	k.signIn(base, "samordnare@horby.demo", seed.DemoPassword)
	k.goTo(base + "/k/1266/att-gora")
	k.waitText(`[data-testid="queue-moved_in_to_register"]`, name1)
	auditPage(t, k.ctx, "Att göra with a notice")
	snap(t, k.ctx, dir, "flytt-3-inflyttade")
	if q := k.text(`[data-testid="queue-moved_in_to_register"]`); strings.Contains(q, name2) {
		t.Errorf("a notice without consent: %s", q)
	}
	if n := a.count(`SELECT count(*) FROM move_notices WHERE tenant_id = $1`, a.orgID("1266")); n != 1 {
		t.Errorf("%d notices in Hörby, want 1", n)
	}
	k.press(`[data-testid="moved-in"] form[action$="/registrera"] button`, chromedp.WaitVisible(chromedp.CSS(`#f-personnummer`)))
	if v, _ := chromedp.Run(k.ctx, chromedp.Evaluate[string](`document.querySelector('#f-registration_reason').value`)); v != "moved_in" {
		t.Errorf("the registration reason: %q", v)
	}
}

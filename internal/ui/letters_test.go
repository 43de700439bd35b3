package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// youngPerson registers, as the owner, a person born on birth with an
// address in the organisation with key and returns their id.
func (a *app) youngPerson(key, pnr, birth, first, last string) int64 {
	a.t.Helper()
	var id int64
	err := a.db.Owner.QueryRow(context.Background(), `
		INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, street, postal_code, city)
		VALUES ($1, $2, $3, $4, $5, 'Storgatan 3', '283 31', 'Osby') RETURNING id`, a.orgID(key), pnr, birth, first, last).Scan(&id)
	if err != nil {
		a.t.Fatal(err)
	}
	return id
}

// TestContactParty: who a contact was with is saved, shown on the person
// page and in a contact's history, kept by an amendment, and only a contact
// with the young person can reach them (the form says so with 422 and
// writes nothing).
func TestContactParty(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	pid, _, _ := a.fixture("1273", "samordnare@osby.demo", "Pia", "Partsson")
	base := fmt.Sprintf("/k/1273/deltagare/%d", pid)
	contacts := `SELECT count(*) FROM contacts WHERE participant_id = $1`
	form := func(party, reached string) url.Values {
		return url.Values{"channel": {"phone"}, "direction": {"outgoing"}, "reached": {reached}, "party": {party}, "note": {"Pratade med mamma"}}
	}

	t.Run("GuardianSavedAndShown", func(t *testing.T) {
		if res := c.post(base+"/kontakter", form("guardian", "no")); res.Status != http.StatusSeeOther {
			t.Fatalf("status %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM contacts WHERE participant_id = $1 AND party = 'guardian' AND NOT reached`, pid); n != 1 {
			t.Fatalf("%d guardian contacts", n)
		}
		if n := a.count(`SELECT count(*) FROM participants WHERE id = $1 AND NOT ever_reached AND first_reached_at IS NULL`, pid); n != 1 {
			t.Error("a contact with a guardian counted as reaching the young person")
		}
		page := c.get(base)
		if !strings.Contains(page.Body, "Telefonsamtal</strong>, utgående, med vårdnadshavare, nådde inte fram") {
			t.Error("the timeline does not say the contact was with a guardian")
		}
		if !strings.Contains(page.Body, `name="party" value="young_person" checked`) {
			t.Error("the fresh form does not start at the young person")
		}
	})

	for name, bad := range map[string]struct {
		form url.Values
		says string
	}{
		"ErrReachedGuardian": {form("guardian", "yes"), "Bara en kontakt med den unga själv räknas"},
		"ErrUnknownParty":    {form("mamma", "no"), "Välj vem du hade kontakt med."},
	} {
		t.Run(name, func(t *testing.T) {
			before := a.count(contacts, pid)
			res := c.post(base+"/kontakter", bad.form)
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, bad.says) {
				t.Fatalf("status %d", res.Status)
			}
			if a.count(contacts, pid) != before {
				t.Error("a refused contact was written")
			}
		})
	}

	t.Run("NoPartyIsTheYoungPerson", func(t *testing.T) {
		res := c.post(base+"/kontakter", url.Values{"channel": {"sms"}, "direction": {"outgoing"}, "reached": {"yes"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("status %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM participants WHERE id = $1 AND ever_reached`, pid); n != 1 {
			t.Error("a reached contact with the young person did not reach them")
		}
	})

	t.Run("AmendmentKeepsParty", func(t *testing.T) {
		cid := a.count(`SELECT id FROM contacts WHERE participant_id = $1 AND party = 'guardian'`, pid)
		other := a.client()
		other.signIn("flera@within.demo")
		res := other.post(fmt.Sprintf("%s/kontakter/%d", base, cid), url.Values{"channel": {"phone"}, "direction": {"outgoing"},
			"reached": {"no"}, "party": {"school"}, "reason": {"Det var mentorn, inte mamma"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("status %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM contacts c JOIN contact_amendments x ON x.contact_id = c.id
			WHERE c.id = $1 AND c.party = 'guardian' AND x.party = 'school'`, cid); n != 1 {
			t.Error("the amendment did not keep its party beside the original's")
		}
		if n := a.count(`SELECT count(*) FROM contacts_effective WHERE id = $1 AND party = 'school'`, cid); n != 1 {
			t.Error("the contact does not read with the amended party")
		}
		hist := other.get(fmt.Sprintf("%s/kontakter/%d", base, cid))
		if !strings.Contains(hist.Body, "med vårdnadshavare") || !strings.Contains(hist.Body, "med skolan") {
			t.Error("the history does not show both parties")
		}
		// The database keeps the original: its party cannot change once amended.
		if _, err := a.db.Owner.Exec(context.Background(), `UPDATE contacts SET party = 'other_actor' WHERE id = $1`, cid); err == nil {
			t.Error("the party of an amended original changed")
		}
	})
	a.assertSummary()
}

// TestAccountPhone: a user sets their own phone on Mina kontaktuppgifter; a
// number that is not Swedish is refused with 422 and nothing written.
func TestAccountPhone(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	uid := a.userID("samordnare@osby.demo")
	phone := func() string {
		var p string
		a.db.Owner.QueryRow(context.Background(), `SELECT phone FROM users WHERE id = $1`, uid).Scan(&p)
		return p
	}
	if res := c.get("/konto/kontaktuppgifter"); res.Status != http.StatusOK || !strings.Contains(res.Body, "samordnare@osby.demo") {
		t.Fatalf("page: status %d", res.Status)
	}
	for _, bad := range []string{"abc", "12345", "070-123", "+1 555 123 4567", "070 123 45 67 89 10", "0070-1234567"} {
		res := c.post("/konto/kontaktuppgifter", url.Values{"phone": {bad}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Skriv ett svenskt telefonnummer") {
			t.Errorf("%q: status %d", bad, res.Status)
		}
		if phone() != "" {
			t.Fatalf("%q was written", bad)
		}
	}
	for _, good := range []string{"044-13 50 00", "070-123 45 67", "+46 (0)44 13 50 00", "08-123 456 78"} {
		if res := c.post("/konto/kontaktuppgifter", url.Values{"phone": {" " + good + " "}}); res.Status != http.StatusSeeOther {
			t.Errorf("%q: status %d", good, res.Status)
		}
		if phone() != good {
			t.Errorf("stored %q, want %q", phone(), good)
		}
	}
	if n := a.count(`SELECT count(*) FROM security_events WHERE user_id = $1 AND action = 'user.phone_changed'`, uid); n != 4 {
		t.Errorf("%d phone changes in the security log, want 4", n)
	}
	if res := c.post("/konto/kontaktuppgifter", url.Values{"phone": {""}}); res.Status != http.StatusSeeOther || phone() != "" {
		t.Error("the phone could not be removed")
	}
}

// TestLetters: choosing, previewing and printing letters. Printing logs
// exactly one letter contact and one audit event; a letter to a guardian is
// refused from 18 (422, nothing written); a meeting needs its date, time and
// place; another municipality's person is not found and nothing is written.
func TestLetters(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	if res := c.post("/konto/kontaktuppgifter", url.Values{"phone": {"0479-52 81 00"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("phone: status %d", res.Status)
	}
	adult, _, _ := a.fixture("1273", "samordnare@osby.demo", "Vuxen", "Artonsson") // born 2008-03-01
	minor := a.youngPerson("1273", "201006010003", "2010-06-01", "Mini", "Minorsson")
	osby := a.orgID("1273")
	letters := `SELECT count(*) FROM contacts WHERE participant_id = $1 AND channel = 'letter'`
	events := `SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND at > $2::timestamptz`
	var since string
	mark := func() { a.db.Owner.QueryRow(context.Background(), `SELECT clock_timestamp()::text`).Scan(&since) }

	t.Run("PageOffersGuardianLetterOnlyUnder18", func(t *testing.T) {
		res := c.get(fmt.Sprintf("/k/1273/deltagare/%d/brev", adult))
		if res.Status != http.StatusOK || strings.Contains(res.Body, `value="guardian"`) || !strings.Contains(res.Body, "har fyllt 18 år") {
			t.Errorf("adult: status %d, guardian letter offered or not explained", res.Status)
		}
		res = c.get(fmt.Sprintf("/k/1273/deltagare/%d/brev", minor))
		if res.Status != http.StatusOK || !strings.Contains(res.Body, `value="guardian"`) {
			t.Errorf("minor: status %d, no guardian letter", res.Status)
		}
	})

	t.Run("PreviewWritesNoContact", func(t *testing.T) {
		q := url.Values{"letter": {"meeting"}, "meeting_date": {day(7)}, "meeting_time": {"14:30"}, "meeting_place": {"Ungdomens hus, Storgatan 3"}}
		res := c.get(fmt.Sprintf("/k/1273/deltagare/%d/brev?%s", minor, q.Encode()))
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "Ungdomens hus, Storgatan 3") || !strings.Contains(res.Body, "0479-52 81 00") {
			t.Errorf("status %d, the preview lacks the merged meeting or phone", res.Status)
		}
		if a.count(letters, minor) != 0 {
			t.Error("a preview logged a contact")
		}
	})

	t.Run("PrintLogsOneContactAndOneEvent", func(t *testing.T) {
		mark()
		res := c.post(fmt.Sprintf("/k/1273/deltagare/%d/brev", adult), url.Values{"letter": {"first"}})
		if res.Status != http.StatusOK {
			t.Fatalf("status %d", res.Status)
		}
		for _, want := range []string{"Osby kommun", "Hej Vuxen!", "Kommunens aktivitetsansvar betyder", "frivilligt", "Ring mig på 0479-52 81 00", "samordnare@osby.demo", "Samordnare Osby"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("the letter lacks %q", want)
			}
		}
		if n := a.count(`SELECT count(*) FROM contacts WHERE participant_id = $1 AND channel = 'letter' AND direction = 'outgoing'
			AND party = 'young_person' AND NOT reached AND note = 'Första brev'`, adult); n != 1 {
			t.Errorf("%d letter contacts, want 1", n)
		}
		if n := a.count(events, osby, since); n != 1 {
			t.Errorf("%d audit events, want 1", n)
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND at > $2::timestamptz AND action = 'letter.print'
			AND record_id = $3 AND detail->>'letter' = 'first'`, osby, since, fmt.Sprint(adult)); n != 1 {
			t.Error("the audit event is not letter.print of this person")
		}
	})

	t.Run("ErrGuardianLetterAt18", func(t *testing.T) {
		mark()
		before := a.count(letters, adult)
		res := c.post(fmt.Sprintf("/k/1273/deltagare/%d/brev", adult), url.Values{"letter": {"guardian"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "bara när den unga är under 18 år") {
			t.Fatalf("status %d", res.Status)
		}
		if a.count(letters, adult) != before {
			t.Error("a refused letter was logged")
		}
		if n := a.count(events+` AND action = 'letter.print'`, osby, since); n != 0 {
			t.Error("a refused letter was audited as printed")
		}
	})

	t.Run("GuardianLetterUnder18", func(t *testing.T) {
		res := c.post(fmt.Sprintf("/k/1273/deltagare/%d/brev", minor), url.Values{"letter": {"guardian"}})
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "Till vårdnadshavare för") || !strings.Contains(res.Body, "Mini Minorsson") {
			t.Fatalf("status %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM contacts WHERE participant_id = $1 AND channel = 'letter' AND party = 'guardian' AND note = 'Brev till vårdnadshavare'`, minor); n != 1 {
			t.Errorf("%d guardian letter contacts", n)
		}
	})

	t.Run("ErrMeetingIncomplete", func(t *testing.T) {
		before := a.count(letters, minor)
		for name, form := range map[string]url.Values{
			"meeting_place": {"letter": {"meeting"}, "meeting_date": {day(3)}, "meeting_time": {"10:00"}},
			"meeting_date":  {"letter": {"meeting"}, "meeting_date": {day(-1)}, "meeting_time": {"10:00"}, "meeting_place": {"Biblioteket"}},
			"meeting_time":  {"letter": {"meeting"}, "meeting_date": {day(3)}, "meeting_time": {"tio"}, "meeting_place": {"Biblioteket"}},
			"letter":        {"letter": {"brev"}},
		} {
			res := c.post(fmt.Sprintf("/k/1273/deltagare/%d/brev", minor), form)
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="f-`+name+`-error"`) && !strings.Contains(res.Body, `id="f-`+name+`"`) {
				t.Errorf("%s: status %d", name, res.Status)
			}
		}
		if a.count(letters, minor) != before {
			t.Error("a refused letter was logged")
		}
	})

	t.Run("ErrForeignTenant", func(t *testing.T) {
		foreign, _, _ := a.fixture("1382", "samordnare@falkenberg.demo", "Annan", "Kommunsson")
		mark()
		for _, method := range []string{"GET", "POST"} {
			res := c.do(method, fmt.Sprintf("/k/1273/deltagare/%d/brev", foreign), url.Values{"letter": {"first"}}, nil)
			if res.Status != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", method, res.Status)
			}
		}
		if a.count(letters, foreign) != 0 || a.count(`SELECT count(*) FROM audit_events WHERE at > $1::timestamptz AND action = 'letter.print'`, since) != 0 {
			t.Error("a letter to another municipality's person was written")
		}
	})

	t.Run("PlanPrintNamesCoordinators", func(t *testing.T) {
		res := c.get(fmt.Sprintf("/k/1273/deltagare/%d/plan/utskrift", adult))
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "Din kontaktperson") || !strings.Contains(res.Body, "Samordnare Osby") || !strings.Contains(res.Body, "0479-52 81 00") {
			t.Errorf("status %d: the plan does not say how to reach the signed-in coordinator", res.Status)
		}
		if _, err := a.db.Owner.Exec(context.Background(), `INSERT INTO participant_coordinators (tenant_id, participant_id, user_id) VALUES ($1, $2, $3)`,
			osby, adult, a.userID("flera@within.demo")); err != nil {
			t.Fatal(err)
		}
		res = c.get(fmt.Sprintf("/k/1273/deltagare/%d/plan/utskrift", adult))
		if !strings.Contains(res.Body, "Fia Flerroll") || !strings.Contains(res.Body, "flera@within.demo") || strings.Contains(res.Body, "0479-52 81 00") {
			t.Error("the plan does not name the responsible coordinator instead of the signed-in user")
		}
	})
}

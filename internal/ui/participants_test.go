package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/personnummer"
	"github.com/kaa-plattform/kaa/internal/ui"
)

func newParticipant(pnr, first, last string) url.Values {
	return url.Values{"personnummer": {pnr}, "first_name": {first}, "last_name": {last}, "gender": {"woman"},
		"mobile": {"070-123 45 67"}, "upper_secondary": {"dropped_out"}, "source": {"school_dropout_notice"},
		"enrol": {"kaa"}, "registration_reason": {"dropped_out"}}
}

var idInLocation = regexp.MustCompile(`/deltagare/(\d+)$`)

// register creates a participant through the form and returns its id.
func (c *client) register(form url.Values) int64 {
	c.a.t.Helper()
	return c.registerIn("1273", form)
}

func TestParticipantRegister(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	osby := a.orgID("1273")

	t.Run("OK", func(t *testing.T) {
		id := c.register(newParticipant("080301-0024", "Alva", "Andersson"))
		page := c.get(fmt.Sprintf("/k/1273/deltagare/%d", id))
		for _, want := range []string{"Alva Andersson", "20080301-0024", "Identifierad", "KAA-registret", "fyller 20 den 1 mars 2028", "+46" + "", "Samordnare Osby"} {
			if want != "+46" && !strings.Contains(page.Body, want) {
				t.Errorf("the participant page lacks %q", want)
			}
		}
		if n := a.count(`SELECT count(*) FROM participants WHERE tenant_id = $1 AND personnummer = '200803010024'`, osby); n != 1 {
			t.Errorf("%d rows stored", n)
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action IN ('participant.create', 'enrolment.start', 'participant.read') AND record_id = $2`, osby, strconv.FormatInt(id, 10)); n < 3 {
			t.Errorf("audit rows for create, enrol and read: %d", n)
		}
	})

	t.Run("ErrDuplicatePersonnummerLeadsToExisting", func(t *testing.T) {
		first := a.count(`SELECT id FROM participants WHERE personnummer = '200803010024'`)
		// The same person written another way.
		res := c.post("/k/1273/deltagare", newParticipant("200803010024", "Alva", "Annat Namn"))
		if res.Status != http.StatusSeeOther || res.Location != fmt.Sprintf("/k/1273/deltagare/%d", first) {
			t.Fatalf("second registration: %d %q, want the existing record", res.Status, res.Location)
		}
		if n := a.count(`SELECT count(*) FROM participants WHERE personnummer = '200803010024'`); n != 1 {
			t.Errorf("%d records for one person", n)
		}
		if page := c.get(res.Location); !strings.Contains(page.Body, "finns redan i registret") {
			t.Error("no message that the person already exists")
		}
	})

	t.Run("ErrInvalidInput", func(t *testing.T) {
		before := a.count(`SELECT count(*) FROM participants`)
		for name, tc := range map[string]struct {
			change   map[string]string
			field    string
			fragment string
		}{
			"CheckDigit":       {map[string]string{"personnummer": "20080301-0025"}, "personnummer", "kontrollsiffran"},
			"FutureBirth":      {map[string]string{"personnummer": "20300101-0002"}, "personnummer", "framtiden"},
			"Serial000":        {map[string]string{"personnummer": "20080301-0008"}, "personnummer", "kan inte vara 000"},
			"MissingName":      {map[string]string{"first_name": ""}, "first_name", "förnamn"},
			"FutureIdentified": {map[string]string{"identified_on": time.Now().AddDate(0, 0, 3).Format("2006-01-02")}, "identified_on", "framtiden"},
			"PostalCode":       {map[string]string{"postal_code": "1234"}, "postal_code", "fem siffror"},
			"TooOldForKAA":     {map[string]string{"personnummer": "19991231-9994"}, "enrol", "fyllt 20"},
		} {
			t.Run(name, func(t *testing.T) {
				form := newParticipant("070615-1230", "Bo", "Berg")
				for k, v := range tc.change {
					form.Set(k, v)
				}
				res := c.post("/k/1273/deltagare", form)
				if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, tc.fragment) {
					t.Errorf("status %d, message %q shown: %v", res.Status, tc.fragment, strings.Contains(res.Body, tc.fragment))
				}
				if !strings.Contains(res.Body, `id="f-`+tc.field+`-error"`) && !strings.Contains(res.Body, `href="#f-`+tc.field+`"`) {
					t.Errorf("the message is not next to the field %s", tc.field)
				}
			})
		}
		if after := a.count(`SELECT count(*) FROM participants`); after != before {
			t.Errorf("invalid forms wrote %d participants", after-before)
		}
	})

	t.Run("Edit", func(t *testing.T) {
		id := a.count(`SELECT id FROM participants WHERE personnummer = '200803010024'`)
		form := newParticipant("080301-0024", "Alva", "Bergström")
		form.Set("coordinator", strconv.Itoa(a.userID("samordnare@osby.demo")))
		res := c.post(fmt.Sprintf("/k/1273/deltagare/%d", id), form)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d", res.Status)
		}
		if page := c.get(res.Location); !strings.Contains(page.Body, "Alva Bergström") {
			t.Error("the new name is not shown")
		}
		other := c.register(newParticipant("070615-1230", "Bo", "Berg"))
		res = c.post(fmt.Sprintf("/k/1273/deltagare/%d", other), newParticipant("20080301-0024", "Bo", "Berg"))
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "En annan person") {
			t.Errorf("taking another person's personnummer: %d", res.Status)
		}
	})
}

func TestParticipantSearchAndList(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	c.register(newParticipant("080301-0024", "Alva", "Andersson"))
	c.register(newParticipant("070615-1230", "Bo", "Berg"))
	samordning := newParticipant("080361-0021", "Cecilia", "Ceder")
	samordning.Del("enrol")
	c.register(samordning)

	search := func(q string, filters url.Values) string {
		form := url.Values{"q": {q}}
		for k, v := range filters {
			form[k] = v
		}
		res := c.post("/k/1273/deltagare/sok", form)
		if res.Status != 200 {
			t.Fatalf("search %q: %d", q, res.Status)
		}
		return res.Body
	}
	for q, want := range map[string]string{
		"080301-0024": "Andersson", "200803010024": "Andersson", "0803010024": "Andersson", "20080301-0024": "Andersson",
		"ander": "Andersson", "ALVA": "Andersson", "berg": "Berg", "0706151230": "Berg", "080361": "Ceder", "ceci ced": "Ceder",
	} {
		body := search(q, nil)
		if !strings.Contains(body, want) {
			t.Errorf("search %q does not find %s", q, want)
		}
		if m := regexp.MustCompile(`(\d+) deltagare`).FindStringSubmatch(body); m == nil || m[1] != "1" {
			t.Errorf("search %q: %v hits, want 1", q, m)
		}
	}
	if body := search("Zlatan", nil); !strings.Contains(body, "Inga deltagare matchar") {
		t.Error("a search without hits does not say so")
	}
	// Filters travel in the URL and combine with the search.
	if body := search("", url.Values{"inskrivning": {"none"}}); !strings.Contains(body, "Ceder") || strings.Contains(body, "Andersson") {
		t.Error("the enrolment filter does not combine with the search form")
	}
	list := c.get("/k/1273/deltagare?inskrivning=kaa&sortera=age")
	if !strings.Contains(list.Body, "Andersson") || !strings.Contains(list.Body, "Berg") || strings.Contains(list.Body, "Ceder") {
		t.Error("filter inskrivning=kaa is wrong")
	}
	if strings.Index(list.Body, "Berg, Bo") > strings.Index(list.Body, "Andersson, Alva") {
		t.Error("sort by age: the oldest (Berg, 2007) should come first")
	}
	if body := c.get("/k/1273/deltagare?alder_min=20").Body; !strings.Contains(body, "0 deltagare") {
		t.Error("nobody here is 20 or older")
	}
	counts := c.get("/k/1273/deltagare").Body
	if !regexp.MustCompile(`Identifierad <span class="badge muted">3</span>`).MatchString(counts) {
		t.Error("status counts at the top do not show 3 identified")
	}
	if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'participant.list'`); n < 5 {
		t.Errorf("list reads audited: %d", n)
	}
}

// TestSwedishOrder: names sort as in a Swedish telephone book, å, ä and ö
// after z (the test cluster's C locale puts ä before å, and both before z
// only by accident of code points), in the list and on the administrator's
// list of people.
func TestSwedishOrder(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, err := a.db.Owner.Exec(context.Background(), `
		INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
		SELECT $1, '20080301' || lpad(i::text, 4, '0'), '2008-03-01', 'Test', n
		FROM unnest(ARRAY['Öberg', 'Ärlig', 'Zorn', 'Åberg', 'andersson', 'Ahlström']) WITH ORDINALITY AS x(n, i)`, a.orgID("1273"))
	if err != nil {
		t.Fatal(err)
	}
	c := a.client()
	c.signIn("samordnare@osby.demo")
	body := c.get("/k/1273/deltagare").Body
	if res := c.post("/k/1273/deltagare/sok", url.Values{"q": {"åBERG"}}); !strings.Contains(res.Body, "Åberg, Test") || strings.Contains(res.Body, "Öberg, Test") {
		t.Error("a search in other case does not find Åberg, or finds Öberg")
	}
	want := []string{"Ahlström", "andersson", "Zorn", "Åberg", "Ärlig", "Öberg"}
	last := -1
	for _, n := range want {
		i := strings.Index(body, n+", Test")
		if i < last {
			t.Errorf("the list is not in Swedish order: %s comes before the name above it in %v", n, want)
		}
		last = i
	}
}

func TestContactLog(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	id := c.register(newParticipant("080301-0024", "Alva", "Andersson"))
	base := fmt.Sprintf("/k/1273/deltagare/%d", id)
	onQueue := func(queue string) bool {
		body := c.get("/k/1273/att-gora").Body
		i := strings.Index(body, `data-testid="queue-`+queue+`"`)
		if i < 0 {
			t.Fatalf("no queue %s", queue)
		}
		section := body[i:]
		if j := strings.Index(section[1:], `data-testid="queue-`); j > 0 {
			section = section[:j]
		}
		return strings.Contains(section, "Andersson")
	}
	if !onQueue(participant.QueueNeverContacted) {
		t.Fatal("a new participant is not on the never-contacted queue")
	}

	t.Run("ErrFutureDate", func(t *testing.T) {
		future := time.Now().Add(48 * time.Hour).In(time.Local).Format("2006-01-02T15:04")
		res := c.post(base+"/kontakter", url.Values{"channel": {"sms"}, "direction": {"outgoing"}, "reached": {"no"}, "occurred_at": {future}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "framtiden") {
			t.Errorf("future contact: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM contacts`); n != 0 {
			t.Error("a future contact was written")
		}
	})

	t.Run("QueuesMoveAsContactsAreLogged", func(t *testing.T) {
		res := c.post(base+"/kontakter", url.Values{"channel": {"sms"}, "direction": {"outgoing"}, "reached": {"no"}, "note": {"Skickade sms om träff"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("log contact: %d", res.Status)
		}
		if onQueue(participant.QueueNeverContacted) || !onQueue(participant.QueueNeverReached) {
			t.Error("after an unanswered sms the person should move to never reached")
		}
		page := c.get(base).Body
		if !strings.Contains(page, "Skickade sms om träff") || !strings.Contains(page, "Kontakt sökt") {
			t.Error("the contact or the new status is missing from the participant page")
		}
		// htmx: the answer carries the fresh form and the timeline.
		res = c.do("POST", base+"/kontakter", url.Values{"channel": {"meeting_office"}, "direction": {"outgoing"}, "reached": {"yes"}, "method": {"mi"}},
			map[string]string{"HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded"})
		if res.Status != 200 || !strings.Contains(res.Body, `id="timeline"`) || !strings.Contains(res.Body, `data-testid="contact-saved"`) || !strings.Contains(res.Body, "Kontakten (möte på kontoret) är sparad kl. ") {
			t.Errorf("htmx contact: %d", res.Status)
		}
		if onQueue(participant.QueueNeverReached) {
			t.Error("after a meeting that reached the person they are still on never reached")
		}
		page = c.get(base).Body
		if !strings.Contains(page, `data-testid="status">I kontakt`) {
			t.Error("status should be in contact")
		}
		// The timeline shows where the status moved, newest first.
		inContact := strings.Index(page, `Ny status: <span class="badge ok">I kontakt`)
		attempted := strings.Index(page, `Ny status: <span class="badge warn">Kontakt sökt`)
		if inContact < 0 || attempted < 0 || inContact > attempted {
			t.Errorf("status changes on the timeline: in contact at %d, attempted at %d", inContact, attempted)
		}
	})

	t.Run("NoContactDaysIsAMunicipalitySetting", func(t *testing.T) {
		admin := a.client()
		admin.signIn("admin@osby.demo")
		if res := admin.post("/k/1273/installningar", url.Values{"no_contact_days": {"0"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "mellan 1 och 365") {
			t.Errorf("0 days: %d", res.Status)
		}
		if res := admin.post("/k/1273/installningar", url.Values{"no_contact_days": {"10"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("save: %d", res.Status)
		}
		if !strings.Contains(c.get("/k/1273/att-gora").Body, "Ingen kontakt på 10 dagar") {
			t.Error("the queue does not use the municipality's setting")
		}
		// A contact 12 days ago is now stale.
		a.db.Owner.Exec(context.Background(), `UPDATE contacts SET occurred_at = now() - interval '12 days' WHERE participant_id = $1`, id)
		if !onQueue(participant.QueueStale) {
			t.Error("no contact for 12 days with a 10-day setting should be on the stale queue")
		}
		a.db.Owner.Exec(context.Background(), `UPDATE contacts SET occurred_at = now() - interval '1 hour' WHERE participant_id = $1`, id)
	})

	t.Run("SameDayCorrectionInPlace", func(t *testing.T) {
		cid := a.count(`SELECT min(id) FROM contacts`)
		res := c.post(fmt.Sprintf("%s/kontakter/%d", base, cid), url.Values{"channel": {"phone"}, "direction": {"outgoing"}, "reached": {"no"}, "note": {"Ringde, inget svar"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("correct: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM contact_amendments`); n != 0 {
			t.Error("a same-day correction by the author should not be an amendment")
		}
		if a.count(`SELECT count(*) FROM contacts WHERE id = $1 AND channel = 'phone'`, cid) != 1 {
			t.Error("the correction was not saved")
		}
	})

	t.Run("LaterCorrectionIsAnAmendment", func(t *testing.T) {
		cid := a.count(`SELECT min(id) FROM contacts`)
		// The contact was logged yesterday.
		a.db.Owner.Exec(context.Background(), `UPDATE contacts SET created_at = now() - interval '1 day' WHERE id = $1`, cid)
		form := url.Values{"channel": {"phone"}, "direction": {"outgoing"}, "reached": {"yes"}, "note": {"Svarade till slut"}}
		if res := c.post(fmt.Sprintf("%s/kontakter/%d", base, cid), form); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Skriv varför") {
			t.Errorf("an amendment without a reason: %d", res.Status)
		}
		form.Set("reason", "Fel utfall")
		if res := c.post(fmt.Sprintf("%s/kontakter/%d", base, cid), form); res.Status != http.StatusSeeOther {
			t.Fatalf("amend: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM contacts WHERE id = $1 AND note = 'Ringde, inget svar' AND NOT reached`, cid) != 1 {
			t.Error("the original was changed")
		}
		page := c.get(fmt.Sprintf("%s/kontakter/%d", base, cid)).Body
		if !strings.Contains(page, "Ursprungligen loggad") || !strings.Contains(page, "Ringde, inget svar") || !strings.Contains(page, "Fel utfall") {
			t.Error("the history does not show the original and the amendment")
		}
		if !strings.Contains(c.get(base).Body, "Svarade till slut") {
			t.Error("the timeline does not show the amended contact")
		}
		// Even a direct write by the serving role cannot change an amended original.
		err := db.InTenant(context.Background(), a.db.App, a.orgID("1273"), 0, func(tx db.Tx) error {
			_, err := tx.Exec(context.Background(), `UPDATE contacts SET note = 'ändrad' WHERE id = $1`, cid)
			return err
		})
		if err == nil {
			t.Error("the database let an amended original change")
		}
		// The amendment turned an unanswered call into a reached one: the summary follows.
		a.assertSummary()
	})

	t.Run("AnotherCoordinatorAmends", func(t *testing.T) {
		other := a.client()
		other.signIn("flera@within.demo")
		cid := a.count(`SELECT max(id) FROM contacts`)
		form := url.Values{"channel": {"meeting_office"}, "direction": {"incoming"}, "reached": {"yes"}}
		if res := other.post(fmt.Sprintf("%s/kontakter/%d", base, cid), form); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("someone else's contact must be amended with a reason: %d", res.Status)
		}
	})
}

// TestForeignIDsAreNotFound puts a Hörby participant's ids into Osby's URLs:
// every route answers 404 and nothing changes.
func TestForeignIDsAreNotFound(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	pid, eid, cid := a.fixture("1266", "samordnare@horby.demo", "Hemlig", "Hörbybo")
	// Osby's coordinator is its administrator too, so that every route with
	// an id is open to her by role and only the id can keep her out.
	if _, err := a.db.Owner.Exec(context.Background(), `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'municipality_admin')`,
		a.orgID("1273"), a.userID("samordnare@osby.demo")); err != nil {
		t.Fatal(err)
	}
	c := a.client()
	c.signIn("samordnare@osby.demo")
	r := strings.NewReplacer("{tenant}", "1273", "{id}", strconv.FormatInt(pid, 10), "{eid}", strconv.FormatInt(eid, 10), "{cid}", strconv.FormatInt(cid, 10), "{fid}", a.followUpOf(pid))
	form := url.Values{"channel": {"sms"}, "direction": {"outgoing"}, "reached": {"yes"}, "reason": {"x"}, "enrol": {"kaa"},
		"starts_on": {"2026-01-02"}, fmt.Sprintf("ends_on_%d", eid): {"2026-02-01"}, fmt.Sprintf("end_reason_%d", eid): {"moved"}, fmt.Sprintf("moved_to_%d", eid): {"2584"}}
	for k, v := range newParticipant("20040229-0027", "X", "Y") {
		form[k] = v
	}
	checked := 0
	for _, rt := range a.h.Routes() {
		if rt.Scope != ui.Tenant || !strings.Contains(rt.Pattern, "{id}") {
			continue
		}
		var res response
		if rt.Method == "GET" {
			res = c.get(r.Replace(rt.Pattern))
		} else {
			res = c.post(r.Replace(rt.Pattern), form)
		}
		if res.Status != http.StatusNotFound {
			t.Errorf("%s %s with Hörby's ids: %d, want 404", rt.Method, rt.Pattern, res.Status)
		}
		if strings.Contains(res.Body, "Hörbybo") {
			t.Errorf("%s %s shows the Hörby participant", rt.Method, rt.Pattern)
		}
		checked++
	}
	if checked < 7 {
		t.Fatalf("only %d routes checked", checked)
	}
	if n := a.count(`SELECT count(*) FROM contacts WHERE participant_id = $1`, pid); n != 1 {
		t.Errorf("Hörby's contacts changed: %d", n)
	}
	if n := a.count(`SELECT count(*) FROM enrolments WHERE participant_id = $1 AND ends_on IS NULL`, pid); n != 1 {
		t.Error("Hörby's enrolment was ended from Osby")
	}
}

func TestEnrolments(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	form := newParticipant("080301-0024", "Alva", "Andersson")
	form.Del("enrol")
	id := c.register(form)
	base := fmt.Sprintf("/k/1273/deltagare/%d", id)
	today := time.Now().Format("2006-01-02")

	t.Run("EnrolInKAA", func(t *testing.T) {
		res := c.post(base+"/inskrivningar", url.Values{"enrol": {"kaa"}, "starts_on": {"2026-09-01"}, "registration_reason": {"never_started"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("enrol: %d", res.Status)
		}
		res = c.post(base+"/inskrivningar", url.Values{"enrol": {"kaa"}, "starts_on": {"2026-09-02"}, "registration_reason": {"dropped_out"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "redan registrerad") || !strings.Contains(res.Body, "<details open") {
			t.Errorf("a second open KAA enrolment: %d; the message must be visible", res.Status)
		}
	})
	t.Run("ErrFutureStart", func(t *testing.T) {
		future := time.Now().AddDate(0, 1, 0).Format("2006-01-02")
		res := c.post(base+"/inskrivningar", url.Values{"enrol": {"kaa"}, "starts_on": {future}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "framtiden") {
			t.Errorf("future start: %d", res.Status)
		}
	})
	t.Run("ErrForeignSubproject", func(t *testing.T) {
		var horbySub int
		a.db.Owner.QueryRow(context.Background(), `SELECT id FROM subprojects WHERE org_id = $1`, a.orgID("1266")).Scan(&horbySub)
		res := c.post(base+"/inskrivningar", url.Values{"enrol": {strconv.Itoa(horbySub)}, "starts_on": {today},
			"labour_market": {"unemployed"}, "education": {"isced_0_2"}})
		if res.Status != http.StatusUnprocessableEntity || a.count(`SELECT count(*) FROM enrolments WHERE subproject_id = $1`, horbySub) != 0 {
			t.Errorf("enrolled in Hörby's sub-project: %d", res.Status)
		}
	})
	eid := a.count(`SELECT id FROM enrolments WHERE participant_id = $1`, id)
	t.Run("ErrEndBeforeStart", func(t *testing.T) {
		res := c.post(fmt.Sprintf("%s/inskrivningar/%d/avsluta", base, eid), url.Values{
			fmt.Sprintf("ends_on_%d", eid): {"2026-08-01"}, fmt.Sprintf("end_reason_%d", eid): {"moved"}, fmt.Sprintf("moved_to_%d", eid): {"2584"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "innan registreringen började") ||
			!strings.Contains(res.Body, fmt.Sprintf(`id="f-ends_on_%d-error"`, eid)) {
			t.Errorf("end before start: %d; the message must be next to the field", res.Status)
		}
	})
	t.Run("ErrNoReason", func(t *testing.T) {
		res := c.post(fmt.Sprintf("%s/inskrivningar/%d/avsluta", base, eid), url.Values{fmt.Sprintf("ends_on_%d", eid): {today}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Välj orsak till avregistreringen.") {
			t.Errorf("no reason: %d", res.Status)
		}
	})
	t.Run("End", func(t *testing.T) {
		res := c.post(fmt.Sprintf("%s/inskrivningar/%d/avsluta", base, eid), url.Values{
			fmt.Sprintf("ends_on_%d", eid): {today}, fmt.Sprintf("end_reason_%d", eid): {"national_programme"}, "bekraftat": {"ja"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("end: %d", res.Status)
		}
		page := c.get(base).Body
		if !strings.Contains(page, `data-testid="status">Avslutad`) || !strings.Contains(page, "Påbörjat nationellt program i gymnasieskolan") {
			t.Error("the ended enrolment and the status are not shown")
		}
		if a.count(`SELECT count(*) FROM audit_events WHERE action = 'enrolment.end' AND record_id = $1`, strconv.FormatInt(id, 10)) != 1 {
			t.Error("ending is not audited")
		}
		a.assertSummary()
	})
	// A project enrolment records what ESF+ asks at entry; without it nothing is written.
	t.Run("ProjectNeedsESFEntryData", func(t *testing.T) {
		var osbySub int
		a.db.Owner.QueryRow(context.Background(), `SELECT id FROM subprojects WHERE org_id = $1`, a.orgID("1273")).Scan(&osbySub)
		before := a.count(`SELECT count(*) FROM enrolments`)
		res := c.post(base+"/inskrivningar", url.Values{"enrol": {strconv.Itoa(osbySub)}, "starts_on": {today}, "education": {"isced_3_4"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="f-labour_market-error"`) || a.count(`SELECT count(*) FROM enrolments`) != before {
			t.Errorf("a project enrolment without labour-market status: %d", res.Status)
		}
		res = c.post(base+"/inskrivningar", url.Values{"enrol": {strconv.Itoa(osbySub)}, "starts_on": {today},
			"labour_market": {"long_term_unemployed"}, "education": {"isced_3_4"}})
		if res.Status != http.StatusSeeOther || a.count(`SELECT count(*) FROM enrolments WHERE subproject_id = $1
			AND labour_market_status = 'long_term_unemployed' AND education_level = 'isced_3_4'`, osbySub) != 1 {
			t.Errorf("a project enrolment with its ESF+ entry data: %d", res.Status)
		}
		if page := c.get(base); !strings.Contains(page.Body, "Långtidsarbetslös, Gymnasium eller motsvarande (ISCED 3–4)") {
			t.Error("the participant page does not show the entry data")
		}
	})
}

// TestQuickContactErrorsWithHtmx: htmx swaps a 422 in, so the coordinator
// sees what to fix (htmx 2 drops 4xx answers unless told otherwise).
func TestQuickContactErrorsWithHtmx(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	id := c.register(newParticipant("080301-0024", "Alva", "Andersson"))
	res := c.do("POST", fmt.Sprintf("/k/1273/deltagare/%d/kontakter", id), url.Values{"channel": {"sms"}},
		map[string]string{"HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded"})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="contact-form"`) || !strings.Contains(res.Body, "Välj om du nådde den unga") {
		t.Errorf("htmx contact without answers: %d", res.Status)
	}
	layout := c.get("/k/1273/deltagare").Body
	if !strings.Contains(layout, `{"code":"422","swap":true}`) {
		t.Error("the htmx configuration does not swap 422 answers in")
	}
}

func TestRegisterFormDetails(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")

	t.Run("MobileStoredAsTheImportStoresIt", func(t *testing.T) {
		c.register(newParticipant("080301-0024", "Alva", "Andersson"))
		if a.count(`SELECT count(*) FROM participants WHERE mobile = '+46701234567'`) != 1 {
			t.Error("070-123 45 67 should be stored as +46701234567")
		}
		form := newParticipant("070615-1230", "Bo", "Berg")
		form.Set("mobile", "ring mamma")
		if res := c.post("/k/1273/deltagare", form); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "svenskt mobilnummer") {
			t.Errorf("a mobile number with words: %d", res.Status)
		}
	})
	t.Run("ErrCoordinatorOfAnotherMunicipality", func(t *testing.T) {
		form := newParticipant("070615-1230", "Bo", "Berg")
		form.Set("coordinators_shown", "1")
		form.Set("coordinator", strconv.Itoa(a.userID("samordnare@horby.demo")))
		res := c.post("/k/1273/deltagare", form)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Välj bland kommunens samordnare") {
			t.Errorf("Hörby's coordinator assigned in Osby: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM participants WHERE personnummer = '200706151230'`) != 0 {
			t.Error("the participant was written although the form was refused")
		}
	})
	t.Run("NoCoordinatorChosen", func(t *testing.T) {
		form := newParticipant("070615-1230", "Bo", "Berg")
		form.Set("coordinators_shown", "1")
		id := c.register(form)
		if n := a.count(`SELECT count(*) FROM participant_coordinators WHERE participant_id = $1`, id); n != 0 {
			t.Errorf("unticking every coordinator left %d assigned", n)
		}
	})
	t.Run("ErrTooOldForAProject", func(t *testing.T) {
		var sub int
		a.db.Owner.QueryRow(context.Background(), `SELECT id FROM subprojects WHERE org_id = $1`, a.orgID("1273")).Scan(&sub)
		form := newParticipant("19991231-0019", "Äldre", "Person")
		form.Set("enrol", strconv.Itoa(sub))
		if res := c.post("/k/1273/deltagare", form); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "15 till 24") {
			t.Errorf("a 26-year-old enrolled in a project: %d", res.Status)
		}
	})
	t.Run("OutlandishFiltersAreHarmless", func(t *testing.T) {
		for _, q := range []string{"sida=999999999999", "alder_min=100000", "alder_max=500", "ingen_kontakt=9999999", "status=<script>"} {
			if res := c.get("/k/1273/deltagare?" + q); res.Status != http.StatusOK {
				t.Errorf("%s: %d", q, res.Status)
			}
		}
	})
	t.Run("CurrentStatusLinkIsMarked", func(t *testing.T) {
		body := c.get("/k/1273/deltagare?status=identified").Body
		if !strings.Contains(body, `status=identified" aria-current="page"`) {
			t.Error("the chosen status is not marked aria-current=page")
		}
	})
}

func TestTurns20Queue(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	osby, me := a.orgID("1273"), a.userID("samordnare@osby.demo")
	ctx := context.Background()
	for _, p := range []struct {
		pnr, last string
		birth     time.Time
	}{
		{"", "Snart", time.Now().AddDate(-20, 0, 30)},  // turns 20 in 30 days
		{"", "Redan", time.Now().AddDate(-20, 0, -5)},  // turned 20 five days ago, KAA still open
		{"", "Senare", time.Now().AddDate(-20, 0, 90)}, // in 90 days: not yet
	} {
		nine := p.birth.Format("060102") + "123"
		pnr := p.birth.Format("2006") + nine[2:] + strconv.Itoa(personnummer.CheckDigit(nine))
		_, err := a.db.Owner.Exec(ctx, `
			WITH x AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
			           VALUES ($1, $2, $3, 'Test', $4) RETURNING id),
			     pc AS (INSERT INTO participant_coordinators (tenant_id, participant_id, user_id) SELECT $1, id, $5 FROM x)
			INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason) SELECT $1, id, 'kaa', '2025-01-01', 'dropped_out' FROM x`,
			osby, pnr, p.birth, p.last, me)
		if err != nil {
			t.Fatal(err)
		}
	}
	body := c.get("/k/1273/att-gora").Body
	i := strings.Index(body, `data-testid="queue-turns_20"`)
	section := body[i:]
	section = section[:strings.Index(section, "</section>")]
	for last, want := range map[string]bool{"Snart": true, "Redan": true, "Senare": false} {
		if strings.Contains(section, last) != want {
			t.Errorf("%s on the turns-20 queue: %v, want %v", last, !want, want)
		}
	}
}

// Registering someone straight into a sub-project asks the ESF+ entry data
// too: without it nothing is written, with it the enrolment carries it.
func TestRegisterIntoSubprojectAsksESFEntry(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	var sub int
	a.db.Owner.QueryRow(context.Background(), `SELECT id FROM subprojects WHERE org_id = $1`, a.orgID("1273")).Scan(&sub)
	form := newParticipant("200803010024", "Alva", "Andersson")
	form.Set("enrol", strconv.Itoa(sub))
	res := c.post("/k/1273/deltagare", form)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="f-education-error"`) || a.count(`SELECT count(*) FROM participants`) != 0 {
		t.Errorf("registered into a sub-project without entry data: %d", res.Status)
	}
	form.Set("labour_market", "inactive")
	form.Set("education", "isced_0_2")
	c.register(form)
	if a.count(`SELECT count(*) FROM enrolments WHERE subproject_id = $1 AND labour_market_status = 'inactive' AND education_level = 'isced_0_2'`, sub) != 1 {
		t.Error("the enrolment does not carry the entry data")
	}
}

// TestEmptyStates: an empty page says what to do next.
func TestEmptyStates(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	body := c.get("/k/1273/deltagare").Body
	if !strings.Contains(body, `data-testid="empty-register"`) || !strings.Contains(body, `href="/k/1273/deltagare/import"`) || !strings.Contains(body, `href="/k/1273/deltagare/ny"`) {
		t.Error("an empty register does not lead to the import and the registration form")
	}
	if body := c.get("/k/1273/deltagare?status=ended").Body; !strings.Contains(body, `data-testid="empty-register"`) {
		t.Error("an empty register under a status tab does not say so")
	}
	if body := c.get("/k/1273/att-gora").Body; !strings.Contains(body, `data-testid="queues-empty"`) || !strings.Contains(body, `href="/k/1273/att-gora?alla=1"`) {
		t.Error("empty work queues of my own do not lead to the municipality's")
	}
	if body := c.get("/k/1273/att-gora?alla=1").Body; !strings.Contains(body, `data-testid="queues-empty"`) || !strings.Contains(body, `href="/k/1273/deltagare/import"`) {
		t.Error("a municipality with nothing to do is not led to the import")
	}
	ny := newParticipant("080301-0024", "Alva", "Andersson")
	ny.Del("enrol")
	c.register(ny)
	if body := c.get("/k/1273/deltagare?alder_min=19").Body; !strings.Contains(body, `data-testid="empty"`) || strings.Contains(body, `data-testid="empty-register"`) {
		t.Error("a filter without hits should say to change the filter, not to import")
	}
}

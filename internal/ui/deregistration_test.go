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
	"github.com/kaa-plattform/kaa/internal/personnummer"
	"github.com/kaa-plattform/kaa/internal/scb"
)

// TestDeregistration: avregistrering from the KAA register takes the law's
// reasons and no project's, "Annan orsak" needs a short text and a move the
// new home municipality (never the own one); the confirmation says that
// nothing crosses to the new municipality, and the page shows the
// municipality by name.
func TestDeregistration(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	id := c.register(newParticipant("080301-0024", "Alva", "Andersson"))
	eid := a.count(`SELECT id FROM enrolments WHERE participant_id = $1`, id)
	base := fmt.Sprintf("/k/1273/deltagare/%d", id)
	end := base + fmt.Sprintf("/inskrivningar/%d/avsluta", eid)
	today := time.Now().Format("2006-01-02")
	field := func(k string) string { return fmt.Sprintf("%s_%d", k, eid) }
	form := func(kv ...string) url.Values {
		v := url.Values{field("ends_on"): {today}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(field(kv[i]), kv[i+1])
		}
		return v
	}
	refused := func(t *testing.T, res response, name, msg string) {
		t.Helper()
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, fmt.Sprintf(`id="f-%s-error"`, field(name))) || !strings.Contains(res.Body, msg) {
			t.Errorf("status %d; want 422 with %q next to %s", res.Status, msg, name)
		}
		if a.count(`SELECT count(*) FROM enrolments WHERE id = $1 AND ends_on IS NULL`, eid) != 1 {
			t.Fatal("a refused avregistrering was saved")
		}
	}

	t.Run("ProjectReasonIsNotAnAvregistrering", func(t *testing.T) {
		refused(t, c.post(end, form("end_reason", "project_exit")), "end_reason", "Välj en av orsakerna till avregistrering ur KAA-registret.")
	})
	t.Run("OtherNeedsText", func(t *testing.T) {
		refused(t, c.post(end, form("end_reason", "other")), "end_note", "Skriv kort vilken den andra orsaken är.")
		refused(t, c.post(end, form("end_reason", "other", "end_note", strings.Repeat("å", 201))), "end_note", "Skriv högst 200 tecken")
	})
	t.Run("MovedNeedsMunicipality", func(t *testing.T) {
		refused(t, c.post(end, form("end_reason", "moved")), "moved_to", "Välj kommunen som personen har flyttat till.")
		refused(t, c.post(end, form("end_reason", "moved", "moved_to", "1273")), "moved_to", "Välj en annan kommun än den egna")
		refused(t, c.post(end, form("end_reason", "moved", "moved_to", "1274")), "moved_to", "Välj kommunen i listan.")
		page := c.get(base).Body
		if strings.Contains(page, `<option value="1273"`) || !strings.Contains(page, `<option value="2584">Kiruna</option>`) ||
			!strings.Contains(page, `<option value="0114">Upplands Väsby</option>`) {
			t.Error("the list of municipalities must hold the others and not Osby itself")
		}
	})
	t.Run("MovedAsksAndSaysNothingMoves", func(t *testing.T) {
		res := c.post(end, form("end_reason", "moved", "moved_to", "2584"))
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "Avregistrera Alva Andersson ur KAA-registret?") ||
			!strings.Contains(res.Body, "Uppgifterna om personen följer inte med till Kiruna") || strings.Contains(res.Body, "går inte att ångra") ||
			!strings.Contains(res.Body, "rättas eller hävas") {
			t.Fatalf("the question: %d", res.Status)
		}
		v := form("end_reason", "moved", "moved_to", "2584")
		v.Set("bekraftat", "ja")
		if res := c.post(end, v); res.Status != http.StatusSeeOther {
			t.Fatalf("avregistrera: %d", res.Status)
		}
		page := c.get(base).Body
		for _, want := range []string{"Avregistreringen är sparad.", "Avregistrerad ur KAA-registret " + today + ": Flyttat till annan kommun (Kiruna)", "Rätta eller häv avregistreringen"} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		statusAgrees(t, page, "Avslutad")
		if a.count(`SELECT count(*) FROM enrolments WHERE id = $1 AND end_reason = 'moved' AND moved_to = '2584'`, eid) != 1 {
			t.Error("the new home municipality is not kept")
		}
	})
}

// TestDeregistrationCorrection: a wrong avregistrering is corrected with a
// reason; the original is kept (corrections table, history, audit log with
// before and after), and the SCB report reads the corrected state. It can
// be undone, unless another registration is open or the person is 20.
func TestDeregistrationCorrection(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	ctx := context.Background()
	id := c.register(newParticipant("080301-0024", "Alva", "Andersson"))
	eid := int64(a.count(`SELECT id FROM enrolments WHERE participant_id = $1`, id))
	base := fmt.Sprintf("/k/1273/deltagare/%d", id)
	today := time.Now().Format("2006-01-02")
	field := func(k string) string { return fmt.Sprintf("%s_%d", k, eid) }
	if res := c.post(base+fmt.Sprintf("/inskrivningar/%d/avsluta", eid), url.Values{field("ends_on"): {today},
		field("end_reason"): {"moved"}, field("moved_to"): {"2584"}, "bekraftat": {"ja"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("avregistrera: %d", res.Status)
	}
	correct := base + fmt.Sprintf("/inskrivningar/%d/ratta", eid)

	t.Run("NeedsReason", func(t *testing.T) {
		res := c.post(correct, url.Values{field("correction"): {"change"}, field("ends_on"): {today}, field("end_reason"): {"emigrated"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, fmt.Sprintf(`id="f-%s-error"`, field("correction_reason"))) ||
			a.count(`SELECT count(*) FROM enrolment_corrections`) != 0 {
			t.Errorf("a correction without a reason: %d", res.Status)
		}
	})
	t.Run("ChangeReason", func(t *testing.T) {
		res := c.post(correct, url.Values{field("correction"): {"change"}, field("ends_on"): {today}, field("end_reason"): {"emigrated"},
			field("moved_to"): {"2584"}, field("correction_reason"): {"Flyttade utomlands, inte till Kiruna"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("correct: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM enrolments WHERE id = $1 AND end_reason = 'emigrated' AND moved_to IS NULL`, eid) != 1 ||
			a.count(`SELECT count(*) FROM enrolment_corrections WHERE enrolment_id = $1 AND old_end_reason = 'moved' AND old_moved_to = '2584'
				AND new_end_reason = 'emigrated' AND new_moved_to IS NULL AND reason = 'Flyttade utomlands, inte till Kiruna'
				AND corrected_by = $2`, eid, a.userID("samordnare@osby.demo")) != 1 {
			t.Error("the correction and the original are not both kept")
		}
		if a.count(`SELECT count(*) FROM audit_events WHERE action = 'enrolment.correct' AND detail->'before'->>'reason' = 'moved'
			AND detail->'before'->>'moved_to' = '2584' AND detail->'after'->>'reason' = 'emigrated'`) != 1 {
			t.Error("the audit log lacks the before and after")
		}
		page := c.get(base).Body
		for _, want := range []string{"Rättelsen är sparad.", "Avregistrerad ur KAA-registret " + today + ": Utvandrat",
			"Avregistreringen rättades från " + today + ", Flyttat till annan kommun (Kiruna) till " + today + ", Utvandrat av Samordnare Osby",
			"Skäl: Flyttade utomlands, inte till Kiruna"} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		// SCB reads the current state: the next file has the corrected reason.
		var rep scb.Report
		if err := db.InTenant(ctx, a.db.App, a.orgID("1273"), a.userID("samordnare@osby.demo"), func(tx db.Tx) (err error) {
			rep, err = scb.Build(ctx, tx, scb.Current(time.Now()), time.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rep.Rows {
			if r.Record == "deregistration" && r.ParticipantID == id {
				got = append(got, r.Keys["deregistration_reason"])
			}
		}
		if len(got) != 1 || got[0] != "emigrated" {
			t.Errorf("the SCB report's avregistrering of the person: %q, want the corrected reason", got)
		}
	})
	t.Run("Reopen", func(t *testing.T) {
		res := c.post(correct, url.Values{field("correction"): {"reopen"}, field("correction_reason"): {"Avregistrerad av misstag"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("reopen: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM enrolments WHERE id = $1 AND ends_on IS NULL AND end_reason IS NULL`, eid) != 1 ||
			a.count(`SELECT count(*) FROM participants WHERE id = $1 AND status <> 'ended'`, id) != 1 ||
			a.count(`SELECT count(*) FROM enrolment_corrections WHERE enrolment_id = $1 AND new_ends_on IS NULL AND old_end_reason = 'emigrated'`, eid) != 1 {
			t.Error("the registration is not open again, or the original is lost")
		}
		if a.count(`SELECT count(*) FROM followups WHERE enrolment_id = $1 AND done_on IS NULL`, eid) != 0 {
			t.Error("follow-ups after an avregistrering that was undone are still to do")
		}
		page := c.get(base).Body
		if !strings.Contains(page, "Avregistreringen är hävd") || !strings.Contains(page, "Avregistreringen ("+today+", Utvandrat) hävdes") {
			t.Error("the page does not show the reopening")
		}
		statusAgrees(t, page, "Identifierad")
		a.assertSummary()
	})
	t.Run("NotWhileAnotherIsOpen", func(t *testing.T) {
		if res := c.post(base+fmt.Sprintf("/inskrivningar/%d/avsluta", eid), url.Values{field("ends_on"): {today},
			field("end_reason"): {"deceased"}, "bekraftat": {"ja"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("avregistrera: %d", res.Status)
		}
		if res := c.post(base+"/inskrivningar", url.Values{"enrol": {"kaa"}, "starts_on": {today}, "registration_reason": {"moved_in"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("register again: %d", res.Status)
		}
		res := c.post(correct, url.Values{field("correction"): {"reopen"}, field("correction_reason"): {"Fel"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "annan öppen registrering") {
			t.Errorf("reopened beside an open registration: %d", res.Status)
		}
	})
	t.Run("NotAfterTwenty", func(t *testing.T) {
		var pid, old int64
		birth := time.Now().AddDate(-20, 0, -10)
		nine := birth.Format("060102") + "123"
		pnr := birth.Format("2006") + nine[2:] + strconv.Itoa(personnummer.CheckDigit(nine))
		if err := a.db.Owner.QueryRow(ctx, `
			WITH p AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name) VALUES ($1, $2, $3, 'Tjugo', 'Åring') RETURNING id)
			INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, ends_on, registration_reason, end_reason)
			SELECT $1, id, 'kaa', $4, $5, 'dropped_out', 'national_programme' FROM p RETURNING participant_id, id`,
			a.orgID("1273"), pnr, birth, birth.AddDate(18, 0, 0), birth.AddDate(19, 0, 0)).Scan(&pid, &old); err != nil {
			t.Fatal(err)
		}
		res := c.post(fmt.Sprintf("/k/1273/deltagare/%d/inskrivningar/%d/ratta", pid, old),
			url.Values{fmt.Sprintf("correction_%d", old): {"reopen"}, fmt.Sprintf("correction_reason_%d", old): {"Började aldrig"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "personen fyllde 20") ||
			a.count(`SELECT count(*) FROM enrolments WHERE id = $1 AND ends_on IS NOT NULL`, old) != 1 {
			t.Errorf("reopened after the 20th birthday: %d", res.Status)
		}
	})
}

// TestProjectEnrolmentWithoutKAA: an introduction-programme student is not
// in the KAA register but can take part in an ESF project; a project's end
// takes the project's reasons, not the law's.
func TestProjectEnrolmentWithoutKAA(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	form := newParticipant("080301-0024", "Ida", "Imsson")
	form.Del("enrol")
	form.Del("registration_reason")
	id := c.register(form)
	var sub int
	a.db.Owner.QueryRow(context.Background(), `SELECT id FROM subprojects WHERE org_id = $1`, a.orgID("1273")).Scan(&sub)
	base := fmt.Sprintf("/k/1273/deltagare/%d", id)
	today := time.Now().Format("2006-01-02")
	res := c.post(base+"/inskrivningar", url.Values{"enrol": {strconv.Itoa(sub)}, "starts_on": {today},
		"labour_market": {"inactive"}, "education": {"isced_0_2"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("project enrolment: %d", res.Status)
	}
	if a.count(`SELECT count(*) FROM enrolments WHERE participant_id = $1 AND kind = 'kaa'`, id) != 0 ||
		a.count(`SELECT count(*) FROM enrolments WHERE participant_id = $1 AND kind = 'project' AND registration_reason IS NULL`, id) != 1 {
		t.Fatal("the project enrolment needs no KAA registration and has no registration reason")
	}
	page := c.get(base).Body
	if !strings.Contains(page, "Deltagandet i projektet är sparat.") || !strings.Contains(page, "Avsluta deltagandet") || strings.Contains(page, ">Avregistrera<") {
		t.Error("a project enrolment reads as a KAA registration")
	}
	eid := a.count(`SELECT id FROM enrolments WHERE participant_id = $1`, id)
	end := fmt.Sprintf("%s/inskrivningar/%d/avsluta", base, eid)
	res = c.post(end, url.Values{fmt.Sprintf("ends_on_%d", eid): {today}, fmt.Sprintf("end_reason_%d", eid): {"emigrated"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Välj en av orsakerna till att deltagandet i projektet avslutas.") {
		t.Errorf("a project ended with a KAA reason: %d", res.Status)
	}
	res = c.post(end, url.Values{fmt.Sprintf("ends_on_%d", eid): {today}, fmt.Sprintf("end_reason_%d", eid): {"project_exit"}, "bekraftat": {"ja"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("end the project enrolment: %d", res.Status)
	}
	if page := c.get(base).Body; !strings.Contains(page, "Deltagandet är avslutat.") || !strings.Contains(page, "Avslutat deltagande i ") {
		t.Error("the end of the project enrolment is not shown in the project's words")
	}
	// Someone who was only ever in a project was never registered in the
	// KAA register, so was never avregistrerad either.
	statusAgrees(t, c.get(base).Body, "Avslutad")
}

var (
	statusBadge   = regexp.MustCompile(`data-testid="status">([^<]+)<`)
	timelineState = regexp.MustCompile(`Ny status: <span class="[^"]*">([^<]+)<`)
)

// statusAgrees checks that the stored status (the badge) and the newest
// status in the page's history say the same: both come from the database's
// one rule, participant_status.
func statusAgrees(t *testing.T, page, want string) {
	t.Helper()
	b, h := statusBadge.FindStringSubmatch(page), timelineState.FindStringSubmatch(page)
	if h == nil {
		h = []string{"", "Identifierad"} // no change since identified
	}
	if b == nil || b[1] != h[1] || b[1] != want {
		t.Errorf("status badge %q, newest status in the history %q, want %q", b, h, want)
	}
}

// TestImportShowsUnknownReason: a reason in the list that the register does
// not know is said in the preview, not silently dropped; attending an
// introduction programme is no reason to be in the KAA register.
func TestImportShowsUnknownReason(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	loc, _ := c.preview("lista.csv", []byte("personnummer;namn;orsak\n20080301-0024;Åsa Öberg;Introduktionsprogram\n"))
	page := c.get(loc).Body
	if !strings.Contains(page, "Orsaken ”Introduktionsprogram” i filen finns inte bland orsakerna till registrering") ||
		!strings.Contains(page, "Den som går på ett introduktionsprogram omfattas inte av aktivitetsansvaret") {
		t.Error("the preview drops the unknown reason without a word")
	}
}

// TestImportRefusesSerial000: a personnummer with serial number 000 is
// refused in the import with the row and the cell named, like every other
// personnummer error, and is not imported.
func TestImportRefusesSerial000(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	loc, counts := c.preview("lista.csv", []byte("personnummer;namn\n20080301-0024;Åsa Öberg\n20080301-0008;Bo Berg\n"))
	if counts != "1 0 0 1" {
		t.Fatalf("counts %s", counts)
	}
	page := c.get(loc).Body
	row := regexp.MustCompile(`<td class="num">3</td><td>Berg, Bo</td>.*?Personnumret finns inte: födelsenumret \(de tre siffrorna efter datumet\) kan inte vara 000`)
	if !row.MatchString(page) {
		t.Error("the preview does not name row 3 and its personnummer as refused for serial 000")
	}
	c.post(loc+"/bekrafta", nil)
	if a.count(`SELECT count(*) FROM participants WHERE personnummer = '200803010008'`) != 0 {
		t.Error("serial 000 was imported")
	}
}

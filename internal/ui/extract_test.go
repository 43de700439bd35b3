package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestRegisterExtract: the person's coordinator opens the registerutdrag
// from the person's page and gets every part of what is held, in Swedish
// with no code word, ready to print; producing it is in the audit log.
func TestRegisterExtract(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	pid := a.wordsFixture()
	// A correction of the avregistrering to Kristianstad: it was first
	// entered with another date.
	if _, err := a.db.Owner.Exec(context.Background(), `
		INSERT INTO enrolment_corrections (tenant_id, participant_id, enrolment_id, corrected_by, reason, old_ends_on, old_end_reason, old_moved_to,
		    new_ends_on, new_end_reason, new_moved_to)
		SELECT tenant_id, participant_id, id, $2, 'Fel datum i flyttanmälan', ends_on - 7, end_reason, moved_to, ends_on, end_reason, moved_to
		FROM enrolments WHERE participant_id = $1 AND moved_to IS NOT NULL`, pid, a.userID("samordnare@osby.demo")); err != nil {
		t.Fatal(err)
	}
	// A meeting booked, an SMS sent and its reply, and a call to a guardian.
	for _, sql := range []string{
		`INSERT INTO appointments (tenant_id, participant_id, kind, due_at, note, responsible, created_by)
		 SELECT tenant_id, id, 'meeting_school', '2026-11-20 10:00+01', 'Hos kuratorn', $2, $2 FROM participants WHERE id = $1`,
		`WITH c AS (INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, note, created_by)
		            SELECT tenant_id, id, '2026-11-18 09:00+01', 'sms', 'outgoing', false, 'Hej Ulla!', $2 FROM participants WHERE id = $1 RETURNING tenant_id, participant_id, id)
		 INSERT INTO sms_messages (tenant_id, direction, participant_id, contact_id, phone, body, status, created_by, created_at, delivered_at)
		 SELECT tenant_id, 'outgoing', participant_id, id, '+46701234567', '', 'delivered', $2, '2026-11-18 09:00+01', '2026-11-18 09:01+01' FROM c`,
		`INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, party, note, created_by)
		 SELECT tenant_id, id, '2026-11-19 09:00+01', 'phone', 'outgoing', false, 'guardian', 'Pratade med mamma.', $2 FROM participants WHERE id = $1`,
	} {
		if _, err := a.db.Owner.Exec(context.Background(), sql, pid, a.userID("samordnare@osby.demo")); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	coord := a.client()
	coord.signIn("samordnare@osby.demo")
	page := coord.get(fmt.Sprintf("/k/1273/deltagare/%d", pid))
	link := regexp.MustCompile(`href="(/k/1273/registerutdrag/[0-9]+)"`).FindStringSubmatch(page.Body)
	if link == nil {
		t.Fatalf("the person's page (status %d) has no link to the registerutdrag", page.Status)
	}
	res := coord.get(link[1])
	if res.Status != http.StatusOK {
		t.Fatalf("the registerutdrag: status %d", res.Status)
	}
	sections := map[string][]string{
		"extract-why":    {"skollagen (29 kap. 9 §)", "förordningen (2006:39)", "Integritetsskyddsmyndigheten"},
		"extract-person": {"Ulla Uppgiftsson", "20080302-0007", "2008-03-02 (fyller 20 den 2 mars 2028)", "Ej angivet", "Annan väg", "Gymnasieskolan</dt><dd>Uppgift saknas", "Mobil</dt><dd>Uppgift saknas", "Samordnare Osby"},
		"extract-enrolments": {
			"Registrerad i KAA-registret", "Skäl: Avbrutit nationellt program", "Skäl: Flyttat till annan kommun, till Kristianstad.", "Avregistreringen rättades från", "Skäl: Fel datum i flyttanmälan",
			"Skäl: Annan orsak: Flyttade till en folkhögskola i Norge.", "Skäl: Inflyttad till kommunen. Fortfarande registrerad.",
			"Inskriven i projektet", "Utanför arbetskraften", "Grundskola eller kortare", "Avslutad ", "Skäl: Annan orsak: Slutade."},
		"extract-contacts": {"Som kontakten först loggades:", "Möte på annan plats, inkommande, nådde fram, metod: Annan metod. Sysselsättning: Uppgift saknas. Anteckning: Träffades på biblioteket. Loggad av Samordnare Osby.",
			"skäl: Fel plats. Efter rättelsen:", "Telefonsamtal, utgående, med vårdnadshavare, nådde inte fram", "Sysselsättning: Ingen sysselsättning. Anteckning: Träffades på biblioteket i Osby"},
		"extract-bookings": {"2026-11-20 10:00: Möte i skolan, Hos kuratorn. Bokat."},
		"extract-sms":      {"2026-11-18 09:00: Utgående, nummer +46701234567, levererat 2026-11-18 09:01."},
		"extract-mappings": {"Version 1", "Envis", "Sover dåligt", "Annat: Vet inte än", "Ja, till Annan"},
		"extract-plans": {"Hitta en praktikplats (Inte påbörjat)", "Delmål: Ringa tre arbetsplatser (Avbrutet)",
			"Annan åtgärd: Träning i vardagsrutiner. Ansvarig: Annan aktör (Fritidsgården).", "avbruten.", "Studie- och yrkesvägledning: Studievägledning. Ansvarig: Den unga själv.", "tackade nej.", "Följs upp: "},
		"extract-followups": {"Uppföljning vid avslut, att göra senast", "av Samordnare Osby. Sysselsättning: Uppgift saknas. Arbetssökande: Nej.", "I arbete: Nej. Har ett långsiktigt mål: Vill inte svara. Har en tydlig plan framåt: Nej.",
			"Har blivit bemött med respekt: Ja.", "Uppföljning sex månader efter avslut", "Inte gjord än."},
		"extract-access": {"Samordnare Osby", "Läste en deltagares uppgifter"},
	}
	body := strings.Join(strings.Fields(res.Body), " ")
	body = strings.ReplaceAll(body, "> <", "><")
	for id, wants := range sections {
		_, sec, ok := strings.Cut(body, `data-testid="`+id+`"`)
		if !ok {
			t.Errorf("the registerutdrag has no section %s", id)
			continue
		}
		sec, _, _ = strings.Cut(sec, `data-testid="extract-`)
		for _, want := range wants {
			if !strings.Contains(sec, want) {
				t.Errorf("%s lacks %q:\n%s", id, want, sec)
			}
		}
	}
	if f := codeWordsIn(shownText(res.Body)); len(f) > 0 {
		t.Errorf("the registerutdrag shows code words: %v", f)
	}
	if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'participant.extract' AND record_id = $1 AND user_id = $2`,
		fmt.Sprint(pid), a.userID("samordnare@osby.demo")); n != 1 {
		t.Errorf("%d extracts by the coordinator in the audit log, want 1", n)
	}
	// Printed: A4, without the menus, the buttons and the hint about printing.
	sheet := regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)"`).FindStringSubmatch(res.Body)
	if sheet == nil {
		t.Fatal("the registerutdrag has no stylesheet")
	}
	css := coord.get(sheet[1]).Body
	_, print, _ := strings.Cut(css, "@media print")
	for _, want := range []string{"size: A4", ".main-nav", "button", ".no-print", ".extract .keep"} {
		if !strings.Contains(print, want) {
			t.Errorf("the print stylesheet lacks %q", want)
		}
	}
	if !strings.Contains(res.Body, `class="no-print"`) {
		t.Error("the hint about printing is printed too")
	}
	horby := a.client()
	horby.signIn("samordnare@horby.demo")
	if res := horby.get(fmt.Sprintf("/k/1266/registerutdrag/%d", pid)); res.Status != http.StatusNotFound || strings.Contains(res.Body, "Ulla") {
		t.Errorf("another municipality's coordinator: %d, want 404", res.Status)
	}
	// Someone who moved, with a consent recorded to a notice: the consent
	// is in their extract.
	var moved int64
	if err := a.db.Owner.QueryRow(context.Background(), `
		WITH p AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
		           VALUES ($1, '200803020023', '2008-03-02', 'Bo', 'Berg') RETURNING tenant_id, id),
		     e AS (INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason, ends_on, end_reason, moved_to)
		           SELECT tenant_id, id, 'kaa', '2026-01-01', 'dropped_out', '2026-11-02', 'moved', '1266' FROM p RETURNING tenant_id, participant_id, id)
		INSERT INTO move_consents (tenant_id, participant_id, enrolment_id, given_by, given_on, method, notice_outcome, recorded_by)
		SELECT tenant_id, participant_id, id, 'young_person', '2026-11-02', 'oral', 'sent', $2 FROM e RETURNING participant_id`,
		a.orgID("1273"), a.userID("samordnare@osby.demo")).Scan(&moved); err != nil {
		t.Fatal(err)
	}
	if res := coord.get(fmt.Sprintf("/k/1273/registerutdrag/%d", moved)); !strings.Contains(res.Body,
		"Samtycke till underrättelse till den nya kommunen, givet 2026-11-02 av den unga själv, muntligt. Antecknat av Samordnare Osby") ||
		!strings.Contains(res.Body, "Underrättelsen är skickad.") {
		t.Errorf("the extract of someone who moved lacks the consent: %d", res.Status)
	}
}

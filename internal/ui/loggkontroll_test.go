package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestAccessLogReview: a municipality administrator sees who read a
// participant, filters by user, downloads the CSV and takes a monthly
// sample; access that stands out is listed; bad filters get a Swedish
// message and 422; only the municipality's own administrators get in, and
// reading the log is itself logged.
func TestAccessLogReview(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	pid, _, _ := a.fixture("1273", "samordnare@osby.demo", "Ada", "Andersson")
	coord := a.client()
	coord.signIn("samordnare@osby.demo")
	if res := coord.get(fmt.Sprintf("/k/1273/deltagare/%d", pid)); res.Status != 200 {
		t.Fatalf("participant page: %d", res.Status)
	}
	admin := a.client()
	admin.signIn("admin@osby.demo")

	t.Run("WhoReadTheParticipant", func(t *testing.T) {
		res := admin.get(fmt.Sprintf("/k/1273/loggkontroll?deltagare=%d&fran=2000-01-01", pid))
		if res.Status != 200 || !strings.Contains(res.Body, "Samordnare Osby") || !strings.Contains(res.Body, "<td>Läste en deltagares uppgifter</td>") {
			t.Errorf("status %d; the coordinator's read is not listed", res.Status)
		}
	})
	t.Run("ByUser", func(t *testing.T) {
		res := admin.get(fmt.Sprintf("/k/1273/loggkontroll?anvandare=%d", a.userID("admin@osby.demo")))
		if res.Status != 200 || strings.Contains(res.Body, "<td>Läste en deltagares uppgifter</td>") || !strings.Contains(res.Body, "<td>Läste loggen (loggkontroll)</td>") {
			t.Errorf("status %d; the administrator's own events are not their reviews alone", res.Status)
		}
	})
	t.Run("CSV", func(t *testing.T) {
		// A value a spreadsheet would run as a formula is defused.
		if _, err := a.db.Owner.Exec(ctx, `INSERT INTO audit_events (tenant_id, action, record_type, record_id, client_addr)
			VALUES ($1, 'participant.read', 'participant', $2, '=HYPERLINK("http://example.com")')`, a.orgID("1273"), fmt.Sprint(pid)); err != nil {
			t.Fatal(err)
		}
		if body := admin.get(fmt.Sprintf("/k/1273/loggkontroll/csv?deltagare=%d&fran=2000-01-01", pid)).Body; !strings.Contains(body, "'=HYPERLINK") {
			t.Errorf("a formula in the CSV is not defused:\n%s", body)
		}
		res := admin.get(fmt.Sprintf("/k/1273/loggkontroll/csv?deltagare=%d&fran=2000-01-01", pid))
		if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(res.Body, "Läste en deltagares uppgifter;Person;") || !strings.Contains(res.Body, "Samordnare Osby") ||
			strings.Contains(res.Body, "participant") {
			t.Errorf("status %d %q:\n%s", res.Status, res.Header.Get("Content-Type"), res.Body)
		}
	})
	t.Run("ErrBadFilters", func(t *testing.T) {
		for q, msg := range map[string]string{
			"fran=2099-01-01":                 "Datumet ligger i framtiden",
			"deltagare=Ada":                   "Skriv deltagarens nummer med siffror",
			"fran=2026-05-01&till=2026-04-01": "Slutdatumet ligger före startdatumet",
			"handelse=participant.delete":     "Välj en händelse i listan",
			"fran=1%2F5%2F2026":               "ÅÅÅÅ-MM-DD",
		} {
			res := admin.get("/k/1273/loggkontroll?" + q)
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, msg) || !strings.Contains(res.Body, `data-testid="error-summary"`) {
				t.Errorf("%s: status %d, want 422 and %q", q, res.Status, msg)
			}
		}
	})
	t.Run("UnusualAccessStandsOut", func(t *testing.T) {
		// 30 reads at three in the night, of people the coordinator is not
		// assigned to (nor is she to Ada, read above).
		_, err := a.db.Owner.Exec(ctx, `
			INSERT INTO audit_events (tenant_id, user_id, action, record_type, record_id, at)
			SELECT $1, $2, 'participant.read', 'participant', (900000 + i)::text,
			       (current_date::timestamp + interval '3 hours') AT TIME ZONE 'Europe/Stockholm'
			FROM generate_series(1, 30) i`, a.orgID("1273"), a.userID("samordnare@osby.demo"))
		if err != nil {
			t.Fatal(err)
		}
		res := admin.get("/k/1273/loggkontroll")
		for _, want := range []string{"läste 31 personakter den", "gånger utanför arbetstid", "läste 31 personer som hen inte är ansvarig samordnare för"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("the findings lack %q", want)
			}
		}
	})
	t.Run("MonthlySample", func(t *testing.T) {
		res := admin.get("/k/1273/loggkontroll?stickprov=1")
		if res.Status != 200 || !strings.Contains(res.Body, "Stickprov: 25 läsningar") {
			t.Errorf("status %d; no sample of 25 reads", res.Status)
		}
		if again := admin.get("/k/1273/loggkontroll?stickprov=1"); again.Body != res.Body {
			t.Error("the sample changes between two looks")
		}
	})
	t.Run("OnlyTheMunicipalitysAdministrators", func(t *testing.T) {
		if res := coord.get("/k/1273/loggkontroll"); res.Status != http.StatusForbidden {
			t.Errorf("a coordinator: %d, want 403", res.Status)
		}
		horby := a.client()
		horby.signIn("admin@horby.demo")
		if res := horby.get("/k/1273/loggkontroll"); res.Status != http.StatusNotFound {
			t.Errorf("Hörby's administrator in Osby's log: %d, want 404", res.Status)
		}
		if res := horby.get(fmt.Sprintf("/k/1266/loggkontroll?deltagare=%d&fran=2000-01-01", pid)); strings.Contains(res.Body, "Samordnare Osby") {
			t.Error("Hörby's log shows Osby's reads")
		}
	})
	t.Run("RegisterExtract", func(t *testing.T) {
		path := fmt.Sprintf("/k/1273/registerutdrag/%d", pid)
		res := admin.get(path)
		for _, want := range []string{"Registerutdrag för Ada Andersson", "20080301-0024", "Börja på komvux", "Samordnare Osby", "Läste en deltagares uppgifter", "gallringsbeslut"} {
			if res.Status != 200 || !strings.Contains(res.Body, want) {
				t.Errorf("the extract (status %d) lacks %q", res.Status, want)
			}
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'participant.extract' AND record_id = $1`, fmt.Sprint(pid)); n != 1 {
			t.Errorf("%d extracts in the audit log, want 1", n)
		}
		if res := coord.get(path); res.Status != http.StatusOK {
			t.Errorf("the person's coordinator: %d, want 200", res.Status)
		}
		horby := a.client()
		horby.signIn("admin@horby.demo")
		if res := horby.get(fmt.Sprintf("/k/1266/registerutdrag/%d", pid)); res.Status != http.StatusNotFound || strings.Contains(res.Body, "Ada") {
			t.Errorf("Hörby's administrator with Osby's person: %d, want 404", res.Status)
		}
	})
	t.Run("TheReviewIsLogged", func(t *testing.T) {
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'audit.review' AND user_id = $1`, a.userID("admin@osby.demo")); n == 0 {
			t.Error("reading the log left no trace")
		}
	})
	t.Run("LinkFromTheParticipantPage", func(t *testing.T) {
		if strings.Contains(coord.get(fmt.Sprintf("/k/1273/deltagare/%d", pid)).Body, "Vem har läst uppgifterna?") {
			t.Error("a coordinator who is no administrator is offered the access log")
		}
		if _, err := a.db.Owner.Exec(ctx, `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'municipality_admin')`,
			a.orgID("1273"), a.userID("samordnare@osby.demo")); err != nil {
			t.Fatal(err)
		}
		both := a.client()
		both.signIn("samordnare@osby.demo")
		if !strings.Contains(both.get(fmt.Sprintf("/k/1273/deltagare/%d", pid)).Body, "Vem har läst uppgifterna?") {
			t.Error("an administrator who is also a coordinator has no link to the person's access log")
		}
	})
}

package ui_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestGallringsbeslut: a municipality's administrator sees plainly that
// nothing is erased until a gallringsbeslut is recorded, can preview what a
// decision would erase without writing anything, records one with its
// diarienummer, date, deciding body and months (after a question), and
// sees it in force with the earlier one kept in the history. A missing
// reference, a date in the future or months out of range get a Swedish
// message next to the field, 422, and nothing written.
func TestGallringsbeslut(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	admin, coordinator := a.client(), a.client()
	admin.signIn("admin@osby.demo")
	coordinator.signIn("samordnare@osby.demo")
	osby := a.orgID("1273")
	// Two people identified three years ago and never registered.
	for _, pnr := range []string{"200501019802", "200601019801"} {
		if _, err := a.db.Owner.Exec(ctx, `INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, identified_on)
			VALUES ($1, $2, to_date(left($2, 8), 'YYYYMMDD'), 'Gammal', 'Identifierad', current_date - interval '3 years')`, osby, pnr); err != nil {
			t.Fatal(err)
		}
	}
	pid, _, _ := a.fixture("1273", "samordnare@osby.demo", "Alva", "Andersson")
	extract := func() string {
		return html.UnescapeString(admin.get(fmt.Sprintf("/k/1273/registerutdrag/%d", pid)).Body)
	}
	if !strings.Contains(extract(), "Kommunen har inte registrerat något gallringsbeslut. Till dess gallras inga uppgifter.") {
		t.Error("the registerutdrag does not say that no gallringsbeslut is recorded")
	}
	const page = "/k/1273/gallring"
	if res := coordinator.get(page); res.Status == http.StatusOK {
		t.Error("a coordinator reached the gallring page")
	}
	res := admin.get(page)
	if res.Status != http.StatusOK || !strings.Contains(html.UnescapeString(res.Body), "Inget gallringsbeslut är registrerat: inga personuppgifter gallras") {
		t.Fatalf("the page without a decision: %d, does not say that nothing is erased", res.Status)
	}
	if !strings.Contains(admin.get("/k/1273/installningar").Body, `href="/k/1273/gallring"`) {
		t.Error("the settings page does not lead to the gallring page")
	}
	for _, label := range []string{"Diarienummer", "Beslutsdatum", "Månader efter avregistrering ur KAA-registret",
		"Månader efter avslutat projektdeltagande", "Månader efter identifiering för den som aldrig registrerats"} {
		if !strings.Contains(res.Body, label) {
			t.Errorf("the form has no field %q", label)
		}
	}
	// No months of ours preselected: an empty form until someone decides.
	if strings.Contains(res.Body, `name="kaa_months" value="24"`) || !strings.Contains(res.Body, `name="kaa_months" value=""`) {
		t.Error("the form suggests months nobody decided")
	}

	good := url.Values{"reference": {"BUN 2026/123"}, "decided_on": {"2026-11-20"}, "decided_by": {"Barn- och utbildningsnämnden"},
		"kaa_months": {"24"}, "project_months": {"120"}, "unenrolled_months": {"6"}, "action": {"record"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for kk, vv := range good {
			f[kk] = vv
		}
		f.Set(k, v)
		return f
	}
	written := func() int {
		return a.count(`SELECT count(*) FROM retention_decisions`) + a.count(`SELECT count(*) FROM audit_events WHERE action = 'retention.decision'`)
	}
	for _, tc := range []struct {
		field, value, msg string
	}{
		{"reference", "", "Skriv beslutets diarienummer."},
		{"reference", strings.Repeat("x", 101), "Diarienumret får vara högst 100 tecken."},
		{"decided_on", "2099-01-01", "Beslutsdatumet ligger i framtiden."},
		{"decided_on", "", "Skriv beslutsdatumet."},
		{"decided_on", "20 nov", "Skriv datumet som ÅÅÅÅ-MM-DD"},
		{"decided_by", "", "Skriv vilken nämnd som fattade beslutet."},
		{"kaa_months", "0", "Skriv ett antal månader mellan 1 och 240."},
		{"project_months", "241", "Skriv ett antal månader mellan 1 och 240."},
		{"unenrolled_months", "sex", "Skriv ett antal månader mellan 1 och 240."},
	} {
		res := admin.post(page, with(tc.field, tc.value))
		next := regexp.MustCompile(`id="f-` + tc.field + `-error"><span class="sr-only">Fel: </span>` + regexp.QuoteMeta(tc.msg))
		if res.Status != http.StatusUnprocessableEntity || !next.MatchString(html.UnescapeString(res.Body)) {
			t.Errorf("%s=%q: %d, want 422 and %q next to the field", tc.field, tc.value, res.Status, tc.msg)
		}
		if strings.Contains(res.Body, `data-testid="confirm"`) {
			t.Errorf("%s=%q: asked before the input was right", tc.field, tc.value)
		}
	}
	if n := written(); n != 0 {
		t.Fatalf("bad input wrote %d rows", n)
	}

	// The preview says what the values would erase today, and writes nothing.
	res = admin.post(page, with("action", "preview"))
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `data-testid="preview"`) ||
		!strings.Contains(html.UnescapeString(res.Body), "skulle i dag 2 personer: 0 efter avregistrering ur KAA-registret, 0 efter avslutat projektdeltagande och 2 som identifierats men aldrig registrerats gallras") {
		t.Errorf("preview: %d\n%s", res.Status, res.Body)
	}
	if n := written(); n != 0 {
		t.Fatalf("the preview wrote %d rows", n)
	}

	// Recording asks first, saying whom the decision covers; yes records it.
	res = admin.post(page, good)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `data-testid="confirm"`) || !strings.Contains(html.UnescapeString(res.Body), "2 personer") {
		t.Fatalf("recording did not ask how many would go: %d", res.Status)
	}
	if n := written(); n != 0 {
		t.Fatal("the decision was recorded before the answer")
	}
	yes := with("bekraftat", "ja")
	if res := admin.post(page, yes); res.Status != http.StatusSeeOther {
		t.Fatalf("recording: %d", res.Status)
	}
	if n := a.count(`SELECT count(*) FROM retention_decisions WHERE tenant_id = $1 AND reference = 'BUN 2026/123' AND decided_on = '2026-11-20'
		AND decided_by = 'Barn- och utbildningsnämnden' AND kaa_months = 24 AND project_months = 120 AND unenrolled_months = 6 AND recorded_by = $2`,
		osby, a.userID("admin@osby.demo")); n != 1 {
		t.Error("the decision was not recorded as entered, by the admin")
	}
	if n := a.count(`SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = 'retention.decision' AND record_id = 'BUN 2026/123'
		AND detail->>'decided_by' = 'Barn- och utbildningsnämnden' AND (detail->>'kaa_months')::int = 24`, osby); n != 1 {
		t.Error("the decision is not in the audit log")
	}
	body := html.UnescapeString(admin.get(page).Body)
	if strings.Contains(body, "Inget gallringsbeslut") || !strings.Contains(body, `data-testid="current-decision"`) || !strings.Contains(body, "BUN 2026/123") {
		t.Error("the page does not show the decision in force")
	}
	if !strings.Contains(extract(), "Enligt kommunens gallringsbeslut (Barn- och utbildningsnämnden, 2026-11-20, diarienummer BUN 2026/123)") {
		t.Error("the registerutdrag does not name the gallringsbeslut in force")
	}
	// Recorded through the page, the decision is what the erase run uses.
	if n := a.count(`SELECT count(*) FROM retention_due($1, current_date, 24, 120, 6)`, osby); n != 2 {
		t.Errorf("%d due under the decision, want 2", n)
	}

	// A new decision supersedes; the first stays in the history.
	second := with("reference", "BUN 2026/200")
	second.Set("unenrolled_months", "48")
	second.Set("bekraftat", "ja")
	if res := admin.post(page, second); res.Status != http.StatusSeeOther {
		t.Fatalf("the second decision: %d", res.Status)
	}
	body = admin.get(page).Body
	current := body[strings.Index(body, `data-testid="current-decision"`):]
	current = current[:strings.Index(current, "</section>")]
	history := body[strings.Index(body, `data-testid="decisions"`):]
	if !strings.Contains(current, "BUN 2026/200") || strings.Contains(current, "BUN 2026/123") ||
		!strings.Contains(history, "BUN 2026/200") || !strings.Contains(history, "BUN 2026/123") {
		t.Error("the newer decision is not in force with the earlier one in the history")
	}
	if !strings.Contains(body, `name="unenrolled_months" value="48"`) {
		t.Error("the form does not start from the decision in force")
	}
	if !strings.Contains(html.UnescapeString(body), "Enligt beslutet skulle i dag ingen gallras") {
		t.Error("the page does not say that under the decision in force no one is due today")
	}
}

package ui_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kaa-plattform/kaa/internal/seed"
)

// A coordinator at a desktop filters the list, marks two young people and
// gives them to a colleague, with the keyboard alone.
func TestJourneyBulkAssign(t *testing.T) {
	t.Parallel()
	a, k := desktopJourney(t)
	fia := a.userID("flera@within.demo")
	fias := func() int {
		return a.count(`SELECT count(*) FROM participant_coordinators WHERE user_id = $1 AND tenant_id = $2`, fia, a.orgID("1273"))
	}
	before := fias()

	k.signIn(a.srv.URL, "samordnare@osby.demo", seed.DemoPassword)
	k.goTo(a.srv.URL + "/k/1273/deltagare?status=identified")
	k.check(`tbody tr:nth-child(1) input[name="id"]`)
	k.check(`tbody tr:nth-child(2) input[name="id"]`)
	k.choose("#f-ansvarig", "Fia Flerroll")
	k.pick("satt", "replace")
	k.press(`button[formaction="/k/1273/deltagare/markerade/tilldela"]`, nil)
	k.waitText(".flash", "Ansvarig samordnare är ändrad för 2 personer.")
	if got := fias(); got != before+2 {
		t.Errorf("Fia is responsible for %d, want %d", got, before+2)
	}
	// Back on the same filtered list, where the rows say who is responsible now.
	k.waitText(`[data-testid="status-counts"] [aria-current="page"]`, "Identifierad")
	k.waitText(`tbody tr:nth-child(1) [data-testid="responsible"]`, "Fia Flerroll")
	if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'participant.assign'`); n != 2 {
		t.Errorf("%d audit rows, want one per person (2)", n)
	}
}

// A municipality administrator hands all but one of a coordinator's young
// people over to a colleague, with a note, with the keyboard alone.
func TestJourneyHandover(t *testing.T) {
	t.Parallel()
	a, k := desktopJourney(t)
	osby, leaver, fia := a.orgID("1273"), a.userID("samordnare@osby.demo"), a.userID("flera@within.demo")
	held := func(user int) int {
		return a.count(`SELECT count(*) FROM participant_coordinators WHERE tenant_id = $1 AND user_id = $2`, osby, user)
	}
	n, fiaBefore := held(leaver), held(fia)
	if n < 3 {
		t.Fatalf("the demo's coordinator has %d young people", n)
	}

	k.signIn(a.srv.URL, "admin@osby.demo", seed.DemoPassword)
	k.press(`nav a[href="/k/1273/overlamning"]`, chromedp.WaitVisible(chromedp.ID("f-fran")))
	k.choose("#f-fran", fmt.Sprintf("Samordnare Osby (%d ungdomar)", n))
	k.press(`main form[method="get"] button`, chromedp.WaitVisible(chromedp.CSS(`[data-testid="caseload-count"]`)))
	k.waitText(`[data-testid="caseload-count"]`, fmt.Sprintf("är ansvarig för %d ungdomar", n))
	// Everyone is marked; one stays.
	k.focus(`[data-testid="handover-form"] input[name="id"]`)
	k.keys(" ")
	k.check(fmt.Sprintf("#t-%d", fia))
	k.fill("#f-notering", "Slutar vid årsskiftet")
	k.press(`[data-testid="handover-form"] button[type="submit"]`, nil)
	k.waitText(".flash", fmt.Sprintf("Klart: %d ungdomar har fått en ny ansvarig samordnare.", n-1))
	k.waitText(`[data-testid="caseload-count"]`, "är ansvarig för 1 ungdom")
	if held(leaver) != 1 || held(fia) != fiaBefore+n-1 {
		t.Errorf("after the handover: %d left, Fia has %d; want 1 and %d", held(leaver), held(fia), fiaBefore+n-1)
	}
	if got := a.count(`SELECT count(*) FROM audit_events WHERE action = 'participant.handover' AND detail ->> 'note' = 'Slutar vid årsskiftet'`); got != n-1 {
		t.Errorf("%d audit rows with the note, want one per person (%d)", got, n-1)
	}
}

package ui_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kaa-plattform/kaa/internal/seed"
)

// TestJourneySMS: a coordinator at a 1280 px screen sends an SMS from the
// person page through the test gateway and sees it logged as a contact,
// then delivered once the gateway's report has come.
func TestJourneySMS(t *testing.T) {
	t.Parallel()
	a, g := newSMSApp(t, 5*time.Second)
	_, id, _ := alva(a)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	k := keyboard{t, ctx}
	k.signIn(a.srv.URL, "samordnare@osby.demo", seed.DemoPassword)
	page := fmt.Sprintf("%s/k/1273/deltagare/%d", a.srv.URL, id)
	k.goTo(page)
	k.fill("#f-text", "Hej Alva, vill du ses på torsdag?")
	k.press(`#sms button[type="submit"]`, chromedp.WaitVisible(chromedp.CSS(`[data-testid="sms-lines"]`)))
	k.waitText(".flash", "Sms:et är skickat")
	k.waitText("#timeline", "Hej Alva, vill du ses på torsdag?")
	if g.count() != 1 {
		t.Fatalf("the gateway got %d messages", g.count())
	}
	a.waitFor(1, `SELECT count(*) FROM sms_messages WHERE participant_id = $1 AND status = 'delivered'`, id)
	k.goTo(page)
	k.waitText(`[data-testid="sms-lines"]`, "Levererat")
	snapScreen(t, ctx, shots(t), "sms-levererat")
}

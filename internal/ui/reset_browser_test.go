package ui_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/pquerna/otp/totp"

	"github.com/kaa-plattform/kaa/internal/mail/smtptest"
	"github.com/kaa-plattform/kaa/internal/seed"
	"github.com/kaa-plattform/kaa/internal/ui"
)

// wait waits for an element, failing the test with sel's name.
func (k keyboard) wait(sel string) {
	k.t.Helper()
	ctx, cancel := context.WithTimeout(k.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		k.t.Fatalf("waiting for %s: %v; the page says: %s", sel, err, k.text("main"))
	}
}

// TestBrowserPasswordReset: from the sign-in page's "Glömt lösenordet?"
// to the link in the e-mail (from a real SMTP server), a new password, and
// signing in with it and the code from the app, with the keyboard alone;
// the link then refuses a second use.
func TestBrowserPasswordReset(t *testing.T) {
	t.Parallel()
	box := smtptest.Start(t)
	a := newApp(t, withMail(box))
	const email = "samordnare@osby.demo"
	c := a.client()
	c.signIn(email)
	secret := setUpTwoFactor(t, c)
	base := a.srv.URL
	k := keyboard{t, browser(t)}

	k.goTo(base + "/logga-in")
	k.press(`[data-testid="forgot"]`, chromedp.WaitVisible(chromedp.CSS(`form[action="/glomt-losenord"] #f-email`)))
	k.fill("#f-email", email)
	k.keys(kb.Enter)
	k.wait(`[data-testid="reset-sent"]`)
	link := resetLinkRE.FindString(box.Wait(t, email, ui.ResetSubject).Body)
	if link == "" {
		t.Fatal("no link in the message")
	}

	k.goTo(base + link)
	const next = "sommar vid havet i osby"
	k.fill("#f-new", next)
	k.fill("#f-confirm", next)
	k.keys(kb.Enter)
	k.waitText(`[data-testid="reset-done"]`, "Lösenordet är bytt")
	box.Wait(t, email, "Ditt lösenord i KAA-registret är bytt")
	k.press(`[data-testid="to-signin"]`, chromedp.WaitVisible(chromedp.CSS(`form[action="/logga-in"] #f-email`)))

	// The new password, then the second factor: a reset does not skip it.
	k.fill("#f-email", email)
	k.fill("#f-password", next)
	k.keys(kb.Enter)
	k.wait(`form[action="/logga-in/kod"] #f-code`)
	code, err := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	k.fill("#f-code", code)
	k.keys(kb.Enter)
	k.wait(`[data-testid="signed-in-as"]`)

	// The link works once.
	k.signOut()
	k.goTo(base + link)
	k.waitText(`[data-testid="reset-refused"]`, "Länken har redan använts")
}

// TestBrowserResetTwoFactor: an administrator resets a coordinator's second
// factor with the keyboard, answering the one question; the coordinator is
// told by e-mail and, at the next sign-in, is asked to set up the app again.
func TestBrowserResetTwoFactor(t *testing.T) {
	t.Parallel()
	box := smtptest.Start(t)
	a := newApp(t, withMail(box))
	const email = "samordnare@osby.demo"
	c := a.client()
	c.signIn(email)
	setUpTwoFactor(t, c)
	base := a.srv.URL
	k := keyboard{t, browser(t)}

	k.signIn(base, "admin@osby.demo", seed.DemoPassword)
	k.goTo(base + "/k/1273/anvandare/" + strconv.Itoa(a.userID(email)))
	k.press(`[data-testid="reset-two-factor"]`, chromedp.WaitVisible(chromedp.CSS(`[data-testid="confirm"]`)))
	k.press(`[data-testid="confirm"] button.danger`, chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)))
	k.waitText(`[data-testid="flash"]`, "Tvåstegsinloggningen är återställd")
	box.Wait(t, email, "Din tvåstegsinloggning i KAA-registret är återställd")

	k.signOut()
	k.signIn(base, email, seed.DemoPassword)
	k.goTo(base + "/k/1273/deltagare")
	k.wait(`[data-testid="totp-secret"]`)
}

package ui_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/pquerna/otp/totp"

	"github.com/kaa-plattform/kaa/internal/oidctest"
)

// atProvider signs in at the provider's own form (not this service's page)
// and waits until the browser is back here, signed in or at wait.
func (k keyboard) atProvider(username, wait string) {
	k.t.Helper()
	ctx, cancel := context.WithTimeout(k.ctx, stepTimeout)
	defer cancel()
	err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), username), chromedp.SendKeys(chromedp.CSS("#password"), oidctest.Password+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(wait)))
	if err != nil {
		main := []rune(k.text("body"))
		loc, _ := chromedp.Run(k.ctx, chromedp.Evaluate[string](`location.href`))
		k.t.Fatalf("signing in at the provider as %s: %v; at %s the page says: %s", username, err, loc, string(main[:min(len(main), 600)]))
	}
}

// TestBrowserSignInThroughEntra: in Chromium, with the keyboard, an invited
// coordinator signs in through Osby's Entra-like provider the first time
// (her e-mail address finds it); after Entra changes her address she signs
// in again, chosen from the list, and is the same account. Through a
// provider that names no strong method she is asked for the product's own
// code.
func TestBrowserSignInThroughEntra(t *testing.T) {
	t.Parallel()
	a, keys := idpApp(t)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	k := keyboard{t, ctx}
	entra := oidctest.Start(t, oidctest.Options{Entra: true})
	ref := connectIDP(t, a, "1273", "admin@osby.demo", entra, "osby-kaa", "osby.se", "", true)
	admin := a.client()
	admin.signIn("admin@osby.demo")
	admin.post("/k/1273/anvandare", url.Values{"email": {"anna.berg@osby.se"}, "name": {"Anna Berg"}, "password": {"tillfalligt-losen-1"}, "role": {"coordinator"}})
	entra.AddUser("f1e2d3c4-0001", "anna", "anna.berg@osby.se", "Anna Berg")

	k.goTo(a.srv.URL + "/logga-in")
	k.fill("#f-org_email", "anna.berg@osby.se")
	k.keys(kb.Enter)
	k.press(`[data-testid="org-continue"]`, nil)
	k.atProvider("anna", `[data-testid="signed-in-as"]`)
	if got := k.text(`[data-testid="signed-in-as"]`); !strings.Contains(got, "Anna Berg") {
		t.Errorf("signed in as %q", got)
	}
	k.signOut()

	entra.SetEmail("f1e2d3c4-0001", "anna.lind@osby.se")
	k.goTo(a.srv.URL + "/logga-in")
	k.open(`[data-testid="signin-org"] summary`)
	k.press(`a[href="/logga-in/oidc/`+ref+`"]`, nil)
	k.atProvider("anna", `[data-testid="signed-in-as"]`)
	if got := k.text(`[data-testid="signed-in-as"]`); !strings.Contains(got, "Anna Berg") {
		t.Errorf("after the address changed, signed in as %q", got)
	}
	if n := a.count(`SELECT count(*) FROM user_identities WHERE user_id = $1`, a.userID("anna.berg@osby.se")); n != 1 {
		t.Errorf("%d links, want 1", n)
	}
	k.signOut()

	// Her account now has an authenticator app; Entra names no strong
	// method, so the product asks for its own code.
	secret := enableTOTP(t, a, keys, "anna.berg@osby.se")
	k.goTo(a.srv.URL + "/logga-in")
	k.fill("#f-org_email", "anna.lind@osby.se")
	k.keys(kb.Enter)
	k.press(`[data-testid="org-continue"]`, nil)
	k.atProvider("anna", `input[name="code"]`)
	code, err := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	k.fill(`input[name="code"]`, code)
	k.keys(kb.Enter)
	k.waitText(`[data-testid="signed-in-as"]`, "Anna Berg")
}

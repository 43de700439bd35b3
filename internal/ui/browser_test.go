package ui_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kaa-plattform/kaa/internal/seed"
)

// browser starts Debian's headless Chromium for one test, in Swedish as the
// staff's browsers are (date fields read ÅÅÅÅ-MM-DD and take the keys so).
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed; `make test` installs it (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.WindowSize(390, 844), chromedp.Flag("lang", "sv-SE"), chromedp.Env("LANGUAGE=sv_SE", "LANG=sv_SE.UTF-8"))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	lang, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.language`))
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if lang != "sv-SE" {
		t.Fatalf("Chromium runs in %q, not Swedish; `make test` installs its translations (apt-get install chromium-l10n)", lang)
	}
	return ctx
}

// passwordSignIn is the steps of signing in with the password from the sign-in page
// (signing out whoever is signed in first), then waiting for then.
func passwordSignIn(base, email string, then chromedp.Action[chromedp.Void]) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/logga-in"),
		chromedp.WaitReady(chromedp.CSS("main")),
		chromedp.Evaluate[chromedp.Void](`(document.querySelector("form[action='/logga-ut']") || {submit() {}}).submit(); ({})`),
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), email),
		chromedp.SendKeys(chromedp.ID("f-password"), seed.DemoPassword),
		chromedp.Submit(chromedp.ID("f-password")),
		then,
	}
}

// TestBrowserCoordinatorLogsContact: a coordinator signs in on a phone-sized
// screen, finds a young person by personnummer as she types, logs an SMS with
// the quick form and sees it on the timeline without a page load.
func TestBrowserCoordinatorLogsContact(t *testing.T) {
	a := newApp(t)
	ctx := browser(t)
	_, err := a.db.Owner.Exec(context.Background(), `
		INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
		VALUES ($1, '200803010024', '2008-03-01', 'Alva', 'Andersson'), ($1, '200706151230', '2007-06-15', 'Bo', 'Berg')`, a.orgID("1273"))
	if err != nil {
		t.Fatal(err)
	}
	base := a.srv.URL
	err = chromedp.Do(ctx, append(passwordSignIn(base, "samordnare@osby.demo", chromedp.WaitVisible(chromedp.CSS(`[data-testid="current-context"]`))),
		chromedp.Navigate(base+"/k/1273/deltagare"),
		chromedp.WaitVisible(chromedp.ID("f-q")),
		chromedp.SendKeys(chromedp.ID("f-q"), "080301-0024"),
	)...)
	if err != nil {
		t.Fatalf("sign in and search: %v", err)
	}
	// htmx replaces the results as she types: wait until only Alva is left.
	var total string
	for i := 0; i < 50 && total != "1 deltagare"; i++ {
		total, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid="total"]`)))
		time.Sleep(100 * time.Millisecond)
	}
	if total != "1 deltagare" {
		t.Fatalf("search as you type shows %q", total)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if strings.Contains(loc, "0803") {
		t.Errorf("the personnummer ended up in the URL: %s", loc)
	}
	snap(t, ctx, shots(t), "deltagarlista")
	note := "Skickade sms om tid för möte"
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="participants"] a`)),
		chromedp.WaitVisible(chromedp.ID("contact-form")),
		chromedp.SetValue(chromedp.ID("f-channel"), "sms"),
		chromedp.Click(chromedp.ID("f-reached-no")),
		chromedp.SendKeys(chromedp.ID("f-note"), note),
		chromedp.Click(chromedp.CSS(`#contact-form button[type="submit"]`)),
	)
	if err != nil {
		t.Fatalf("log contact: %v", err)
	}
	var timeline string
	for i := 0; i < 50 && !strings.Contains(timeline, note); i++ {
		timeline, _ = chromedp.Run(ctx, chromedp.Text(chromedp.ID("timeline")))
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(timeline, note) || !strings.Contains(timeline, "Sms") {
		t.Fatalf("the timeline does not show the new contact: %q", timeline)
	}
	// The message at the top of the fresh form says it was saved, and has
	// the focus, so a screen reader reads it.
	saved, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.matches('[data-testid="contact-saved"]') ? document.activeElement.textContent : ''`))
	if !strings.Contains(saved, "Kontakten (sms) är sparad") {
		t.Errorf("the focus is not on the message that the contact was saved: %q", saved)
	}
	// The form is fresh again, and the page did not reload (htmx swapped it).
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f-note"))); v != "" {
		t.Errorf("the note field still holds %q", v)
	}
	snap(t, ctx, shots(t), "deltagare-kontakt")
	if n := a.count(`SELECT count(*) FROM contacts WHERE note = $1 AND channel = 'sms' AND NOT reached`, note); n != 1 {
		t.Errorf("%d contacts stored", n)
	}
}

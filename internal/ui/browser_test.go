package ui_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kaa-plattform/kaa/internal/seed"
)

// browsers bounds how many Chromiums run at once. Each is a handful of
// processes that want a core of their own, and the server and PostgreSQL
// they drive want the rest: on a two-core machine more than two at once
// only makes every step of every one of them slower.
var browsers = make(chan struct{}, 2)

// stepTimeout bounds one step of a browser test: a page to load, an htmx
// swap to land, the focus to move, a download to finish. A step takes well
// under a second on an idle machine; the bound is for a machine so busy that
// the test is meaningless, and to fail with the step's name instead of the
// whole binary's timeout.
const stepTimeout = 90 * time.Second

// browser starts Debian's headless Chromium for one test, in Swedish as the
// staff's browsers are (date fields read ÅÅÅÅ-MM-DD and take the keys so).
// It waits for a free slot (see browsers); the browser lives until the
// test's own deadline, less a little to report what it was waiting for.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed; `make test` installs it (apt-get install chromium)")
	}
	browsers <- struct{}{}
	t.Cleanup(func() { <-browsers }) // runs last, after the browser is gone
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.WindowSize(390, 844), chromedp.Flag("lang", "sv-SE"), chromedp.Env("LANGUAGE=sv_SE", "LANG=sv_SE.UTF-8"))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelDeadline := untilTestDeadline(t, ctx)
	t.Cleanup(func() { cancelDeadline(); cancel(); cancelAlloc() })
	lang, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.language`))
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if lang != "sv-SE" {
		t.Fatalf("Chromium runs in %q, not Swedish; `make test` installs its translations (apt-get install chromium-l10n)", lang)
	}
	return ctx
}

// untilTestDeadline ends ctx half a minute before the test binary's
// deadline (go test -timeout), so that a step still waiting then fails with
// its own message instead of the binary's panic; without a deadline, never.
func untilTestDeadline(t *testing.T, ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := t.Deadline(); ok {
		return context.WithDeadline(ctx, d.Add(-30*time.Second))
	}
	return context.WithCancel(ctx)
}

// eventually calls done until it reports true, for at most stepTimeout.
// An error from done is not the end: a page being replaced (a navigation,
// an htmx swap) makes reads fail for a moment. When time is up, it returns
// the context's error with done's last one.
func eventually(ctx context.Context, done func(ctx context.Context) (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	var last error
	for {
		ok, err := done(ctx)
		if ok && err == nil {
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			if last != nil {
				return fmt.Errorf("%w (last: %v)", ctx.Err(), last)
			}
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// click clicks the first element matching the CSS selector sel once it is
// visible. The element is looked up again if it was replaced between the
// lookup and the click (htmx swapping the part of the page it is in), so a
// click never goes to a node that is gone.
func click(ctx context.Context, sel string) error {
	return eventually(ctx, func(ctx context.Context) (bool, error) {
		err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel)))
		return err == nil, err
	})
}

// passwordSignIn is the steps of signing in with the password from the sign-in page
// (signing out whoever is signed in first), then waiting for then.
func passwordSignIn(base, email string, then chromedp.Action[chromedp.Void]) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/logga-in"),
		chromedp.WaitReady(chromedp.CSS("main")),
		chromedp.Evaluate[chromedp.Void](`(document.querySelector("form[action='/logga-ut']") || {submit() {}}).submit(); ({})`),
		// The sign-in page of the signed-out browser, not the one still
		// showing while the sign-out is on its way: typing into that one
		// would be lost with it.
		chromedp.WaitNotPresent(chromedp.CSS("form[action='/logga-ut']")),
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
	t.Parallel()
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
	if err := eventually(ctx, func(ctx context.Context) (bool, error) {
		var err error
		total, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid="total"]`)))
		return total == "1 deltagare", err
	}); err != nil {
		t.Fatalf("search as you type shows %q (%v)", total, err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if strings.Contains(loc, "0803") {
		t.Errorf("the personnummer ended up in the URL: %s", loc)
	}
	snap(t, ctx, shots(t), "deltagarlista")
	note := "Skickade sms om tid för möte"
	// A late answer to an earlier keystroke may still replace the list.
	if err := click(ctx, `[data-testid="participants"] a`); err != nil {
		t.Fatalf("open the participant: %v", err)
	}
	// Each step is one that may be repeated (set a value, choose a radio
	// button), and is, when the form was replaced under it: the page goes on
	// loading its parts after the form is first visible.
	for _, step := range []chromedp.Action[chromedp.Void]{
		chromedp.WaitVisible(chromedp.ID("contact-form")),
		chromedp.SetValue(chromedp.ID("f-channel"), "sms"),
		chromedp.Click(chromedp.ID("f-reached-no")),
		chromedp.SetValue(chromedp.ID("f-note"), note),
	} {
		if err := eventually(ctx, func(ctx context.Context) (bool, error) { return true, chromedp.Do(ctx, step) }); err != nil {
			t.Fatalf("log contact: %v", err)
		}
	}
	// htmx must have taken the form over before it is sent: on a busy
	// machine its deferred script may still be loading when the form is
	// visible, and the form then goes as a plain POST (the page reloads with
	// a flash, which works, but is not what this test checks).
	if err := eventually(ctx, func(ctx context.Context) (bool, error) {
		return chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !!window.htmx && (window.kaaSamePage = true)`))
	}); err != nil {
		t.Fatalf("htmx did not load: %v", err)
	}
	// Submitted once, as Enter on the button would: a mouse click that
	// chromedp retries on a busy machine could land a second time, on the
	// fresh form swapped in by the first, and take the focus from the
	// message this test checks.
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`#contact-form button[type="submit"]`)),
		chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatalf("log contact: %v", err)
	}
	var timeline string
	err = eventually(ctx, func(ctx context.Context) (bool, error) {
		var err error
		timeline, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("timeline")))
		return strings.Contains(timeline, note), err
	})
	if err != nil || !strings.Contains(timeline, "Sms") {
		t.Fatalf("the timeline does not show the new contact: %q", timeline)
	}
	// The message at the top of the fresh form says it was saved, and has
	// the focus, so a screen reader reads it. htmx moves the focus once the
	// new form has settled, which may be a moment after the timeline shows.
	var saved string
	eventually(ctx, func(ctx context.Context) (bool, error) {
		var err error
		saved, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.matches('[data-testid="contact-saved"]') ? document.activeElement.textContent : ''`))
		return strings.Contains(saved, "Kontakten (sms) är sparad"), err
	})
	if same, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.kaaSamePage === true`)); !same {
		t.Error("the page reloaded: the contact form was sent as a plain POST, not swapped by htmx")
	}
	if !strings.Contains(saved, "Kontakten (sms) är sparad") {
		active, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.outerHTML.slice(0, 300)`))
		t.Errorf("the focus is not on the message that the contact was saved but on %s", active)
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

package ui_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/kaa-plattform/kaa/internal/seed"
)

// TestWithoutJavaScript: with scripts turned off in Chromium, a coordinator
// still imports a list, searches, logs a contact and ends an enrolment: every
// form is a plain HTML form, and htmx only makes some of them quicker.
func TestWithoutJavaScript(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := browser(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	k := keyboard{t, ctx}
	base := a.srv.URL
	file := filepath.Join(t.TempDir(), "kaa-lista.csv")
	if err := os.WriteFile(file, []byte(kaaList), 0o644); err != nil {
		t.Fatal(err)
	}
	k.signIn(base, "samordnare@osby.demo", seed.DemoPassword)
	if ran, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.htmx !== 'undefined'`)); ran {
		t.Fatal("htmx ran: scripts are not off")
	}

	k.goTo(base + "/k/1273/deltagare/import")
	k.focus(`input[type="file"]`)
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"]`), []string{file})); err != nil {
		t.Fatal(err)
	}
	k.press(`main form button[type="submit"]`, chromedp.WaitVisible(chromedp.CSS(`[data-testid="import-counts"]`)))
	k.press(`form[action$="/bekrafta"] button`, nil)
	k.waitText(".flash", "Importen är klar: 3 nya")

	// The search posts the form and shows the answer as a new page; the
	// personnummer stays out of the address.
	k.fill("#f-q", "080301-0024")
	k.keys("\r")
	k.waitText(`[data-testid="total"]`, "1 deltagare")
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); strings.Contains(loc, "0803") {
		t.Errorf("the personnummer is in the address: %s", loc)
	}
	k.press(`[data-testid="participants"] a`, chromedp.WaitVisible(chromedp.ID("contact-form")))

	k.choose("#f-channel", "Telefonsamtal")
	k.pick("reached", "yes")
	k.fill("#f-note", "Ringde utan skript")
	k.press(`#contact-form button[type="submit"]`, nil)
	k.waitText(".flash", "Kontakten är sparad.")
	k.waitText("#timeline", "Ringde utan skript")

	k.open(`details:has(form[action$="/avsluta"]) > summary`)
	k.choose(`select[id^="f-end_reason_"]`, "Flyttat till annan kommun")
	k.choose(`select[id^="f-moved_to_"]`, "Kiruna")
	k.press(`form[action$="/avsluta"] button`, chromedp.WaitVisible(chromedp.CSS(`[data-testid="confirm"]`)))
	k.press(`[data-testid="confirm"] button.danger`, nil)
	k.waitText(".flash", "Avregistreringen är sparad.")

	alva := a.count(`SELECT id FROM participants WHERE personnummer = '200803010024'`)
	if n := a.count(`SELECT count(*) FROM contacts WHERE participant_id = $1 AND channel = 'phone' AND reached AND note = 'Ringde utan skript'`, alva); n != 1 {
		t.Errorf("%d contacts stored, want 1", n)
	}
	if n := a.count(`SELECT count(*) FROM enrolments WHERE participant_id = $1 AND end_reason = 'moved'`, alva); n != 1 {
		t.Errorf("%d ended enrolments, want 1", n)
	}
}

// TestOneHandedPhone: on a 360-pixel phone the participant page and the
// quick contact form are usable with one thumb: a button at the top jumps to
// the form, every control is at least 44 × 44 pixels, the save button spans
// the screen, and nothing scrolls sideways.
func TestOneHandedPhone(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := browser(t)
	pid, _, _ := a.fixture("1273", "samordnare@osby.demo", "Alva", "Andersson")
	k := keyboard{t, ctx}
	k.signIn(a.srv.URL, "samordnare@osby.demo", seed.DemoPassword)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/k/1273/deltagare/%d", pid)
	k.goTo(a.srv.URL + page)

	jump, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector('[data-testid="jump-contact"]').getBoundingClientRect().bottom`))
	if err != nil || jump > 740 {
		t.Fatalf("the jump to the contact form is not on the first screen (bottom at %v px, %v)", jump, err)
	}
	top, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector('[data-testid="jump-contact"]').click(), new Promise(r => requestAnimationFrame(() => r(document.getElementById('kontakt').getBoundingClientRect().top)))`, chromedp.EvalAwaitPromise))
	if err != nil || top < -1 || top > 100 {
		t.Errorf("after the jump the contact form starts at %v px, want at the top (%v)", top, err)
	}
	small, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#contact-form select, #contact-form input:not([type=radio]):not([type=hidden]), #contact-form textarea, #contact-form button, #contact-form .choice')]
		.filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44 })
		.map(e => (e.id || e.className || e.tagName) + ' ' + Math.round(e.getBoundingClientRect().width) + '×' + Math.round(e.getBoundingClientRect().height))`))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range small {
		t.Errorf("a control of the contact form is smaller than 44 × 44 px: %s", s)
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector('#contact-form button[type=submit]').getBoundingClientRect().width / document.getElementById('contact-form').getBoundingClientRect().width`))
	if err != nil || width < 0.99 {
		t.Errorf("the save button spans %.0f %% of the form, want all of it (%v)", 100*width, err)
	}
	if wide, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`)); wide {
		t.Error("the participant page scrolls sideways on a 360 px phone")
	}
	snapScreen(t, ctx, shots(t), "telefon-360-kontakt")
}

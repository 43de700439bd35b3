package ui_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/kaa-plattform/kaa/internal/seed"
)

// TestBrowserPrintLetter: at 1280 px a coordinator gives her phone on Mina
// kontaktuppgifter, opens a young person, chooses "Kallelse till möte", fills
// in the day, time and place, previews and prints. The print view shows the
// merged letter with the municipality as letterhead and her phone; on paper
// it is one A4 page without the app's menu, the address where a window
// envelope shows it; and the letter is in the person's timeline.
func TestBrowserPrintLetter(t *testing.T) {
	t.Parallel()
	a, k := desktopJourney(t)
	dir := shots(t)
	base := a.srv.URL
	pid := a.youngPerson("1273", "201006010003", "2010-06-01", "Lova", "Brevsson")
	person := fmt.Sprintf("%s/k/1273/deltagare/%d", base, pid)

	k.signIn(base, "samordnare@osby.demo", seed.DemoPassword)
	k.goTo(base + "/konto/kontaktuppgifter")
	k.fill("#f-phone", "0479-52 81 00")
	k.press(`form[action="/konto/kontaktuppgifter"] button[type="submit"]`, chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)))
	k.waitText(`[data-testid="flash"]`, "Telefonnumret är sparat")

	k.goTo(person)
	k.press(`[data-testid="write-letter"]`, chromedp.WaitVisible(chromedp.CSS(`input[name="letter"]`)))
	k.pick("letter", "meeting")
	k.date("#f-meeting_date", day(7))
	k.focus("#f-meeting_time")
	k.keys("1430")
	if v, _ := chromedp.Run(k.ctx, chromedp.Evaluate[string](`document.querySelector('#f-meeting_time').value`)); v != "14:30" {
		t.Fatalf("the time field holds %q", v)
	}
	k.fill("#f-meeting_place", "Ungdomens hus, Storgatan 3")
	k.press(`[data-testid="preview"]`, chromedp.WaitVisible(chromedp.CSS(`[data-testid="letter-preview"]`)))
	k.waitText(`[data-testid="letter-preview"]`, "Ungdomens hus, Storgatan 3")
	if n := a.count(`SELECT count(*) FROM contacts WHERE participant_id = $1`, pid); n != 0 {
		t.Fatalf("the preview logged %d contacts", n)
	}
	snap(t, k.ctx, dir, "brev-1-forhandsgranska")

	k.press(`[data-testid="print"]`, chromedp.WaitVisible(chromedp.CSS(`[data-testid="letter-logged"]`)))
	letter := k.text(`[data-testid="letter"]`)
	for _, want := range []string{"Osby kommun", "Hej Lova!", "Lova Brevsson", "Storgatan 3", "klockan 14:30", "Var: Ungdomens hus, Storgatan 3",
		"Ring mig på 0479-52 81 00", "samordnare@osby.demo", "Kommunens aktivitetsansvar betyder", "frivilligt"} {
		if !strings.Contains(letter, want) {
			t.Errorf("the printed letter lacks %q:\n%s", want, letter)
		}
	}
	if got := k.text(`[data-testid="letterhead"]`); got != "Osby kommun" {
		t.Errorf("letterhead %q", got)
	}
	if hidden, _ := chromedp.Run(k.ctx, chromedp.Evaluate[bool](`document.querySelector('[data-print]').hidden`)); hidden {
		t.Error("the print button stays hidden with scripts on")
	}
	snap(t, k.ctx, dir, "brev-2-utskrift")

	// On paper: one A4 page, no menu, the address in the envelope window.
	css := true
	res, err := chromedp.Call(k.ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &css})
	pdf := res.Data
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "brev-3-a4.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); pages != 1 {
		t.Errorf("the letter prints on %d pages, want 1", pages)
	}
	if _, err := chromedp.Call(k.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(k.ctx, chromedp.EmulateViewport(794, 1123)); err != nil {
		t.Fatal(err)
	}
	type box struct{ Top, Left, Width float64 }
	addr, err := chromedp.Run(k.ctx, chromedp.Evaluate[box](`(() => { const r = document.querySelector('[data-testid="letter-address"]').getBoundingClientRect();
		const s = document.querySelector('[data-testid="letter"]').getBoundingClientRect();
		return {Top: (r.top - s.top) * 25.4 / 96, Left: (r.left - s.left) * 25.4 / 96, Width: r.width * 25.4 / 96} })()`))
	if err != nil {
		t.Fatal(err)
	}
	if addr.Top < 40 || addr.Top > 55 || addr.Left < 100 || addr.Left > 125 || addr.Width > 90 {
		t.Errorf("on paper the address is %+v mm from the sheet's corner, not in a window envelope's window", addr)
	}
	shown, _ := chromedp.Run(k.ctx, chromedp.Evaluate[string](`['.site-header', '.site-footer', '.no-print'].map(s => getComputedStyle(document.querySelector(s)).display).join(' ')`))
	if shown != "none none none" {
		t.Errorf("on paper the menu, footer and buttons show (%s)", shown)
	}
	snap(t, k.ctx, dir, "brev-4-a4")
	if _, err := chromedp.Call(k.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(k.ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}

	k.goTo(person)
	k.waitText(`[data-testid="timeline"]`, "Kallelse till möte")
	if tl := k.text(`[data-testid="timeline"]`); !strings.Contains(tl, "Brev, utgående") {
		t.Errorf("the timeline does not show the letter as an outgoing letter:\n%s", tl)
	}
	if n := a.count(`SELECT count(*) FROM contacts WHERE participant_id = $1 AND channel = 'letter' AND note = 'Kallelse till möte'`, pid); n != 1 {
		t.Errorf("%d letter contacts, want 1", n)
	}
}

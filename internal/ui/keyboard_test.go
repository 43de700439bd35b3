package ui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// keyboard drives a page in Chromium as a person without a mouse does: Tab
// (and Shift+Tab) to move, Enter and Space to press, arrows in a group of
// choices, typing to fill. Every step checks that the element it reached is
// in the tab order and that the focus on it can be seen.
type keyboard struct {
	t   *testing.T
	ctx context.Context
}

// maxTabs bounds the search for an element in the tab order; the longest
// page of a journey (the plan editor) has about 60 stops.
const maxTabs = 250

// focus presses Tab until the first element matching sel has the focus, and
// fails if it is never reached or its focus indicator is not visible.
func (k keyboard) focus(sel string) {
	k.t.Helper()
	ctx, cancel := context.WithTimeout(k.ctx, stepTimeout)
	defer cancel()
	for i := 0; i < maxTabs; {
		state, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
			const e = document.activeElement;
			if (!e || !e.matches(%q)) return '';
			// Until the page has loaded, its stylesheet may not apply yet
			// (a busy machine): judge the focus ring once it has.
			if (document.readyState !== 'complete') return 'loading';
			const cs = getComputedStyle(e);
			const ring = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
			return e.matches(':focus-visible') && ring ? 'visible' : 'invisible ' + cs.outlineStyle + ' ' + cs.outlineWidth;
		})()`, sel)))
		if err != nil {
			// The page is being replaced (the one before a press is still
			// loading its successor): ask the new one, without a Tab.
			if ctx.Err() != nil {
				k.t.Fatalf("focus %s: %v", sel, err)
			}
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if state == "visible" {
			return
		}
		if state == "loading" {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if state != "" {
			k.t.Fatalf("%s has the focus but it cannot be seen (%s)", sel, state)
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			k.t.Fatal(err)
		}
		i++
	}
	k.t.Fatalf("%s is not reached with Tab", sel)
}

// focused reports whether the element with the focus matches sel.
func (k keyboard) focused(ctx context.Context, sel string) (bool, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`!!document.activeElement && document.activeElement.matches(%q)`, sel)))
}

// waitFocus waits until the element matching sel has the focus, as after an
// htmx update, which moves it once the new content has settled.
func (k keyboard) waitFocus(sel string) {
	k.t.Helper()
	err := eventually(k.ctx, func(ctx context.Context) (bool, error) { return k.focused(ctx, sel) })
	if err != nil {
		where, _ := chromedp.Run(k.ctx, chromedp.Evaluate[string](`document.activeElement.tagName + '#' + document.activeElement.id`))
		k.t.Fatalf("the focus is on %s, not %s (%v)", where, sel, err)
	}
}

// keys presses keys or types text into the element with the focus.
func (k keyboard) keys(s string) {
	k.t.Helper()
	if err := chromedp.Do(k.ctx, chromedp.KeyEvent(s)); err != nil {
		k.t.Fatal(err)
	}
}

// fill tabs to a field and types text into it.
func (k keyboard) fill(sel, text string) {
	k.t.Helper()
	k.focus(sel)
	k.keys(text)
}

// date tabs to a date or date-and-time field and types value (2027-01-15
// or 2027-01-15T09:30) into its parts, as in a Swedish browser.
func (k keyboard) date(sel, value string) {
	k.t.Helper()
	k.focus(sel)
	// The year may have more digits, so it needs the arrow; a two-digit part
	// moves on by itself.
	for i, part := range strings.FieldsFunc(value, func(r rune) bool { return r == '-' || r == 'T' || r == ':' }) {
		k.keys(part)
		if i == 0 {
			k.keys(kb.ArrowRight)
		}
	}
	got, err := chromedp.Run(k.ctx, chromedp.Evaluate[string](`document.activeElement.value`))
	if err != nil || got != value {
		k.t.Fatalf("typing %s into %s gave %q (%v)", value, sel, got, err)
	}
}

// choose tabs to a select and moves its choice with the arrow keys until
// the option labelled label is chosen.
func (k keyboard) choose(sel, label string) {
	k.t.Helper()
	k.focus(sel)
	chosen := func() bool {
		got, err := chromedp.Run(k.ctx, chromedp.Evaluate[string](`(() => { const e = document.activeElement; return e.tagName === 'SELECT' ? (e.selectedOptions[0]?.textContent.trim() ?? '') : 'the focus left for ' + e.tagName + '#' + e.id })()`))
		if err != nil {
			k.t.Fatal(err)
		}
		return got == label
	}
	// In a long list (Sweden's 290 municipalities) a keyboard user types the
	// name (a space would open the list); in a short one, the arrows.
	if len(label) > 3 && !strings.Contains(label, " ") {
		k.keys(kb.Home)
		k.keys(label)
		if chosen() {
			return
		}
	}
	k.keys(kb.Home)
	for i := 0; i < 40; i++ {
		if chosen() {
			return
		}
		k.keys(kb.ArrowDown)
	}
	k.t.Fatalf("%s has no choice %q reachable with the arrow keys", sel, label)
}

// pick tabs into a group of radio buttons and moves to the one with value.
func (k keyboard) pick(name, value string) {
	k.t.Helper()
	k.focus(fmt.Sprintf(`input[type="radio"][name=%q]`, name))
	for i := 0; i < 10; i++ {
		state, err := chromedp.Run(k.ctx, chromedp.Evaluate[string](`document.activeElement.value + (document.activeElement.checked ? ' checked' : '')`))
		if err != nil {
			k.t.Fatal(err)
		}
		switch state {
		case value + " checked":
			return
		case value:
			k.keys(" ")
		default:
			k.keys(kb.ArrowDown)
		}
	}
	k.t.Fatalf("the radio button %s=%s is not reached with the arrow keys", name, value)
}

// check tabs to a checkbox and ticks it with Space, unless it is ticked.
func (k keyboard) check(sel string) {
	k.t.Helper()
	k.focus(sel)
	on, err := chromedp.Run(k.ctx, chromedp.Evaluate[bool](`document.activeElement.checked`))
	if err != nil {
		k.t.Fatal(err)
	}
	if !on {
		k.keys(" ")
	}
	if on, _ := chromedp.Run(k.ctx, chromedp.Evaluate[bool](`document.activeElement.checked`)); !on {
		k.t.Fatalf("Space does not tick %s", sel)
	}
}

// press tabs to a link or button and presses Enter on it; then waits for
// what should follow.
func (k keyboard) press(sel string, then chromedp.Action[chromedp.Void]) {
	k.t.Helper()
	k.focus(sel)
	k.keys(kb.Enter)
	if then != nil {
		ctx, cancel := context.WithTimeout(k.ctx, stepTimeout)
		defer cancel()
		if err := chromedp.Do(ctx, then); err != nil {
			if png, err := chromedp.Run(k.ctx, chromedp.FullScreenshot(100)); err == nil {
				os.WriteFile(filepath.Join(os.TempDir(), "kaa-journey-failed.png"), png, 0o644)
			}
			main := []rune(k.text("main"))
			k.t.Fatalf("after pressing %s: %v; the page says: %s", sel, err, string(main[:min(len(main), 600)]))
		}
	}
}

// open tabs to a <details> summary and opens it with Enter.
func (k keyboard) open(summary string) {
	k.t.Helper()
	k.focus(summary)
	k.keys(kb.Enter)
}

// goTo loads a page (as a typed or pasted address would) and waits for it;
// the focus starts at the top, where a person's Tab would.
func (k keyboard) goTo(url string) {
	k.t.Helper()
	err := chromedp.Do(k.ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("main")))
	if err != nil && strings.Contains(err.Error(), "ERR_ABORTED") {
		// The page before was still finishing its own load (a redirect
		// after a post); ask again, as a person would press Enter again.
		err = chromedp.Do(k.ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("main")))
	}
	if err != nil {
		k.t.Fatalf("%s: %v", url, err)
	}
}

// text returns the text of the first element matching sel.
func (k keyboard) text(sel string) string {
	k.t.Helper()
	s, err := chromedp.Run(k.ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q)?.innerText ?? ''`, sel)))
	if err != nil {
		k.t.Fatal(err)
	}
	return s
}

// waitText waits until the element matching sel holds want. Wait for the
// words that only the next page has: a page may already show an element of
// the same kind (the password page's own notice is a .flash too).
func (k keyboard) waitText(sel, want string) {
	k.t.Helper()
	var got string
	err := eventually(k.ctx, func(ctx context.Context) (bool, error) {
		var err error
		got, err = chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q)?.innerText ?? ''`, sel)))
		return strings.Contains(got, want), err
	})
	if err != nil {
		k.t.Fatalf("%s holds %q, want %q (%v)", sel, got, want, err)
	}
}

// signIn signs in from the sign-in page with the keyboard alone.
func (k keyboard) signIn(base, email, password string) {
	k.t.Helper()
	k.goTo(base + "/logga-in")
	k.fill("#f-email", email)
	k.fill("#f-password", password)
	k.keys(kb.Enter)
	ctx, cancel := context.WithTimeout(k.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-testid="signed-in-as"]`))); err != nil {
		k.t.Fatalf("sign in as %s: %v", email, err)
	}
}

// signOut presses the sign-out button.
func (k keyboard) signOut() {
	k.t.Helper()
	// The sign-in form's own field: the users page has an #f-email too, and
	// on a busy machine the old page is still there when the wait begins.
	k.press(`form[action="/logga-ut"] button`, chromedp.WaitVisible(chromedp.CSS(`form[action="/logga-in"] #f-email`)))
}

// downloads lets the browser save files in a folder of the test's own.
func downloads(t *testing.T, ctx context.Context) string {
	t.Helper()
	dir := t.TempDir()
	_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// downloaded waits for a finished download whose name ends with suffix.
func downloaded(t *testing.T, ctx context.Context, dir, suffix string) []byte {
	t.Helper()
	var b []byte
	err := eventually(ctx, func(context.Context) (bool, error) {
		names, _ := filepath.Glob(filepath.Join(dir, "*"+suffix))
		if len(names) != 1 {
			return false, nil
		}
		var err error
		b, err = os.ReadFile(names[0])
		return err == nil && len(b) > 0, err
	})
	if err != nil {
		names, _ := filepath.Glob(filepath.Join(dir, "*"))
		t.Fatalf("no download ending in %s (the folder has %v; %v)", suffix, names, err)
	}
	return b
}

// shots keeps the pictures of a journey: in $KAA_SCREENSHOTS when set (make
// screenshots writes docs/screenshots, which the README shows), otherwise in
// a folder under the system's temporary directory that the test names.
func shots(t *testing.T) string {
	dir := os.Getenv("KAA_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "kaa-journeys")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { t.Logf("screenshots in %s", dir) })
	return dir
}

// snap saves the whole page as JPEG.
func snap(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	jpg, err := chromedp.Run(ctx, chromedp.FullScreenshot(75))
	save(t, dir, name, jpg, err)
}

// snapScreen saves what fits on the screen as JPEG, for long pages.
func snapScreen(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	q := int64(75)
	r, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatJpeg, Quality: &q})
	save(t, dir, name, r.Data, err)
}

func save(t *testing.T, dir, name string, jpg []byte, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".jpg"), jpg, 0o644); err != nil {
		t.Fatal(err)
	}
}

package ui_test

import (
	"context"
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/kaa-plattform/kaa/internal/seed"
)

// axe-core 4.14.1 (MPL-2.0), vendored: no download at test time.
//
//go:embed testdata/axe-4.14.1.min.js
var axeSource string

type axeViolation struct {
	ID    string `json:"id"`
	Help  string `json:"help"`
	Nodes []struct {
		Target []string `json:"target"`
	} `json:"nodes"`
}

// axeAudit runs axe's WCAG 2.1 A and AA rules on the page the browser shows.
func axeAudit(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+";true")); err != nil {
		t.Fatalf("%s: inject axe: %v", page, err)
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(r => r.violations)`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: run axe: %v", page, err)
	}
	for _, v := range vs {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, strings.Join(n.Target, " "))
		}
		t.Errorf("%s: %s (%s) at %s", page, v.ID, v.Help, strings.Join(where, ", "))
	}
}

// TestAccessibility audits the pages a coordinator and an administrator use,
// in the states that matter, with axe in Chromium. It lists what it visited.
func TestAccessibility(t *testing.T) {
	a := newApp(t)
	ctx := browser(t)
	pid, _, cid := a.fixture("1273", "samordnare@osby.demo", "Alva", "Andersson")
	base := a.srv.URL
	p := fmt.Sprintf("/k/1273/deltagare/%d", pid)
	var audited []string
	visit := func(path string) {
		t.Helper()
		audited = append(audited, path)
		if err := chromedp.Do(ctx, chromedp.Navigate(base+path), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		axeAudit(t, ctx, path)
	}
	signIn := func(email string) {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/logga-in"),
			chromedp.WaitReady(chromedp.CSS("main")),
			chromedp.Evaluate[chromedp.Void](`(document.querySelector("form[action='/logga-ut']") || {submit() {}}).submit(); ({})`),
			chromedp.WaitVisible(chromedp.ID("f-email")),
			chromedp.SendKeys(chromedp.ID("f-email"), email),
			chromedp.SendKeys(chromedp.ID("f-password"), seed.DemoPassword),
			chromedp.Submit(chromedp.ID("f-password")),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="signed-in-as"]`)),
		)
		if err != nil {
			t.Fatalf("sign in as %s: %v", email, err)
		}
	}
	visit("/logga-in")
	signIn("samordnare@osby.demo")
	pages := []string{
		"/k/1273/", "/k/1273/deltagare", "/k/1273/deltagare?status=identified&sortera=age", "/k/1273/deltagare/ny",
		p, p + "/andra", fmt.Sprintf("%s/kontakter/%d", p, cid), p + "/kartlaggning", p + "/plan", p + "/plan/andra",
		p + "/plan/utskrift", fmt.Sprintf("%s/uppfoljningar/%s", p, a.followUpOf(pid)),
		"/k/1273/att-gora", "/k/1273/deltagare/import", "/k/1273/scb", "/k/1273/statistik", "/k/1273/export", "/konto/losenord", "/konto/tvastegs", "/finns-inte",
	}
	for _, path := range pages {
		visit(path)
	}
	// Printed, a dashboard's charts come with their tables unfolded.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/k/1273/statistik"), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	if hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.querySelector('[data-testid="table-kaa-lista"]').checkVisibility()`)); err != nil || !hidden {
		t.Errorf("on screen, the dashboard's tables are not folded away (%v)", err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('[data-testid="table-kaa-lista"]').checkVisibility()`))
	if err != nil || !shown {
		t.Errorf("printed, the dashboard hides its tables (%v)", err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""}); err != nil {
		t.Fatal(err)
	}
	// Forms with validation errors: submit them empty in the browser.
	for _, form := range []struct{ path, submit string }{
		{"/k/1273/deltagare/ny", `main form.stack button[type="submit"]`},
		{p + "/plan/andra", `main form.stack button[type="submit"]`},
	} {
		err := chromedp.Do(ctx, chromedp.Navigate(base+form.path), chromedp.WaitReady(chromedp.CSS("main")),
			chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('main form.stack input[type=text], main form.stack input[type=date]').forEach(i => i.value = ''); ({})`),
			chromedp.Click(chromedp.CSS(form.submit)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-summary"]`)))
		if err != nil {
			t.Fatalf("%s with errors: %v", form.path, err)
		}
		audited = append(audited, form.path+" (with errors)")
		axeAudit(t, ctx, form.path+" (with errors)")
	}
	signIn("admin@osby.demo")
	visit("/k/1273/anvandare")
	visit("/k/1273/installningar")
	visit(fmt.Sprintf("/k/1273/anvandare/%d", a.userID("samordnare@osby.demo")))
	visit("/k/1273/loggkontroll")
	visit("/k/1273/loggkontroll?stickprov=1")
	visit(fmt.Sprintf("/k/1273/loggkontroll?deltagare=%d&fran=2000-01-01", pid))
	visit("/k/1273/loggkontroll?fran=2099-01-01") // with an error
	visit(fmt.Sprintf("/k/1273/registerutdrag/%d", pid))
	signIn("admin@kristianstad.demo")
	visit("/k/1290/projekt/within")
	signIn("systemadmin@kaa.demo")
	visit("/admin/")
	signIn("projektledare@within.demo")
	visit("/p/within/")
	visit("/p/within/paraply")
	visit("/p/within/esf")
	visit("/p/within/export")
	visit("/p/within/export?visa=1&k=5")
	visit("/p/within/export?visa=1&k=2") // with an error
	t.Logf("audited %d pages:\n%s", len(audited), strings.Join(audited, "\n"))

	// Every page of the route table is among them, so that a new page
	// without an audit stands out. Downloads and machine endpoints are not
	// pages; the pages in notYet are still to be audited (issue 9).
	notPages := map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true, "/static/*": true, "/logga-in/oidc": true, "/logga-in/oidc/klar": true,
		"/k/{tenant}/statistik/tabell/{table}": true, "/k/{tenant}/scb/block/{block}": true, "/k/{tenant}/export/fil": true, "/k/{tenant}/export/kodbok": true,
		"/k/{tenant}/loggkontroll/csv": true, "/p/{project}/paraply/tabell/{table}": true, "/p/{project}/esf/tabell/{table}": true,
		"/p/{project}/export/fil": true, "/p/{project}/export/kodbok": true, "/": true}
	notYet := map[string]bool{"/logga-in/kod": true, "/k/{tenant}/deltagare/import/{iid}": true}
	for _, rt := range a.h.Routes() {
		if rt.Method != "GET" || notPages[rt.Pattern] {
			continue
		}
		segs := strings.Split(rt.Pattern, "/")
		for i, seg := range segs {
			if strings.HasPrefix(seg, "{") {
				segs[i] = `[^/]+`
			} else {
				segs[i] = regexp.QuoteMeta(seg)
			}
		}
		re := regexp.MustCompile("^" + strings.Join(segs, "/") + "$")
		found := false
		for _, path := range audited {
			path, _, _ = strings.Cut(strings.TrimSuffix(path, " (with errors)"), "?")
			if re.MatchString(path) {
				found = true
				break
			}
		}
		if !found && !notYet[rt.Pattern] {
			t.Errorf("the page %s is not audited", rt.Pattern)
		}
	}
}

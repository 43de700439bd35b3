package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/seed"
	"github.com/kaa-plattform/kaa/internal/ui"
)

// routeParams are the values that fill the parameters of the route table's
// patterns: one young person of Osby (1273) with an enrolment, a contact
// and a follow-up, an import waiting for its confirmation and a user.
type routeParams struct {
	pid, eid, cid, iid int64
	fid                string
	user               int
}

// paramsOf fills the route parameters with young person pid of Osby, the
// first of their enrolments, contacts and follow-ups, and a new import of
// the Osby coordinator's with a row in error; {user} is that coordinator.
func (a *app) paramsOf(pid int64) routeParams {
	a.t.Helper()
	ctx := context.Background()
	p := routeParams{pid: pid, fid: a.followUpOf(pid), user: a.userID("samordnare@osby.demo")}
	a.db.Owner.QueryRow(ctx, `SELECT min(id) FROM enrolments WHERE participant_id = $1`, pid).Scan(&p.eid)
	a.db.Owner.QueryRow(ctx, `SELECT min(id) FROM contacts WHERE participant_id = $1`, pid).Scan(&p.cid)
	if err := a.db.Owner.QueryRow(ctx, `INSERT INTO imports (tenant_id, created_by, filename, content, mapping)
		VALUES ($1, $2, 'lista.csv', '{"header":["personnummer","namn"],"rows":[["20080301-0008","Test Testsson"],["20080302-0007","Ulla Uppgiftsson"],["x","y"]],"lines":[2,3,4]}', '{"personnummer":0,"name":1}') RETURNING id`,
		a.orgID("1273"), p.user).Scan(&p.iid); err != nil {
		a.t.Fatal(err)
	}
	return p
}

// path is a path of pattern: in Osby, in the project Within, and in
// Kristianstad (1290, Within's owner) for a project's set-up page.
func (p routeParams) path(pattern string) string {
	r := strings.NewReplacer("{tenant}", "1273", "{project}", "within", "{user}", strconv.Itoa(p.user),
		"{id}", strconv.FormatInt(p.pid, 10), "{eid}", strconv.FormatInt(p.eid, 10), "{cid}", strconv.FormatInt(p.cid, 10),
		"{fid}", p.fid, "{iid}", strconv.FormatInt(p.iid, 10), "{block}", "1", "{table}", "kanaler", "{format}", "xlsx")
	if strings.HasPrefix(pattern, "/k/{tenant}/projekt/") {
		r = strings.NewReplacer("{tenant}", "1290", "{project}", "within")
	} else if strings.HasPrefix(pattern, "/p/{project}/esf/") {
		r = strings.NewReplacer("{project}", "within", "{table}", "deltagare")
	} else if strings.HasPrefix(pattern, "/p/") {
		r = strings.NewReplacer("{project}", "within", "{table}", "indikatorer")
	}
	return r.Replace(pattern)
}

// layoutWidths are the windows a page must fit: a phone, an office screen
// and a large one.
var layoutWidths = []int64{360, 1280, 1920}

// layoutFindings measures the page the browser shows in a window width
// pixels wide. It reports a page wider than the window (a wide table may
// scroll inside its own box, never the page), text squeezed into a box too
// narrow to read (narrower than three characters while the text is longer,
// or wrapped to fewer than four characters a line, as a 0-pixel column
// gives one character a line), a page that is not in Swedish (<html
// lang="sv">, which also makes date fields Swedish) and a date written the
// American way. Each finding names the element, its text and its width.
func layoutFindings(t *testing.T, ctx context.Context, page string, width int64) (found []string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
		t.Fatal(err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(async () => {
		await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
		const one = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
			(typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '');
		const name = e => {
			const parts = [];
			for (let a = e; a && a !== document.body && parts.length < 4; a = a.parentElement) parts.unshift(one(a));
			return parts.join(' > ');
		};
		const shown = e => !e.closest('.sr-only, .skip-link, select, script, style, template, noscript') &&
			e.checkVisibility({visibilityProperty: true, opacityProperty: true}) && e.getClientRects().length > 0;
		// Inside a box that scrolls sideways by itself (a wide table on a phone).
		const scrolled = e => {
			for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
				const o = getComputedStyle(a).overflowX;
				if (o === 'auto' || o === 'scroll') return true;
			}
			return false;
		};
		const out = [];
		if (document.documentElement.lang !== 'sv') out.push('the page is not in Swedish: <html lang="' + document.documentElement.lang + '">');
		const se = document.scrollingElement, w = se.clientWidth, all = [...document.body.querySelectorAll('*')].filter(shown);
		if (se.scrollWidth > w) {
			out.push('the page is ' + se.scrollWidth + ' px wide in a window of ' + w + ' px');
			for (const e of all) {
				if (scrolled(e) || e.getBoundingClientRect().right <= w + 1) continue;
				if ([...e.children].some(c => shown(c) && c.getBoundingClientRect().right > w + 1)) continue;
				out.push(name(e) + ' reaches ' + Math.round(e.getBoundingClientRect().right) + ' px');
			}
		}
		for (const e of all) {
			let text = '';
			const rects = [];
			for (const n of e.childNodes) {
				if (n.nodeType !== Node.TEXT_NODE || !n.data.trim()) continue;
				text += n.data;
				const r = document.createRange();
				r.selectNodeContents(n);
				rects.push(...[...r.getClientRects()].filter(r => r.width > 0 || r.height > 0));
			}
			text = text.replace(/\s+/g, ' ').trim();
			if (/\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/.test(text)) out.push(name(e) + ' writes a date the American way: "' + text.slice(0, 60) + '"');
			const chars = text.replace(/\s/g, '').length;
			if (chars < 4) continue;
			const em = parseFloat(getComputedStyle(e).fontSize), box = e.getBoundingClientRect();
			// A drawing's text does not wrap, it shrinks with the drawing.
			if (e instanceof SVGElement) {
				const px = em * (e.getScreenCTM()?.a ?? 1);
				if (px < 10) out.push(name(e) + ' "' + text.slice(0, 40) + '" is drawn ' + px.toFixed(1) + ' px high');
				continue;
			}
			// Line boxes: text fragments whose tops lie apart by more than half a line.
			const tops = rects.map(r => r.top).sort((a, b) => a - b);
			let lines = tops.length ? 1 : 0;
			for (let i = 1; i < tops.length; i++) if (tops[i] - tops[i - 1] > em / 2) lines++;
			if (box.width < 1.5 * em || (lines >= 3 && chars / lines < 4)) {
				out.push(name(e) + ' "' + text.slice(0, 40) + '" is squeezed into ' + Math.round(box.width) + ' px, ' + lines + ' lines');
			}
		}
		for (const i of document.querySelectorAll('input[placeholder]')) {
			if (/mm\s*\/\s*dd|dd\s*\/\s*mm/i.test(i.placeholder)) out.push(name(i) + ' asks for a date as ' + i.placeholder);
		}
		return out;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s at %d px: %v", page, width, err)
	}
	if len(out) > 8 {
		out = append(out[:8], fmt.Sprintf("and %d more", len(out)-8))
	}
	for _, f := range out {
		found = append(found, fmt.Sprintf("%s at %d px: %s", page, width, f))
	}
	return found
}

// TestLayout opens every page a coordinator reaches, taken from the route
// table and filled with the demo data, in one Chromium at 360, 1280 and
// 1920 px, and fails on a page wider than the window or on text squeezed
// too narrow to read (see layoutFindings). A page added to the route table
// is measured without a change here.
func TestLayout(t *testing.T) {
	t.Parallel()
	a := demoApp(t)
	ctx := browser(t)
	base := a.srv.URL
	// The audit sees a broken page: a facts list whose value column has no
	// room, and a paragraph wider than the phone.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/logga-in"), chromedp.WaitReady(chromedp.CSS("main")),
		chromedp.Evaluate[chromedp.Void](`(() => {
			const m = document.querySelector('main'), dl = document.createElement('dl'), wide = document.createElement('p');
			dl.innerHTML = '<dt>Personnummer</dt><dd>20080301-0024</dd>';
			Object.assign(dl.style, {display: 'grid', gridTemplateColumns: '16rem minmax(0, 1fr)', width: '16rem', overflowWrap: 'anywhere'});
			wide.textContent = 'bred'; wide.style.width = '30rem';
			m.append(dl, wide); return {};
		})()`)); err != nil {
		t.Fatal(err)
	}
	if found := strings.Join(layoutFindings(t, ctx, "a broken page", 360), "\n"); !strings.Contains(found, `dd "20080301-0024" is squeezed into 0 px`) ||
		!strings.Contains(found, "p reaches") || !strings.Contains(found, "the page is") {
		t.Errorf("the layout audit misses a squeezed value or a page wider than the phone:\n%s", found)
	}

	if err := chromedp.Do(ctx, passwordSignIn(base, "samordnare@osby.demo", chromedp.WaitVisible(chromedp.CSS(`[data-testid="signed-in-as"]`)))...); err != nil {
		t.Fatal(err)
	}
	// A young person of Osby in a project with something in every part of
	// their pages, and an exit follow-up due (the demo data has follow-ups
	// only for those who have left their project).
	pid := int64(a.count(`SELECT coalesce(min(p.id), 0) FROM participants p JOIN orgs o ON o.id = p.tenant_id WHERE o.key = '1273'
		AND EXISTS (SELECT FROM plans WHERE participant_id = p.id) AND EXISTS (SELECT FROM mappings WHERE participant_id = p.id)
		AND EXISTS (SELECT FROM contacts WHERE participant_id = p.id)
		AND EXISTS (SELECT FROM enrolments WHERE participant_id = p.id AND kind = 'project' AND ends_on IS NULL)`))
	if pid == 0 {
		t.Fatal("the demo data has no young person in an Osby project with a mapping, a plan and contacts")
	}
	if _, err := a.db.Owner.Exec(context.Background(), `INSERT INTO followups (tenant_id, participant_id, enrolment_id, kind, due_on)
		SELECT tenant_id, participant_id, id, 'exit', current_date FROM enrolments WHERE participant_id = $1 AND kind = 'project' AND ends_on IS NULL`, pid); err != nil {
		t.Fatal(err)
	}
	params := a.paramsOf(pid)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	measured := 0
	for _, rt := range a.h.Routes() {
		reaches := rt.Scope == ui.SignedIn || rt.Scope == ui.Tenant && auth.HasAny(rt.Roles, []auth.Role{auth.Coordinator})
		if rt.Method != http.MethodGet || !reaches {
			continue
		}
		path := params.path(rt.Pattern)
		if strings.Contains(path, "{") {
			t.Errorf("%s: routeParams has no value for a parameter of it", rt.Pattern)
			continue
		}
		// Downloads and redirects are not pages.
		if res := c.get(path); res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
			res.Header.Get("Content-Disposition") != "" {
			t.Logf("not a page: %s (%d %s)", path, res.Status, res.Header.Get("Content-Type"))
			continue
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(base+path), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		measured++
		for _, w := range layoutWidths {
			for _, f := range layoutFindings(t, ctx, rt.Pattern, w) {
				t.Error(f)
			}
		}
	}
	if measured < 15 {
		t.Errorf("only %d pages measured", measured)
	}
	t.Logf("measured %d pages at %v px", measured, layoutWidths)
}

// TestSwedishDates: in the staff's Swedish browser a date field and a
// date-and-time field take their parts in Swedish order (2026-11-05 09:30,
// not 11/05/2026 9:30 AM), typed from the keyboard. The same keys in an
// American browser (chromium --lang=en-US) give another date or none, so
// the test tells the two apart. (The DevTools locale override changes
// Intl, not the fields' order, so it cannot stand in for that browser.)
func TestSwedishDates(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := browser(t)
	k := keyboard{t, ctx}
	pid, _, _ := a.fixture("1273", "samordnare@osby.demo", "Alva", "Andersson")
	base := a.srv.URL
	k.signIn(base, "samordnare@osby.demo", seed.DemoPassword)
	k.goTo(base + "/k/1273/deltagare/ny")
	k.date("#f-identified_on", "2026-11-05")
	person := fmt.Sprintf("%s/k/1273/deltagare/%d", base, pid)
	k.goTo(person)
	k.date("#f-occurred_at", "2026-11-05T09:30")

}

package ui_test

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
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

// focusFindings tabs through the whole page from the top and reports any
// element that takes the focus without showing it (WCAG 2.4.7): a person
// using the keyboard must always see where she is.
func focusFindings(t *testing.T, ctx context.Context, page string) (found []string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement?.blur(); window.__seen = new Set(); window.__last = null; ({})`)); err != nil {
		t.Fatalf("%s: %v", page, err)
	}
	stops := 0
	for i := 0; i < 400; i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const e = document.activeElement;
			if (!e || e === document.body) return 'end';
			if (e === window.__last) return 'same'; // the parts of a date field
			if (window.__seen.has(e)) return 'end';
			window.__seen.add(e); window.__last = e;
			const cs = getComputedStyle(e);
			if (e.matches(':focus-visible') && cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) return 'ok';
			return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' "' + (e.innerText || e.value || '').trim().slice(0, 40) + '"';
		})()`))
		if err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		switch state {
		case "end":
			if stops == 0 {
				found = append(found, page+": nothing takes the focus with Tab")
			}
			return found
		case "same":
		case "ok":
			stops++
		default:
			found = append(found, fmt.Sprintf("%s: the focus on %s cannot be seen", page, state))
			stops++
		}
	}
	return append(found, fmt.Sprintf("%s: Tab never came back to the start (%d stops)", page, stops))
}

// brokenErrorLinks reports the lines of an error summary that do not link to
// the field they are about, or whose field does not say the same next to it.
func brokenErrorLinks(t *testing.T, ctx context.Context, page string) []string {
	t.Helper()
	broken, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.error-summary a')].filter(a => {
		const id = decodeURIComponent((a.getAttribute('href') || '').replace(/^#/, ''));
		const f = id && document.getElementById(id);
		if (!f) return true;
		const box = f.closest('.field, fieldset');
		return !box || !box.innerText.includes(a.textContent.replace(/^[^:]*: /, '').trim());
	}).map(a => a.getAttribute('href') + ' ' + a.textContent)`))
	if err != nil {
		t.Fatalf("%s: %v", page, err)
	}
	for i, b := range broken {
		broken[i] = fmt.Sprintf("%s: the error summary's line %q does not lead to its field and its message there", page, b)
	}
	return broken
}

// checks are the audits beside axe, each returning what it found wrong.
var checks = []func(*testing.T, context.Context, string) []string{reflowFindings, brokenErrorLinks, focusFindings}

// auditPage runs axe and the checks on the page the browser shows.
func auditPage(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	axeAudit(t, ctx, page)
	for _, check := range checks {
		for _, f := range check(t, ctx, page) {
			t.Error(f)
		}
	}
}

// reflowFindings checks WCAG 1.4.10 and 1.4.4 on the page the browser shows:
// 320 CSS pixels wide (a 1280-pixel screen zoomed to 400 %), and with the
// browser's text size doubled in a 1280-pixel window, nothing makes the page
// scroll sideways (a wide table scrolls inside its own box, which the
// success criterion allows for data tables) and no text is clipped.
func reflowFindings(t *testing.T, ctx context.Context, page string) (found []string) {
	t.Helper()
	for _, v := range []struct {
		name  string
		width int64
		text  string
	}{{"at 320 px", 320, ""}, {"with text at 200 %", 1280, "200%"}} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(v.width, 800)); err != nil {
			t.Fatal(err)
		}
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(async () => {
			document.documentElement.style.fontSize = '`+v.text+`';
			await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
			const w = document.documentElement.clientWidth;
			const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '');
			const out = [];
			if (document.documentElement.scrollWidth > w) {
				for (const e of document.querySelectorAll('body *')) {
					if (e.closest('.table-wrap, .sr-only, .skip-link') || !e.checkVisibility()) continue;
					const r = e.getBoundingClientRect();
					if (r.right > w + 1) out.push(name(e) + ' reaches ' + Math.round(r.right) + ' px');
				}
			}
			for (const e of document.querySelectorAll('body *')) {
				const cs = getComputedStyle(e);
				if ((cs.overflowX === 'hidden' || cs.overflowX === 'clip') && e.scrollWidth > e.clientWidth + 1 && !e.closest('.sr-only, .skip-link') && e.checkVisibility()) {
					out.push(name(e) + ' clips its text');
				}
			}
			return out.slice(0, 5);
		})()`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s %s: %v", page, v.name, err)
		}
		for _, w := range wide {
			found = append(found, fmt.Sprintf("%s %s: %s", page, v.name, w))
		}
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.documentElement.style.fontSize = ''; ({})`), chromedp.EmulateReset()); err != nil {
		t.Fatal(err)
	}
	return found
}

// TestAccessibility audits the pages a coordinator and an administrator use,
// in the states that matter, with axe in Chromium. It lists what it visited.
func TestAccessibility(t *testing.T) {
	t.Parallel()
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
		auditPage(t, ctx, path)
	}
	signIn := func(email string) {
		t.Helper()
		if err := chromedp.Do(ctx, passwordSignIn(base, email, chromedp.WaitVisible(chromedp.CSS(`[data-testid="signed-in-as"]`)))...); err != nil {
			t.Fatalf("sign in as %s: %v", email, err)
		}
	}
	visit("/logga-in")
	// The reflow audit sees a page that scrolls sideways and text cut off.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		const m = document.querySelector('main'), wide = document.createElement('p'), cut = document.createElement('p');
		wide.textContent = 'bred'; wide.style.width = '30rem';
		cut.textContent = 'en text som inte får plats'; Object.assign(cut.style, {width: '5rem', overflow: 'hidden', whiteSpace: 'nowrap'});
		m.append(wide, cut); return {};
	})()`)); err != nil {
		t.Fatal(err)
	}
	if found := strings.Join(reflowFindings(t, ctx, "a broken page"), "\n"); !strings.Contains(found, "at 320 px: p reaches") || !strings.Contains(found, "p clips its text") {
		t.Errorf("the reflow audit misses a wide paragraph or clipped text: %q", found)
	}
	// ... and an error summary line that leads nowhere.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		const d = document.createElement('div'), a = document.createElement('a');
		d.className = 'error-summary'; a.href = '#f-finns-inte'; a.textContent = 'Fel någonstans';
		d.append(a); document.querySelector('main').append(d); return {};
	})()`)); err != nil {
		t.Fatal(err)
	}
	if len(brokenErrorLinks(t, ctx, "a broken page")) != 1 {
		t.Error("the error-link audit misses a summary line without its field")
	}
	// ... and a button whose focus cannot be seen.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		const b = document.createElement('button'); b.textContent = 'Osynlig'; b.style.outline = 'none';
		document.querySelector('main').append(b); return {};
	})()`)); err != nil {
		t.Fatal(err)
	}
	if found := strings.Join(focusFindings(t, ctx, "a broken page"), "\n"); !strings.Contains(found, `button "Osynlig"`) {
		t.Errorf("the focus audit misses a button without a visible focus: %q", found)
	}
	// Password reset (docs/design/reset.md): without SMTP here, the page
	// that says so; a link's form, and a used link.
	visit("/glomt-losenord")
	if _, err := a.db.Owner.Exec(context.Background(), `INSERT INTO password_resets (token_hash, user_id, expires_at, used_at)
		SELECT sha256(convert_to(t, 'UTF8')), id, now() + interval '30 minutes', u FROM users,
		       (VALUES (repeat('a', 43), NULL::timestamptz), (repeat('b', 43), now())) v(t, u)
		WHERE email = 'samordnare@osby.demo'`); err != nil {
		t.Fatal(err)
	}
	visit("/glomt-losenord/" + strings.Repeat("a", 43))
	visit("/glomt-losenord/" + strings.Repeat("b", 43))
	signIn("samordnare@osby.demo")
	// A kept SCB file, so that the SCB page shows its archive table.
	if _, err := a.db.Owner.Exec(context.Background(), `INSERT INTO scb_files (tenant_id, half_year, spec_version, spec_date, file_name, rows, findings,
		xlsx, xlsx_sha256, text, text_sha256, created_by) VALUES ($1, '2026-1', '2026-2', '2026-12-01', 'KAA', 0, 0, '', repeat('0', 64), '', repeat('0', 64), $2)`,
		a.orgID("1273"), a.userID("samordnare@osby.demo")); err != nil {
		t.Fatal(err)
	}
	// A kept ESF monthly file, so that its page shows its archive table.
	if _, err := a.db.Owner.Exec(context.Background(), `INSERT INTO esf_files (tenant_id, project_id, month, spec_version, file_name, rows, warnings,
		content_sha256, xlsx, xlsx_sha256, created_by) SELECT $1, id, '2019-03-01', '2026-12', 'ESF', 0, 0, repeat('0', 64), '', repeat('0', 64), $2
		FROM projects WHERE key = 'within'`, a.orgID("1273"), a.userID("samordnare@osby.demo")); err != nil {
		t.Fatal(err)
	}
	// And a participant in it that month, so that the page has its table of hours.
	if _, err := a.db.Owner.Exec(context.Background(), `INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on)
		SELECT $1, $2, 'project', s.id, '2019-03-04' FROM subprojects s JOIN projects pr ON pr.id = s.project_id WHERE s.org_id = $1 AND pr.key = 'within'`,
		a.orgID("1273"), pid); err != nil {
		t.Fatal(err)
	}
	// A row of the queue "Saknar giltigt personnummer", so that its page has a form.
	if _, err := a.db.Owner.Exec(context.Background(), `INSERT INTO import_unidentified (tenant_id, source, filename, line, number, first_name, last_name, school, created_by)
		VALUES ($1, 'fil', 'lista.xlsx', 4, '990101-R123', 'Eva', 'Ek', 'Jacobsskolan', $2)`, a.orgID("1273"), a.userID("samordnare@osby.demo")); err != nil {
		t.Fatal(err)
	}
	pages := []string{
		"/k/1273/deltagare/import/saknar-personnummer",
		"/k/1273/", "/k/1273/deltagare", "/k/1273/deltagare?status=identified&sortera=age", "/k/1273/deltagare/ny",
		p, p + "/andra", fmt.Sprintf("%s/kontakter/%d", p, cid), p + "/kartlaggning", p + "/plan", p + "/plan/andra",
		p + "/plan/utskrift", fmt.Sprintf("%s/uppfoljningar/%s", p, a.followUpOf(pid)),
		"/k/1273/att-gora", "/k/1273/deltagare/import", "/k/1273/scb", "/k/1273/scb?spec=1999-1", "/k/1273/esf-manadsfil?projekt=within&manad=2019-03", "/k/1273/statistik", "/k/1273/export", "/konto/losenord", "/konto/tvastegs", "/konto/sammanfattning", "/finns-inte",
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
		auditPage(t, ctx, form.path+" (with errors)")
	}
	// A filter without hits, and the import: a preview with errors, and the
	// question before cancelling it.
	visit("/k/1273/deltagare?alder_min=19")
	// A reply that fits nobody, in the list of unmatched SMS.
	a.db.Owner.Exec(context.Background(), `INSERT INTO sms_messages (tenant_id, direction, phone, body, status) VALUES ($1, 'incoming', '+46701234567', 'Vem är det?', 'received')`, a.orgID("1273"))
	visit("/k/1273/sms/okopplade")
	file := filepath.Join(t.TempDir(), "kaa-lista.csv")
	if err := os.WriteFile(file, []byte(kaaList), 0o644); err != nil {
		t.Fatal(err)
	}
	here := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		path := strings.TrimPrefix(loc, base) + " (" + what + ")"
		audited = append(audited, path)
		auditPage(t, ctx, path)
	}
	here("bulk action on nobody", chromedp.Navigate(base+"/k/1273/deltagare"), chromedp.WaitReady(chromedp.CSS("main")),
		chromedp.Click(chromedp.CSS(`button[formaction$="/markerade/tilldela"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-summary"]`)))
	here("preview with errors", chromedp.Navigate(base+"/k/1273/deltagare/import"), chromedp.WaitReady(chromedp.CSS("main")),
		chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"]`), []string{file}),
		chromedp.Submit(chromedp.CSS(`input[type="file"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="import-counts"]`)))
	here("asks before cancelling", chromedp.Click(chromedp.CSS(`form[action$="/avbryt"] button`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="confirm"]`)))
	// A workbook with sheets and title rows, and a file whose characters look wrong.
	book, garbled := filepath.Join(t.TempDir(), "avbrott.xlsx"), filepath.Join(t.TempDir(), "dos.csv")
	os.WriteFile(book, schoolWorkbook(t), 0o644)
	os.WriteFile(garbled, []byte("Personnummer;Namn\r\n20080301-0024;J\x84rn H\x86kansson\r\n"), 0o644)
	here("preview of a workbook", chromedp.Navigate(base+"/k/1273/deltagare/import"), chromedp.WaitReady(chromedp.CSS("main")),
		chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"]`), []string{book}),
		chromedp.Submit(chromedp.CSS(`input[type="file"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="sheet-choice"]`)))
	here("characters look wrong", chromedp.Navigate(base+"/k/1273/deltagare/import"), chromedp.WaitReady(chromedp.CSS("main")),
		chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"]`), []string{garbled}),
		chromedp.Submit(chromedp.CSS(`input[type="file"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="encoding-sample"]`)))
	// The search in notes: hits (or none), and a refused empty search.
	here("note search", chromedp.Navigate(base+"/k/1273/sok-anteckningar"), chromedp.WaitReady(chromedp.CSS("main")),
		chromedp.SendKeys(chromedp.ID("f-q"), "komvux"), chromedp.Submit(chromedp.ID("f-q")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="note-results"]`)))
	here("note search, empty", chromedp.Navigate(base+"/k/1273/sok-anteckningar"), chromedp.WaitReady(chromedp.CSS("main")),
		chromedp.Submit(chromedp.ID("f-q")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-summary"]`)))
	// A move to Hörby: its page, and (below) the notice in Hörby's queue.
	var moved, eidMoved int64
	if err := a.db.Owner.QueryRow(context.Background(), `
		WITH p AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
		           VALUES ($1, '200803020023', '2008-03-02', 'Bo', 'Berg') RETURNING id)
		INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason, ends_on, end_reason, moved_to)
		SELECT $1, id, 'kaa', '2026-01-01', 'dropped_out', current_date, 'moved', '1266' FROM p RETURNING participant_id, id`,
		a.orgID("1273")).Scan(&moved, &eidMoved); err != nil {
		t.Fatal(err)
	}
	visit(fmt.Sprintf("/k/1273/deltagare/%d/flytt", moved))
	// Issue 19, letters: the letter page, a preview, a meeting without its
	// details, the printed letter, and Mina kontaktuppgifter with an error.
	visit(p + "/brev")
	visit(p + "/brev?letter=first")
	visit(p + "/brev?letter=meeting")
	here("printed letter", chromedp.Navigate(base+p+"/brev?letter=first"), chromedp.WaitReady(chromedp.CSS("main")),
		chromedp.Click(chromedp.CSS(`[data-testid="print"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="letter-logged"]`)))
	visit("/konto/kontaktuppgifter")
	here("phone with an error", chromedp.SendKeys(chromedp.ID("f-phone"), "abc"), chromedp.Submit(chromedp.ID("f-phone")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-summary"]`)))
	signIn("samordnare@horby.demo")
	visit("/k/1266/deltagare") // an empty register
	visit("/k/1266/att-gora")  // empty work queues
	if _, err := a.db.Owner.Exec(context.Background(), `INSERT INTO move_notices (tenant_id, from_org_id, source_enrolment, personnummer, first_name, last_name, moved_on)
		VALUES ($1, $2, $3, '200803020023', 'Bo', 'Berg', current_date)`, a.orgID("1266"), a.orgID("1273"), eidMoved); err != nil {
		t.Fatal(err)
	}
	visit("/k/1266/att-gora?alla=1") // a notice of someone who moved here
	// The user page with a break-glass notice on it.
	if _, err := a.db.Owner.Exec(context.Background(), `INSERT INTO audit_events (tenant_id, user_id, action, record_type, record_id, detail)
		VALUES ($1, $2, 'membership.break_glass', 'user', $3, '{"reason": "Alla administratörer har slutat, ärende KS 2026/114."}')`,
		a.orgID("1273"), a.userID("systemadmin@kaa.demo"), fmt.Sprint(a.userID("admin@osby.demo"))); err != nil {
		t.Fatal(err)
	}
	signIn("admin@osby.demo")
	visit("/k/1273/anvandare")
	visit("/k/1273/installningar")
	var sid int64 // the school systems page with one connected (docs/design/ss12000.md)
	if err := a.db.Owner.QueryRow(context.Background(), `INSERT INTO school_systems (tenant_id, name, base_url, token_url, client_id, client_secret, last_run_at, last_ok, last_message)
		VALUES ($1, 'Elevregistret', 'https://s.invalid/v2.0', 'https://s.invalid/token', 'kaa', 'kaa1:test:x', now(), false, 'Skolsystemet svarade inte i tid. Försök igen senare.') RETURNING id`,
		a.orgID("1273")).Scan(&sid); err != nil {
		t.Fatal(err)
	}
	visit("/k/1273/skolsystem")
	visit(fmt.Sprintf("/k/1273/skolsystem/%d", sid))
	var provider int64 // the sign-in providers page with one (docs/design/idp.md)
	if err := a.db.Owner.QueryRow(context.Background(), `INSERT INTO identity_providers (tenant_id, name, issuer, client_id, client_secret)
		VALUES ($1, 'Osby kommuns konto', 'https://login.microsoftonline.com/2b7a0c1e-0000-4c5b-b112-36a304b66dad/v2.0', 'kaa', 'kaa1:test:x') RETURNING id`,
		a.orgID("1273")).Scan(&provider); err != nil {
		t.Fatal(err)
	}
	visit("/k/1273/inloggning")
	visit(fmt.Sprintf("/k/1273/inloggning/%d", provider))
	visit("/k/1273/kontohantering") // no SCIM token (docs/design/scim.md)
	here("the new SCIM token, shown once", chromedp.Click(chromedp.CSS(`main form[action$="/kontohantering"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="new-token"]`)))
	visit("/k/1273/gallring") // no gallringsbeslut
	if _, err := a.db.Owner.Exec(context.Background(), `INSERT INTO retention_decisions (tenant_id, reference, decided_on, decided_by,
		kaa_months, project_months, unenrolled_months, recorded_by) VALUES ($1, 'BUN 2026/17', '2026-11-20', 'Barn- och utbildningsnämnden', 24, 120, 6, $2)`,
		a.orgID("1273"), a.userID("admin@osby.demo")); err != nil {
		t.Fatal(err)
	}
	visit("/k/1273/gallring") // a decision in force, and the history
	visit(fmt.Sprintf("/k/1273/anvandare/%d", a.userID("samordnare@osby.demo")))
	visit("/k/1273/loggkontroll")
	// The caseload handover, with someone to hand over.
	if _, err := a.db.Owner.Exec(context.Background(), `INSERT INTO participant_coordinators (tenant_id, participant_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		a.orgID("1273"), pid, a.userID("samordnare@osby.demo")); err != nil {
		t.Fatal(err)
	}
	visit("/k/1273/anvandare/lista")
	visit("/k/1273/overlamning")
	visit(fmt.Sprintf("/k/1273/overlamning?fran=%d", a.userID("samordnare@osby.demo")))
	visit("/k/1273/loggkontroll?stickprov=1")
	visit(fmt.Sprintf("/k/1273/loggkontroll?deltagare=%d&fran=2000-01-01", pid))
	visit("/k/1273/loggkontroll?fran=2099-01-01") // with an error
	visit(fmt.Sprintf("/k/1273/registerutdrag/%d", pid))
	signIn("admin@kristianstad.demo")
	visit("/k/1290/projekt/within")
	visit("/k/1290/projekt/within/roller")
	signIn("systemadmin@kaa.demo")
	visit("/admin/")
	// The code step of a two-factor sign-in, also with a wrong code.
	if _, err := a.db.Owner.Exec(context.Background(), `UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXP', totp_enabled_at = now() WHERE email = 'projektledare@within.demo'`); err != nil {
		t.Fatal(err)
	}
	here("two-factor code", passwordSignIn(base, "projektledare@within.demo", chromedp.WaitVisible(chromedp.ID("f-code")))...)
	here("two-factor code, wrong", chromedp.SendKeys(chromedp.ID("f-code"), "000000"), chromedp.Submit(chromedp.ID("f-code")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-summary"]`)))
	if _, err := a.db.Owner.Exec(context.Background(), `UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL WHERE email = 'projektledare@within.demo'`); err != nil {
		t.Fatal(err)
	}
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
		"/logga-in/oidc/{provider}": true, "/logga-in/oidc/{provider}/klar": true,
		"/k/{tenant}/statistik/tabell/{table}": true, "/k/{tenant}/scb/arkiv/{id}/{format}": true, "/k/{tenant}/esf-manadsfil/arkiv/{id}": true, "/k/{tenant}/export/fil": true, "/k/{tenant}/export/kodbok": true,
		"/k/{tenant}/loggkontroll/csv": true, "/p/{project}/paraply/tabell/{table}": true, "/p/{project}/esf/tabell/{table}": true,
		"/p/{project}/export/fil": true, "/p/{project}/export/kodbok": true, "/": true,
		"/k/{tenant}/deltagare/excel": true}
	notYet := map[string]bool{}
	for _, rt := range a.h.Routes() {
		if rt.Method != "GET" || notPages[rt.Pattern] {
			continue
		}
		re := routeRegexp(rt.Pattern)
		found := false
		for _, path := range audited {
			path, _, _ = strings.Cut(path, " (")
			path, _, _ = strings.Cut(path, "?")
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

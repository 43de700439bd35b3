package ui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kaa-plattform/kaa/internal/seed"
)

// TestJourneyBulkUsersAndProjectLeader: Kristianstad's administrator, at a
// desktop and with the keyboard alone, uploads a list of new colleagues,
// reads the preview (one row refused with its reason), confirms, and then
// makes one of them project leader of Within, the project Kristianstad owns.
func TestJourneyBulkUsersAndProjectLeader(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	k := keyboard{t, ctx}
	file := filepath.Join(t.TempDir(), "nya-anvandare.csv")
	list := "E-post;Förnamn;Efternamn;Roll\n" +
		"lisa.lind@kristianstad.se;Lisa;Lind;samordnare\n" +
		"omar.ek@kristianstad.se;Omar;Ek;samordnare, administratör\n" +
		"per.fel@kristianstad.se;Per;Fel;läsbehörig\n"
	if err := os.WriteFile(file, []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	k.signIn(a.srv.URL, "admin@kristianstad.demo", seed.DemoPassword)
	k.goTo(a.srv.URL + "/k/1290/anvandare")
	k.press(`a[href="/k/1290/anvandare/lista"]`, chromedp.WaitVisible(chromedp.CSS(`input[type="file"]`)))
	k.focus(`input[type="file"]`)
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"]`), []string{file})); err != nil {
		t.Fatal(err)
	}
	k.press(`main form button[type="submit"]`, chromedp.WaitVisible(chromedp.CSS(`[data-testid="bulk-preview"]`)))
	k.waitText(`[data-testid="bulk-counts"]`, "2 personer får behörighet")
	k.waitText(`[data-testid="bulk-preview"]`, "Okänd roll ”läsbehörig”")
	axeAudit(t, ctx, "the preview of a list of users")
	if n := a.count(`SELECT count(*) FROM users WHERE email LIKE '%@kristianstad.se'`); n != 0 {
		t.Fatalf("the preview created %d accounts", n)
	}
	k.press(`form[action$="/lista/bekrafta"] button`, nil)
	k.waitText(".flash", "2 personer har fått behörighet i Kristianstad")
	k.waitText(`[data-testid="users"]`, "Omar Ek")

	k.goTo(a.srv.URL + "/k/1290/projekt/within")
	k.press(`a[href="/k/1290/projekt/within/roller"]`, chromedp.WaitVisible(chromedp.CSS(`[data-testid="project-roles"]`)))
	k.fill("#f-email", "lisa.lind@kristianstad.se")
	k.pick("role", "project_leader")
	k.press(`form[action$="/roller"] button[type="submit"]`, nil)
	k.waitText(".flash", "lisa.lind@kristianstad.se är projektledare i Within")
	axeAudit(t, ctx, "the project's roles")
	if got := k.text(`[data-testid="project-roles"]`); !strings.Contains(got, "Lisa Lind") {
		t.Errorf("the roles table says %q", got)
	}
	if a.count(`SELECT count(*) FROM project_roles r JOIN users u ON u.id = r.user_id WHERE u.email = 'lisa.lind@kristianstad.se' AND r.role = 'project_leader'`) != 1 {
		t.Error("Lisa is not project leader")
	}
}

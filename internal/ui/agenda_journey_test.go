package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kaa-plattform/kaa/internal/seed"
)

// clock types a clock time (10:00) into a time field, as in a Swedish
// browser (24 hours, the hour then the minutes).
func (k keyboard) clock(sel, value string) {
	k.t.Helper()
	k.focus(sel)
	k.keys(strings.ReplaceAll(value, ":", ""))
	got, err := chromedp.Run(k.ctx, chromedp.Evaluate[string](`document.activeElement.value`))
	if err != nil || got != value {
		k.t.Fatalf("typing %s into %s gave %q (%v)", value, sel, got, err)
	}
}

// TestJourneyBookMeeting: at a desktop's width a coordinator books a meeting
// at school for tomorrow at 10:00 on a young person's page and finds it on
// Att göra with its due date; a meeting in the past, not marked as already
// held, is refused with a Swedish message next to the date.
func TestJourneyBookMeeting(t *testing.T) {
	t.Parallel()
	a, k := desktopJourney(t)
	dir := shots(t)
	var id int64
	if err := a.db.Owner.QueryRow(context.Background(), `SELECT p.id FROM participants p JOIN orgs o ON o.id = p.tenant_id
		WHERE o.key = '1273' AND p.erased_on IS NULL ORDER BY p.id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	person := fmt.Sprintf("%s/k/1273/deltagare/%d", a.srv.URL, id)
	tomorrow := time.Now().In(stockholm).AddDate(0, 0, 1).Format("2006-01-02")
	yesterday := time.Now().In(stockholm).AddDate(0, 0, -1).Format("2006-01-02")
	k.signIn(a.srv.URL, "samordnare@osby.demo", seed.DemoPassword)

	// book books kind on date at clock, for responsible when not "".
	bookFor := func(kind, date, clock, responsible string, then chromedp.Action[chromedp.Void]) {
		k.goTo(person)
		k.open("#bokat summary")
		k.choose("#f-kind", kind)
		k.date("#f-due_on", date)
		k.clock("#f-due_time", clock)
		if responsible != "" {
			k.choose("#f-responsible", responsible)
		} else {
			k.fill("#f-note", "Skolans bibliotek")
		}
		k.press(`#bokat button[type="submit"]`, then)
	}
	book := func(date string, then chromedp.Action[chromedp.Void]) {
		bookFor("Möte i skolan", date, "10:00", "", then)
	}

	book(tomorrow, chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)))
	k.waitText(`[data-testid="agenda"]`, "i morgon 10:00")
	snapScreen(t, k.ctx, dir, "bokning-1-personsidan")
	k.press(`a[href="/k/1273/att-gora"]`, chromedp.WaitVisible(chromedp.CSS(`[data-testid="queue-appointments"]`)))
	got := k.text(`[data-testid="queue-appointments"]`)
	if !strings.Contains(got, "Möte i skolan") || !strings.Contains(got, "senast "+tomorrow+" 10:00 (i morgon 10:00)") {
		t.Errorf("Att göra does not show the meeting with its due date: %s", got)
	}
	snapScreen(t, k.ctx, dir, "bokning-2-att-gora")

	before := a.count(`SELECT count(*) FROM appointments`)
	book(yesterday, chromedp.WaitVisible(chromedp.ID("f-due_on-error")))
	if msg := k.text("#f-due_on-error"); !strings.Contains(msg, "Tiden har redan varit") || !strings.Contains(msg, "Redan genomfört") {
		t.Errorf("the message next to the date: %q", msg)
	}
	snapScreen(t, k.ctx, dir, "bokning-3-i-det-forflutna")
	if a.count(`SELECT count(*) FROM appointments`) != before {
		t.Error("a meeting in the past was written")
	}

	// A booking for a colleague: it names them, and the timeline has it.
	bookFor("Hembesök", tomorrow, "14:00", "Fia Flerroll", chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)))
	k.waitText(`[data-testid="agenda"]`, "ansvarig Fia Flerroll")
	if got := k.text(`[data-testid="timeline"]`); !strings.Contains(got, "Bokat: Hembesök") {
		t.Errorf("the timeline does not show the booking: %s", got)
	}
	if a.count(`SELECT count(*) FROM appointments WHERE kind = 'home_visit' AND responsible = $1`, a.userID("flera@within.demo")) != 1 {
		t.Error("the colleague is not responsible")
	}
}

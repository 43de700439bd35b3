package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/kaa-plattform/kaa/internal/participant"
)

// queueSection is the part of the Att göra page that is queue key.
func queueSection(t *testing.T, body, key string) string {
	t.Helper()
	i := strings.Index(body, `data-testid="queue-`+key+`"`)
	if i < 0 {
		t.Fatalf("no queue %s", key)
	}
	section := body[i:]
	if j := strings.Index(section[1:], `data-testid="queue-`); j > 0 {
		section = section[:j]
	}
	return section
}

func TestAppointments(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	me := a.userID("samordnare@osby.demo")
	id := c.register(newParticipant("080301-0024", "Alva", "Andersson"))
	base := fmt.Sprintf("/k/1273/deltagare/%d", id)
	book := func(v url.Values) response { return c.post(base+"/bokningar", v) }
	open := `SELECT count(*) FROM appointments WHERE done_at IS NULL AND cancelled_at IS NULL`

	t.Run("OK", func(t *testing.T) {
		res := book(url.Values{"kind": {"meeting_school"}, "due_on": {day(1)}, "due_time": {"10:00"}, "note": {"Skolans bibliotek"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("book: %d %s", res.Status, res.Body)
		}
		if n := a.count(`SELECT count(*) FROM appointments WHERE responsible = $1 AND created_by = $1 AND kind = 'meeting_school'
			AND (due_at AT TIME ZONE 'Europe/Stockholm') = $2::date + time '10:00' AND done_at IS NULL`, me, day(1)); n != 1 {
			t.Fatalf("%d appointments booked as asked", n)
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'appointment.create' AND record_id = $1`, fmt.Sprint(id)); n != 1 {
			t.Errorf("%d audit events of the booking", n)
		}
		page := c.get(base).Body
		if !strings.Contains(page, "Möte i skolan") || !strings.Contains(page, "Skolans bibliotek") || !strings.Contains(page, "i morgon 10:00") {
			t.Error("the person page does not show the booking")
		}
	})

	t.Run("ErrPast", func(t *testing.T) {
		before := a.count(`SELECT count(*) FROM appointments`)
		res := book(url.Values{"kind": {"home_visit"}, "due_on": {day(-1)}, "due_time": {"10:00"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Tiden har redan varit") || !strings.Contains(res.Body, `id="f-due_on-error"`) {
			t.Errorf("a meeting in the past: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM appointments`) != before {
			t.Error("a meeting in the past was written")
		}
	})

	t.Run("HeldInThePast", func(t *testing.T) {
		res := book(url.Values{"kind": {"home_visit"}, "due_on": {day(-2)}, "due_time": {"09:30"}, "held": {"yes"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("an already held meeting: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM appointments WHERE kind = 'home_visit' AND done_at IS NOT NULL`); n != 1 {
			t.Errorf("%d held meetings recorded as done", n)
		}
	})

	t.Run("ErrInput", func(t *testing.T) {
		before := a.count(`SELECT count(*) FROM appointments`)
		for _, tc := range []struct {
			name, field string
			v           url.Values
		}{
			{"NoKind", "kind", url.Values{"due_on": {day(1)}, "due_time": {"10:00"}}},
			{"BadDate", "due_on", url.Values{"kind": {"call_back"}, "due_on": {"1/12"}, "due_time": {"10:00"}}},
			{"BadTime", "due_time", url.Values{"kind": {"call_back"}, "due_on": {day(1)}, "due_time": {"tio"}}},
			{"LongNote", "note", url.Values{"kind": {"call_back"}, "due_on": {day(1)}, "due_time": {"10:00"}, "note": {strings.Repeat("å", 201)}}},
		} {
			res := book(tc.v)
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="f-`+tc.field+`-error"`) {
				t.Errorf("%s: %d", tc.name, res.Status)
			}
		}
		if a.count(`SELECT count(*) FROM appointments`) != before {
			t.Error("bad input was written")
		}
	})

	t.Run("InAttGora", func(t *testing.T) {
		sec := queueSection(t, c.get("/k/1273/att-gora").Body, participant.QueueAppointments)
		if !strings.Contains(sec, "Andersson") || !strings.Contains(sec, "Möte i skolan") || !strings.Contains(sec, "senast "+day(1)+" 10:00") ||
			!strings.Contains(sec, "(i morgon 10:00)") {
			t.Errorf("Att göra does not show the booking with its due date: %s", sec)
		}
		if strings.Contains(sec, "Hembesök") {
			t.Error("a held meeting is still on Att göra")
		}
		// Another coordinator: not theirs, but in the whole municipality's.
		other := a.client()
		other.signIn("flera@within.demo")
		other.get("/k/1273/")
		if sec := queueSection(t, other.get("/k/1273/att-gora").Body, participant.QueueAppointments); strings.Contains(sec, "Andersson") {
			t.Error("another coordinator's Mina ungdomar shows the booking")
		}
		if sec := queueSection(t, other.get("/k/1273/att-gora?alla=1").Body, participant.QueueAppointments); !strings.Contains(sec, "Andersson") {
			t.Error("Hela kommunen does not show the booking")
		}
	})

	t.Run("MenuCount", func(t *testing.T) {
		if strings.Contains(c.get("/k/1273/att-gora").Body, `data-testid="nav-count"`) {
			t.Error("a count in the menu with nothing due today")
		}
		// Two late ones, by the owner: the form would refuse them.
		for range 2 {
			if _, err := a.db.Owner.Exec(context.Background(), `INSERT INTO appointments (tenant_id, participant_id, kind, due_at, responsible, created_by)
				VALUES ($1, $2, 'call_back', now() - interval '3 days', $3, $3)`, a.orgID("1273"), id, me); err != nil {
				t.Fatal(err)
			}
		}
		body := c.get("/k/1273/").Body
		if !strings.Contains(body, `aria-label="2 saker att göra i dag eller försenade"`) || !strings.Contains(body, "(2)</span>") {
			t.Errorf("the menu does not count the two late items")
		}
		if sec := queueSection(t, c.get("/k/1273/att-gora").Body, participant.QueueAppointments); !strings.Contains(sec, "(försenad 3 dagar)") ||
			strings.Index(sec, "Ringa upp") > strings.Index(sec, "Möte i skolan") {
			t.Errorf("the late items are not first, with how late they are: %s", sec)
		}
	})

	t.Run("DoneAndCancel", func(t *testing.T) {
		var late []int64
		rows, err := a.db.Owner.Query(context.Background(), `SELECT id FROM appointments WHERE kind = 'call_back' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var x int64
			if err := rows.Scan(&x); err != nil {
				t.Fatal(err)
			}
			late = append(late, x)
		}
		if len(late) != 2 {
			t.Fatalf("%d late items", len(late))
		}
		before := a.count(open)
		if res := c.post(fmt.Sprintf("%s/bokningar/%d/klar", base, late[0]), nil); res.Status != http.StatusSeeOther {
			t.Fatalf("done: %d", res.Status)
		}
		if res := c.post(fmt.Sprintf("%s/bokningar/%d/stall-in", base, late[1]), nil); res.Status != http.StatusSeeOther {
			t.Fatalf("cancel: %d", res.Status)
		}
		if a.count(open) != before-2 {
			t.Error("done and cancelled items are still open")
		}
		if res := c.post(fmt.Sprintf("%s/bokningar/%d/klar", base, late[1]), nil); res.Status != http.StatusNotFound {
			t.Errorf("closing a cancelled item again: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action IN ('appointment.done', 'appointment.cancelled')`); n != 2 {
			t.Errorf("%d audit events of closing", n)
		}
		if strings.Contains(c.get("/k/1273/").Body, `data-testid="nav-count"`) {
			t.Error("the menu still counts closed items")
		}
	})
}

// TestAppointmentResponsible: a booking names its responsible coordinator
// (the one who books unless another is chosen), only a coordinator of the
// same municipality can be chosen, the responsible finds it in their Mina
// ungdomar, and the booking's life is in the person's timeline.
func TestAppointmentResponsible(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	me := a.userID("samordnare@osby.demo")
	colleague := a.userID("flera@within.demo") // coordinator in Osby too
	id := c.register(newParticipant("080301-0024", "Alva", "Andersson"))
	base := fmt.Sprintf("/k/1273/deltagare/%d", id)
	book := func(v url.Values) response { return c.post(base+"/bokningar", v) }
	meeting := func(responsible string) url.Values {
		return url.Values{"kind": {"home_visit"}, "due_on": {day(2)}, "due_time": {"13:00"}, "note": {"Hemma"}, "responsible": {responsible}}
	}

	t.Run("FormOffersCoordinators", func(t *testing.T) {
		page := c.get(base).Body
		if !strings.Contains(page, `id="f-responsible"`) || !strings.Contains(page, fmt.Sprintf(`value="%d"`, colleague)) ||
			strings.Contains(page, fmt.Sprintf(`<option value="%d"`, a.userID("admin@osby.demo"))) {
			t.Error("the booking form offers Osby's coordinators, and only them")
		}
	})
	t.Run("ErrNotCoordinator", func(t *testing.T) {
		for name, v := range map[string]string{
			"another municipality's": strconv.Itoa(a.userID("samordnare@horby.demo")),
			"not a coordinator":      strconv.Itoa(a.userID("admin@osby.demo")),
			"no such user":           "999999",
			"not a number":           "Kim",
		} {
			res := book(meeting(v))
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="f-responsible-error"`) ||
				!strings.Contains(res.Body, "Välj en samordnare i listan.") {
				t.Errorf("%s: %d", name, res.Status)
			}
		}
		if a.count(`SELECT count(*) FROM appointments`) != 0 || a.count(`SELECT count(*) FROM audit_events WHERE action = 'appointment.create'`) != 0 {
			t.Error("a refused booking was written")
		}
	})
	t.Run("DefaultIsWhoBooks", func(t *testing.T) {
		if res := book(meeting("")); res.Status != http.StatusSeeOther {
			t.Fatalf("book: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM appointments WHERE responsible = $1 AND created_by = $1`, me) != 1 {
			t.Error("the one who books is responsible by default")
		}
	})
	t.Run("Colleague", func(t *testing.T) {
		v := meeting(strconv.Itoa(colleague))
		v.Set("kind", "meeting_school")
		if res := book(v); res.Status != http.StatusSeeOther {
			t.Fatalf("book for a colleague: %d %s", res.Status, res.Body)
		}
		if a.count(`SELECT count(*) FROM appointments WHERE responsible = $1 AND created_by = $2 AND kind = 'meeting_school'`, colleague, me) != 1 {
			t.Fatal("the colleague is responsible")
		}
		if a.count(`SELECT count(*) FROM audit_events WHERE action = 'appointment.create' AND (detail->>'responsible')::int = $1`, colleague) != 1 {
			t.Error("the audit event names the responsible")
		}
		other := a.client()
		other.signIn("flera@within.demo")
		other.get("/k/1273/")
		sec := queueSection(t, other.get("/k/1273/att-gora").Body, participant.QueueAppointments)
		if !strings.Contains(sec, "Andersson") || !strings.Contains(sec, "Möte i skolan") || strings.Contains(sec, "Hembesök") {
			t.Errorf("the colleague's Mina ungdomar shows the booking they are responsible for, and only that: %s", sec)
		}
	})
	t.Run("Timeline", func(t *testing.T) {
		var school, visit int64
		if err := a.db.Owner.QueryRow(context.Background(), `SELECT
			(SELECT id FROM appointments WHERE kind = 'meeting_school'), (SELECT id FROM appointments WHERE kind = 'home_visit')`).Scan(&school, &visit); err != nil {
			t.Fatal(err)
		}
		if res := c.post(fmt.Sprintf("%s/bokningar/%d/stall-in", base, visit), nil); res.Status != http.StatusSeeOther {
			t.Fatalf("cancel: %d", res.Status)
		}
		if res := c.post(fmt.Sprintf("%s/bokningar/%d/klar", base, school), nil); res.Status != http.StatusSeeOther {
			t.Fatalf("done: %d", res.Status)
		}
		held := url.Values{"kind": {"meeting_office"}, "due_on": {day(-1)}, "due_time": {"09:00"}, "held": {"yes"}}
		if res := book(held); res.Status != http.StatusSeeOther {
			t.Fatalf("an already held meeting: %d", res.Status)
		}
		body := c.get(base).Body
		i := strings.Index(body, `data-testid="timeline"`)
		if i < 0 {
			t.Fatal("no timeline")
		}
		tl := body[i:]
		for _, want := range []string{
			"Bokat: <strong>Hembesök</strong>", "Inställt: <strong>Hembesök</strong>",
			"Bokat: <strong>Möte i skolan</strong>", "Genomfört: <strong>Möte i skolan</strong>",
			"Genomfört: <strong>Möte på kontoret</strong>", "ansvarig Fia Flerroll",
		} {
			if !strings.Contains(tl, want) {
				t.Errorf("the timeline lacks %q", want)
			}
		}
		if strings.Contains(tl, "Bokat: <strong>Möte på kontoret</strong>") {
			t.Error("a meeting recorded as already held shows as booked")
		}
		if strings.Count(tl, `data-testid="timeline-appointment"`) != 5 {
			t.Errorf("%d booking events in the timeline; want 5", strings.Count(tl, `data-testid="timeline-appointment"`))
		}
	})
}

// TestQueueDueDates: every queue item shows its due date by the queue's
// rule and how late it is, the most overdue first.
func TestQueueDueDates(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	me := a.userID("samordnare@osby.demo")
	// Identified in this order, but Berg's last contact is older: Berg is
	// the later on the old order and the more overdue.
	for _, p := range []struct {
		pnr, last, identified string
		contactDaysAgo        int
	}{{"200803010024", "Alm", "2026-01-01", 40}, {"200803020023", "Berg", "2026-02-01", 90}} {
		_, err := a.db.Owner.Exec(context.Background(), `
			WITH p AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, identified_on)
			           VALUES ($1, $2, '2008-03-01', 'Test', $3, $4) RETURNING id),
			     e AS (INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason) SELECT $1, id, 'kaa', $4, 'dropped_out' FROM p),
			     pc AS (INSERT INTO participant_coordinators (tenant_id, participant_id, user_id) SELECT $1, id, $6 FROM p)
			INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, created_by)
			SELECT $1, id, now() - make_interval(days => $5), 'sms', 'outgoing', true, $6 FROM p`,
			a.orgID("1273"), p.pnr, p.last, p.identified, p.contactDaysAgo, me)
		if err != nil {
			t.Fatal(err)
		}
	}
	sec := queueSection(t, c.get("/k/1273/att-gora").Body, participant.QueueStale)
	if !strings.Contains(sec, "senast "+day(-60)+" (försenad 60 dagar)") || !strings.Contains(sec, "senast "+day(-10)+" (försenad 10 dagar)") {
		t.Errorf("no due dates by the rule (last contact + 30 days): %s", sec)
	}
	if strings.Index(sec, "Berg") > strings.Index(sec, "Alm") {
		t.Error("the most overdue is not first")
	}
}

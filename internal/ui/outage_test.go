package ui_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

// TestDatabaseOutage stops PostgreSQL under signed-in coordinators who keep
// logging contacts: while it is down, pages and writes answer 503 with a
// Swedish "try again" page and write nothing; when it is back on the same
// address the server recovers by itself within seconds, with the
// coordinators still signed in, and every contact it acknowledged is there. It runs its
// own PostgreSQL, so the rest of the tests keep theirs.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	pg := pgtest.NewPrivate(t, seed.StructureAt)
	d := pg.DB
	a := appOn(t, d, io.Discard)

	pid, _, _ := a.fixture("1273", "samordnare@osby.demo", "Ada", "Andersson")
	c := a.client()
	c.signIn("samordnare@osby.demo")
	page := "/k/1273/deltagare/" + itoa64(pid)
	if res := c.get(page); res.Status != 200 {
		t.Fatalf("before the outage: %d", res.Status)
	}

	// Eight coordinators keep logging contacts through the outage.
	var acked, failed atomic.Int64
	var others, ackedNotes sync.Map
	stopLoad := make(chan struct{})
	var wg sync.WaitGroup
	for u := 0; u < 8; u++ {
		lc := a.client()
		lc.signIn("samordnare@osby.demo")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stopLoad:
					return
				default:
				}
				note := fmt.Sprintf("avbrott-%d-%d", u, i)
				status := lc.postQuiet(page+"/kontakter", url.Values{"channel": {"sms"}, "direction": {"outgoing"}, "reached": {"no"},
					"note": {note}, "occurred_at": {time.Now().Format("2006-01-02T15:04")}})
				switch status {
				case http.StatusSeeOther, http.StatusOK:
					acked.Add(1)
					ackedNotes.Store(note, true)
				case http.StatusServiceUnavailable:
					failed.Add(1)
				default:
					others.Store(status, true)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)

	pg.Stop()
	res := c.get(page)
	if res.Status != http.StatusServiceUnavailable || !strings.Contains(res.Body, "försök igen") || res.Header.Get("Retry-After") == "" {
		t.Errorf("a page while the database is down: %d, Retry-After %q\n%s", res.Status, res.Header.Get("Retry-After"), res.Body)
	}
	contact := url.Values{"channel": {"sms"}, "direction": {"outgoing"}, "reached": {"no"}, "occurred_at": {time.Now().Format("2006-01-02T15:04")}}
	if res := c.post(page+"/kontakter", contact); res.Status != http.StatusServiceUnavailable {
		t.Errorf("logging a contact while the database is down: %d", res.Status)
	}

	pg.Start(t)
	began := time.Now()
	for {
		res := c.get(page)
		if res.Status == 200 {
			break
		}
		if res.Status != http.StatusServiceUnavailable {
			t.Fatalf("after the restart: %d %q", res.Status, res.Location)
		}
		if time.Since(began) > 15*time.Second {
			t.Fatal("the server did not recover within 15 seconds of the database's return")
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("recovered %v after the database came back", time.Since(began).Round(time.Millisecond))
	time.Sleep(500 * time.Millisecond)
	close(stopLoad)
	wg.Wait()
	others.Range(func(k, _ any) bool {
		t.Errorf("a contact during the outage got %v, not 503 or success", k)
		return true
	})
	if failed.Load() == 0 || acked.Load() == 0 {
		t.Errorf("the load saw %d refusals and %d successes; want both", failed.Load(), acked.Load())
	}
	d.Owner.Reset() // the test's own pool still holds connections from before
	// Every acknowledged contact is there. A contact committed just before
	// PostgreSQL went away may still have been answered 503 (the session
	// could not be saved after it): stored but not acknowledged, never the
	// other way round.
	rows, _ := d.Owner.Query(context.Background(), `SELECT note FROM contacts WHERE participant_id = $1 AND note LIKE 'avbrott-%'`, pid)
	stored, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, n := range stored {
		have[n] = true
	}
	ackedNotes.Range(func(k, _ any) bool {
		if !have[k.(string)] {
			t.Errorf("contact %s was acknowledged and is not in the database", k)
		}
		return true
	})
	t.Logf("%d contacts acknowledged, %d stored, %d refused with 503", acked.Load(), len(stored), failed.Load())
	if n := a.count(`SELECT count(*) FROM contacts WHERE participant_id = $1 AND note NOT LIKE 'avbrott-%'`, pid); n != 1 {
		t.Errorf("%d other contacts after the outage, want the fixture's one: the refused one went through", n)
	}
	a.assertSummary()
	if res := c.post(page+"/kontakter", contact); res.Status >= 400 {
		t.Errorf("logging a contact after the outage: %d", res.Status)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

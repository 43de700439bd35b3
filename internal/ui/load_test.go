package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestMixedLoad: 32 coordinators at once, for a few seconds, read the list
// and participant pages and log contacts against the real server on
// loopback. No answer is a server error, and every contact the server
// acknowledged is in the database afterwards, once.
func TestMixedLoad(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("load")
	}
	a := newApp(t)
	var pids []int64
	for i := 0; i < 8; i++ {
		var pid int64
		err := a.db.Owner.QueryRow(context.Background(), `
			WITH p AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
			           VALUES ($1, $2, '2008-03-01', 'Last', 'Provsson') RETURNING id),
			     e AS (INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason) SELECT $1, id, 'kaa', '2026-01-01', 'dropped_out' FROM p)
			SELECT id FROM p`, a.orgID("1273"), fmt.Sprintf("20080301%04d", 9800+i)).Scan(&pid)
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, pid)
	}
	const users = 32
	clients := make([]*client, users)
	for i := range clients {
		clients[i] = a.client()
		clients[i].signIn("samordnare@osby.demo")
	}
	var acked, requests, serverErrors atomic.Int64
	// Three seconds in make test; make soak sets KAA_LOAD_SECONDS for a long run.
	seconds := 3
	if n, err := strconv.Atoi(os.Getenv("KAA_LOAD_SECONDS")); err == nil && n > 0 {
		seconds = n
	}
	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	var wg sync.WaitGroup
	for u, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				pid := pids[(u+i)%len(pids)]
				var status int
				switch i % 3 {
				case 0:
					status = c.getQuiet(fmt.Sprintf("/k/1273/deltagare/%d", pid))
				case 1:
					status = c.getQuiet("/k/1273/deltagare?sortera=last_contact")
				default:
					status = c.postQuiet(fmt.Sprintf("/k/1273/deltagare/%d/kontakter", pid), url.Values{"channel": {"sms"}, "direction": {"outgoing"},
						"reached": {"no"}, "note": {fmt.Sprintf("last-%d-%d", u, i)}, "occurred_at": {time.Now().Format("2006-01-02T15:04")}})
					if status == http.StatusSeeOther || status == http.StatusOK {
						acked.Add(1)
					}
				}
				requests.Add(1)
				if status >= 500 || status == 0 {
					serverErrors.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d requests by %d users, %d contacts acknowledged", requests.Load(), users, acked.Load())
	if serverErrors.Load() != 0 {
		t.Errorf("%d answers were server errors or no answer", serverErrors.Load())
	}
	if acked.Load() == 0 {
		t.Fatal("no contact was acknowledged: the load did not run")
	}
	if n := a.count(`SELECT count(*) FROM contacts WHERE note LIKE 'last-%'`); int64(n) != acked.Load() {
		t.Errorf("%d contacts acknowledged, %d in the database", acked.Load(), n)
	}
	if n := a.count(`SELECT count(DISTINCT note) FROM contacts WHERE note LIKE 'last-%'`); int64(n) != acked.Load() {
		t.Errorf("a contact was stored twice: %d distinct notes for %d acknowledged", n, acked.Load())
	}
	a.assertSummary()
}

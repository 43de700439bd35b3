package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

// TestKilledMidImport kills the server (SIGKILL) while it confirms a
// 10,000-row KAA list, starts it again, and finds either the whole list in
// the register or none of it: the confirmation is one transaction, and a
// transaction whose server died is rolled back by PostgreSQL.
func TestKilledMidImport(t *testing.T) {
	t.Parallel()
	d := pgtest.NewFrom(t, "demo", seedDemo)
	ctx := context.Background()
	start := func() (string, *exec.Cmd) {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "KAA_TEST_CHILD=serve", "APP_DATABASE_URL="+d.AppURL, "DATABASE_URL=", "KAA_ADDR=127.0.0.1:0", "KAA_TOTP_KEYS="+testTOTPKeys, "KAA_AUDIT_KEY="+pgtest.AuditKey.String())
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		select {
		case a := <-listening(out):
			return "http://" + a, cmd
		case <-time.After(30 * time.Second):
			t.Fatal("the server did not start listening within 30 s")
		}
		return "", nil
	}
	base, cmd := start()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	must := func(res *http.Response, err error) *http.Response {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	must(c.PostForm(base+"/logga-in", url.Values{"email": {"samordnare@osby.demo"}, "password": {seed.DemoPassword}}))
	must(c.Get(base + "/k/1273/"))

	const rows = 10000
	body, contentType := seed.ListUpload(seed.KAAList(rows, time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC), 900, "Avbrottsson"))
	req, _ := http.NewRequest("POST", base+"/k/1273/deltagare/import", body)
	req.Header.Set("Content-Type", contentType)
	res := must(c.Do(req))
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "/import/") {
		t.Fatalf("upload: %d %q", res.StatusCode, loc)
	}
	must(c.Get(base + loc))

	// Confirm, and kill the server once the confirmation's transaction has run for a while.
	go func() {
		req, _ := http.NewRequest("POST", base+loc+"/bekrafta", nil)
		if res, err := c.Do(req); err == nil {
			res.Body.Close()
		}
	}()
	began := time.Now()
	for {
		var busy bool
		d.Owner.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
			AND usename = 'kaa_app' AND now() - xact_start > interval '150 milliseconds')`).Scan(&busy)
		if busy {
			break
		}
		if time.Since(began) > 20*time.Second {
			t.Fatal("the confirmation never got under way")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()

	// PostgreSQL ends the dead server's transactions; wait until it has.
	for began = time.Now(); ; time.Sleep(50 * time.Millisecond) {
		var open int
		d.Owner.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND usename = 'kaa_app' AND xact_start IS NOT NULL`).Scan(&open)
		if open == 0 {
			break
		}
		if time.Since(began) > 20*time.Second {
			t.Fatalf("%d transactions of the killed server are still open", open)
		}
	}
	base, _ = start()
	var n int
	d.Owner.QueryRow(ctx, `SELECT count(*) FROM participants WHERE last_name = 'Avbrottsson'`).Scan(&n)
	if n != 0 && n != rows {
		t.Fatalf("after the kill %d of the %d people are in the register", n, rows)
	}
	t.Logf("killed mid-import: %d of %d people in the register", n, rows)
	// The restarted server serves the same coordinator.
	if res := must(c.Get(base + "/k/1273/")); res.StatusCode != 200 {
		t.Errorf("after the restart: %d", res.StatusCode)
	}
}

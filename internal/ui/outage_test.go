package ui_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/pglocal"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
	"github.com/kaa-plattform/kaa/internal/ui"
)

// TestDatabaseOutage stops PostgreSQL under a signed-in coordinator: while it
// is down, pages and writes answer 503 with a Swedish "try again" page and
// write nothing; when it is back on the same address the server recovers by
// itself within seconds, with the coordinator still signed in. It runs its
// own PostgreSQL, so the rest of the tests keep theirs.
func TestDatabaseOutage(t *testing.T) {
	ctx := context.Background()
	base, err := os.MkdirTemp("/var/tmp", "kaa-outage-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(base, 0o711) // the postgres user must be able to enter it
	t.Cleanup(func() { os.RemoveAll(base) })
	opts := pglocal.Options{DataDir: filepath.Join(base, "pgdata"), Fast: true}
	srv, err := pglocal.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	setup, err := pgx.Connect(ctx, srv.AdminURL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{`CREATE ROLE kaa_app LOGIN PASSWORD '` + pgtest.AppPassword + `' NOSUPERUSER NOBYPASSRLS`, `CREATE DATABASE kaa`} {
		if _, err := setup.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	setup.Close(ctx)
	d := &pgtest.DB{Name: "kaa", OwnerURL: srv.AdminURL("kaa"), AppURL: srv.URL("kaa_app", pgtest.AppPassword, "kaa")}
	if err := db.Migrate(d.OwnerURL); err != nil {
		t.Fatal(err)
	}
	if err := seed.StructureAt(ctx, d.OwnerURL); err != nil {
		t.Fatal(err)
	}
	if d.Owner, err = db.Open(ctx, d.OwnerURL); err != nil {
		t.Fatal(err)
	}
	if d.App, err = db.Open(ctx, d.AppURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.App.Close(); d.Owner.Close() })
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	h := ui.New(d.App, cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	hs := httptest.NewServer(h.Router())
	t.Cleanup(func() { hs.Close(); h.Close() })
	a := &app{t: t, db: d, h: h, srv: hs}

	pid, _, _ := a.fixture("1273", "samordnare@osby.demo", "Ada", "Andersson")
	c := a.client()
	c.signIn("samordnare@osby.demo")
	page := "/k/1273/deltagare/" + itoa64(pid)
	if res := c.get(page); res.Status != 200 {
		t.Fatalf("before the outage: %d", res.Status)
	}

	port := srv.Port
	srv.Stop()
	res := c.get(page)
	if res.Status != http.StatusServiceUnavailable || !strings.Contains(res.Body, "försök igen") || res.Header.Get("Retry-After") == "" {
		t.Errorf("a page while the database is down: %d, Retry-After %q\n%s", res.Status, res.Header.Get("Retry-After"), res.Body)
	}
	contact := url.Values{"channel": {"sms"}, "direction": {"outgoing"}, "reached": {"no"}, "occurred_at": {time.Now().Format("2006-01-02T15:04")}}
	if res := c.post(page+"/kontakter", contact); res.Status != http.StatusServiceUnavailable {
		t.Errorf("logging a contact while the database is down: %d", res.Status)
	}

	opts.Port = port
	if srv, err = pglocal.Start(ctx, opts); err != nil {
		t.Fatal(err)
	}
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
	d.Owner.Reset() // the test's own pool still holds connections from before
	if n := a.count(`SELECT count(*) FROM contacts WHERE participant_id = $1`, pid); n != 1 {
		t.Errorf("%d contacts after the outage, want the fixture's one: a write during the outage went through or was lost half-way", n)
	}
	if res := c.post(page+"/kontakter", contact); res.Status >= 400 {
		t.Errorf("logging a contact after the outage: %d", res.Status)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

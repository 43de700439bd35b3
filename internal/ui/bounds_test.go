package ui_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

// TestQueryOutOfBounds: a dashboard asked for a period it does not offer
// (decades back, not begun, not a period) or the list for an order it does
// not know answers 422 with a Swedish sentence, and runs no query for it.
func TestQueryOutOfBounds(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	osby := a.client()
	osby.signIn("samordnare@osby.demo")
	leader := a.client()
	leader.signIn("projektledare@within.demo")
	for _, c := range []struct {
		who        *client
		path, says string
		want       int
	}{
		{osby, "/k/1273/statistik?period=1976-1", "mer än tio år bakåt", 422},
		{osby, "/k/1273/statistik?period=2099-2", "inte börjat", 422},
		{osby, "/k/1273/statistik?period=femtio-år", "ska vara ett halvår", 422},
		{osby, "/k/1273/statistik/tabell/kanaler?period=2001-1", "tio år", 422},
		{osby, "/k/1273/statistik?period=12m", "", 200},
		{osby, "/k/1273/deltagare?sortera=personnummer", "Filtrera och sortera", 422},
		{osby, "/k/1273/deltagare?sortera=age", "", 200},
		{leader, "/p/within/paraply?period=1990-2", "tio år", 422},
		{leader, "/p/within/paraply/tabell/deltagare?period=x", "ska vara ett halvår", 422},
		{leader, "/p/within/paraply?period=12m", "", 200},
	} {
		res := c.who.get(c.path)
		if res.Status != c.want || !strings.Contains(res.Body, c.says) {
			t.Errorf("%s: %d, want %d saying %q", c.path, res.Status, c.want, c.says)
		}
	}
}

// TestImportUnderStatementTimeout: a normal import, upload to
// confirmation, through the server's own pool with the default statement
// and idle-in-transaction timeouts in force.
func TestImportUnderStatementTimeout(t *testing.T) {
	t.Parallel()
	d := pgtest.NewFrom(t, "accounts", seed.StructureAt)
	ctx := context.Background()
	pool, err := db.OpenServing(ctx, d.AppURL, pgtest.AuditKey, db.Limits{Statement: config.DefaultDBLimits.Statement, IdleInTransaction: config.DefaultDBLimits.IdleInTransaction})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	var st string
	if err := pool.QueryRow(ctx, `SHOW statement_timeout`).Scan(&st); err != nil || st != "15s" {
		t.Fatalf("statement_timeout %q %v", st, err)
	}
	served := *d
	served.App = pool
	a := appOn(t, &served, io.Discard)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	loc, counts := c.preview("lista.csv", []byte(kaaList))
	if counts != "3 0 0 2" {
		t.Errorf("counts %s", counts)
	}
	if res := c.post(loc+"/bekrafta", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.Status)
	}
	if n := a.count(`SELECT count(*) FROM participants`); n != 3 {
		t.Errorf("%d participants after the import, want 3", n)
	}
}

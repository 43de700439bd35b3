package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestLoadPrincipalLeavesNoUserOnTheConnection: the principal is read in one
// batch whose set_config of app.user_id lets row-level security show the
// user's own memberships, and ends with the batch: the pooled connection
// carries no user into the next request.
func TestLoadPrincipalLeavesNoUserOnTheConnection(t *testing.T) {
	t.Parallel()
	d := pgtest.NewFrom(t, "accounts", seed.StructureAt)
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(d.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1 // every query below runs on the connection the principal was read on
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var id int
	d.Owner.QueryRow(ctx, `SELECT id FROM users WHERE email = 'flera@within.demo'`).Scan(&id)
	p, err := auth.LoadPrincipal(ctx, pool, id, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Orgs) != 2 || len(p.Projects) != 1 {
		t.Errorf("memberships %v, projects %v; want Osby and Hörby, and Within", p.Orgs, p.Projects)
	}
	var left string
	if err := pool.QueryRow(ctx, `SELECT coalesce(current_setting('app.user_id', true), '')`).Scan(&left); err != nil || left != "" {
		t.Errorf("after the principal, the connection says app.user_id = %q (%v)", left, err)
	}
	var memberships int
	pool.QueryRow(ctx, `SELECT count(*) FROM memberships`).Scan(&memberships)
	if memberships != 0 {
		t.Errorf("after the principal, the connection still sees %d memberships", memberships)
	}
	if _, err := d.Owner.Exec(ctx, `UPDATE users SET active = false WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.LoadPrincipal(ctx, pool, id, time.Now()); err != auth.ErrSessionInvalid {
		t.Errorf("a deactivated user's session: %v, want ErrSessionInvalid", err)
	}
}

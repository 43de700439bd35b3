package audit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/auditkey"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestAuditChain: concurrent writers build one unbroken chain per
// municipality; an operator's edit, a forged hash or a deleted row is named
// by Verify; the serving role cannot change or remove a row; and a row
// written in a transaction that rolls back is gone with it.
func TestAuditChain(t *testing.T) {
	t.Parallel()
	d := pgtest.NewFrom(t, "accounts", seed.StructureAt)
	ctx := context.Background()
	var osby, horby, user int
	d.Owner.QueryRow(ctx, `SELECT id FROM orgs WHERE key = '1273'`).Scan(&osby)
	d.Owner.QueryRow(ctx, `SELECT id FROM orgs WHERE key = '1266'`).Scan(&horby)
	d.Owner.QueryRow(ctx, `SELECT id FROM users WHERE email = 'samordnare@osby.demo'`).Scan(&user)
	if osby == 0 || horby == 0 || user == 0 {
		t.Fatal("the demo structure lacks Osby, Hörby or Osby's coordinator")
	}
	before := map[int]int64{}
	for _, c := range verify(t, d) {
		before[c.TenantID] = c.Rows
	}

	// 16 writers at once in Osby, 4 in Hörby, 5 rows each.
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		tenant := osby
		if i >= 16 {
			tenant = horby
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				err := db.InTenant(ctx, d.App, tenant, user, func(tx db.Tx) error {
					return audit.Record(ctx, tx, audit.Event{Action: "participant.read", RecordType: "participant", RecordID: fmt.Sprint(i*10 + j)})
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	checks := verify(t, d)
	for _, c := range checks {
		want := before[c.TenantID]
		switch c.TenantID {
		case osby:
			want += 80
		case horby:
			want += 20
		}
		if c.Rows != want || c.Broken != "" {
			t.Errorf("%s: %d rows, broken %q at %d; want %d rows and an unbroken chain", c.Key, c.Rows, c.Broken, c.Seq, want)
		}
	}

	// A rolled-back action leaves no row, and the chain goes on unbroken.
	boom := errors.New("the action failed")
	err := db.InTenant(ctx, d.App, osby, user, func(tx db.Tx) error {
		if err := audit.Record(ctx, tx, audit.Event{Action: "participant.update", RecordType: "participant", RecordID: "1"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	err = db.InTenant(ctx, d.App, osby, user, func(tx db.Tx) error {
		return audit.Record(ctx, tx, audit.Event{Action: "participant.read", RecordType: "participant", RecordID: "2"})
	})
	if err != nil {
		t.Fatal(err)
	}
	osbyRows := before[osby] + 81
	if c := find(verify(t, d), osby); c.Rows != osbyRows || c.Broken != "" {
		t.Errorf("after a rollback: %d rows, broken %q; want %d and unbroken", c.Rows, c.Broken, osbyRows)
	}

	// The serving role can neither change nor remove a row.
	for _, sql := range []string{
		`UPDATE audit_events SET detail = '{}' WHERE tenant_id = $1`,
		`DELETE FROM audit_events WHERE tenant_id = $1`,
	} {
		err := db.InTenant(ctx, d.App, osby, user, func(tx db.Tx) error { _, err := tx.Exec(ctx, sql, tx.TenantID); return err })
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("%s as the serving role: %v; want permission denied", sql, err)
		}
	}
	if _, err := d.App.Exec(ctx, `TRUNCATE audit_events`); err == nil {
		t.Error("the serving role truncated the audit log")
	}

	// An operator with the owner's rights edits row 3 of Osby's chain in SQL.
	owner := func(sql string) {
		t.Helper()
		if _, err := d.Owner.Exec(ctx, sql, osby); err != nil {
			t.Fatal(err)
		}
	}
	owner(`UPDATE audit_events SET detail = '{"participants": []}' WHERE tenant_id = $1 AND seq = 3`)
	if c := find(verify(t, d), osby); c.Broken != "changed" || c.Seq != 3 {
		t.Errorf("after an edit of row 3: broken %q at %d; want changed at 3", c.Broken, c.Seq)
	}
	if c := find(verify(t, d), horby); c.Broken != "" {
		t.Errorf("Hörby's chain broke with Osby's: %q at %d", c.Broken, c.Seq)
	}
	// A cleverer one gives the row a hash that matches its new content, but
	// without the audit key it is not the row's MAC.
	owner(`UPDATE audit_events a SET hash = sha256(audit_message(a)) WHERE tenant_id = $1 AND seq = 3`)
	if c := find(verify(t, d), osby); c.Broken != "changed" || c.Seq != 3 {
		t.Errorf("after a forged hash on row 3: broken %q at %d; want changed at 3", c.Broken, c.Seq)
	}
	// Removing a row leaves a gap.
	owner(`DELETE FROM audit_events WHERE tenant_id = $1 AND seq IN (2, 3)`)
	if c := find(verify(t, d), osby); c.Broken != "missing" || c.Seq != 4 {
		t.Errorf("after deleting rows 2 and 3: broken %q at %d; want missing at 4", c.Broken, c.Seq)
	}
}

func verify(t *testing.T, d *pgtest.DB) []audit.Check {
	t.Helper()
	checks, err := audit.Verify(context.Background(), d.Owner, []auditkey.Key{pgtest.AuditKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return checks
}

func find(checks []audit.Check, tenant int) audit.Check {
	for _, c := range checks {
		if c.TenantID == tenant {
			return c
		}
	}
	return audit.Check{}
}

package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/auditkey"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/pglocal"
	"github.com/kaa-plattform/kaa/internal/pgtest"
)

// TestBackupRestoreDrill follows docs/operations.md: a seeded database with
// audit rows is dumped with pg_dump --format=custom and restored with
// pg_restore --exit-on-error into an empty database; every table has as many
// rows as before and every audit chain verifies.
func TestBackupRestoreDrill(t *testing.T) {
	t.Parallel()
	d := pgtest.New(t)
	ctx := context.Background()
	if err := run(ctx, []string{"seed", "demo"}, func(k string) string { return map[string]string{"DATABASE_URL": d.OwnerURL}[k] }, &strings.Builder{}); err != nil {
		t.Fatal(err)
	}
	// Audit rows in several municipalities, written as the server writes them.
	rows, _ := d.Owner.Query(ctx, `SELECT id FROM orgs WHERE kind = 'municipality' ORDER BY id LIMIT 3`)
	orgs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil || len(orgs) < 2 {
		t.Fatalf("municipalities: %v %v", orgs, err)
	}
	for _, o := range orgs {
		for i := 0; i < 5; i++ {
			if err := db.InTenant(ctx, d.App, o, 0, func(tx db.Tx) error {
				return audit.Record(ctx, tx, audit.Event{Action: "participant.list", RecordType: "participant"})
			}); err != nil {
				t.Fatal(err)
			}
		}
	}

	bin, err := pglocal.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	dump := filepath.Join(t.TempDir(), "kaa.dump")
	if out, err := exec.Command(filepath.Join(bin, "pg_dump"), "--format=custom", "--file="+dump, "--dbname="+d.OwnerURL).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	target := pgtest.NewEmpty(t)
	if out, err := exec.Command(filepath.Join(bin, "pg_restore"), "--exit-on-error", "--dbname="+target, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	restored, err := pgxpool.New(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()

	counts := func(pool *pgxpool.Pool) map[string]int64 {
		t.Helper()
		rows, _ := pool.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
		tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		for _, tbl := range tables {
			var n int64
			if err := pool.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{tbl}.Sanitize()).Scan(&n); err != nil {
				t.Fatal(err)
			}
			out[tbl] = n
		}
		return out
	}
	before, after := counts(d.Owner), counts(restored)
	if before["participants"] == 0 || before["audit_events"] < 10 {
		t.Fatalf("the drill's database is too empty to prove anything: %v", before)
	}
	for tbl, n := range before {
		if after[tbl] != n {
			t.Errorf("%s: %d rows before, %d after the restore", tbl, n, after[tbl])
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d tables before, %d after", len(before), len(after))
	}
	checks, err := audit.Verify(ctx, restored, []auditkey.Key{pgtest.AuditKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	verified := 0
	for _, c := range checks {
		if c.Broken != "" {
			t.Errorf("%s: the restored chain is broken (%s at %d)", c.Key, c.Broken, c.Seq)
		}
		if c.Rows > 0 {
			verified++
		}
	}
	if verified < len(orgs) {
		t.Errorf("%d chains verified after the restore, want %d", verified, len(orgs))
	}
}

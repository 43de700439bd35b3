package audit_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/auditkey"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

// chain is a test database whose Osby has a chain of 10 rows written by the
// serving role, and a connection as the owner without the audit key: an
// operator with the database owner's rights who has not got the program's
// environment.
type chain struct {
	*pgtest.DB
	osby     int
	attacker *pgxpool.Pool
}

func newChain(t *testing.T) chain {
	t.Helper()
	ctx := context.Background()
	d := pgtest.NewFrom(t, "accounts", seed.StructureAt)
	c := chain{DB: d}
	d.Owner.QueryRow(ctx, `SELECT id FROM orgs WHERE key = '1273'`).Scan(&c.osby)
	c.write(t, 10)
	url, _, _ := strings.Cut(d.OwnerURL, "&options=")
	var err error
	if c.attacker, err = db.Open(ctx, url); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.attacker.Close)
	var key string
	c.attacker.QueryRow(ctx, `SELECT coalesce(current_setting('kaa.audit_key', true), '')`).Scan(&key)
	if key != "" {
		t.Fatal("the attacker's connection has the audit key")
	}
	return c
}

// write adds n rows to Osby's chain through the serving role.
func (c chain) write(t *testing.T, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		if err := db.InTenant(ctx, c.App, c.osby, 0, func(tx db.Tx) error {
			return audit.Record(ctx, tx, audit.Event{Action: "participant.read", RecordType: "participant", RecordID: fmt.Sprint(i)})
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// sql runs statements as the attacker, with $1 Osby's id.
func (c chain) sql(t *testing.T, sql string) {
	t.Helper()
	if _, err := c.attacker.Exec(context.Background(), sql, c.osby); err != nil {
		t.Fatal(err)
	}
}

// rehash edits row `from` and gives it and every row after it the hash
// hashExpr (of the record r), each pointing at the one before: the whole
// chain after the edit is rebuilt, as the attacker best can.
func (c chain) rehash(t *testing.T, from int, keyID, hashExpr string) {
	t.Helper()
	_, err := c.attacker.Exec(context.Background(), fmt.Sprintf(`
		DO $$ DECLARE r audit_events; last bytea; BEGIN
		UPDATE audit_events SET record_id = 'forged' WHERE tenant_id = %[1]d AND seq = %[2]d;
		SELECT hash INTO last FROM audit_events WHERE tenant_id = %[1]d AND seq = %[2]d - 1;
		FOR r IN SELECT * FROM audit_events WHERE tenant_id = %[1]d AND seq >= %[2]d ORDER BY seq LOOP
		    r.prev_hash := last;
		    r.key_id := %[3]s;
		    last := %[4]s;
		    UPDATE audit_events SET prev_hash = r.prev_hash, key_id = r.key_id, hash = last WHERE tenant_id = r.tenant_id AND id = r.id;
		END LOOP; END $$`, c.osby, from, keyID, hashExpr))
	if err != nil {
		t.Fatal(err)
	}
}

func (c chain) check(t *testing.T, keys []auditkey.Key, cps []audit.Checkpoint) audit.Check {
	t.Helper()
	checks, err := audit.Verify(context.Background(), c.Owner, keys, cps)
	if err != nil {
		t.Fatal(err)
	}
	return find(checks, c.osby)
}

var keys = []auditkey.Key{pgtest.AuditKey}

// TestAuditChainRehash: someone with the owner's rights but not the audit
// key edits a row and rebuilds the chain from there. Before the key (the
// SHA-256 chain of migration 000014) Verify found the rebuilt chain intact;
// now no way of rebuilding it passes, and a row cannot be written without
// the key at all.
func TestAuditChainRehash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newChain(t)
	if got := c.check(t, keys, nil); got.Broken != "" || got.Rows != 10 || got.Unkeyed != 0 {
		t.Fatalf("the fresh chain: %+v; want 10 keyed rows that hold", got)
	}
	var keyID string
	c.Owner.QueryRow(ctx, `SELECT key_id FROM audit_events WHERE tenant_id = $1 AND seq = 10`, c.osby).Scan(&keyID)
	if keyID != pgtest.AuditKey.ID {
		t.Errorf("a row's key id is %q; want the audit key's, %q", keyID, pgtest.AuditKey.ID)
	}

	// Without the key no row can be written.
	if _, err := c.attacker.Exec(ctx, `INSERT INTO audit_events (tenant_id, action) VALUES ($1, 'participant.read')`, c.osby); err == nil ||
		!strings.Contains(err.Error(), "no audit key") {
		t.Errorf("a row written without the audit key: %v; want it refused", err)
	}

	for _, attack := range []struct{ name, keyID, hash, want string }{
		{"plain SHA-256, as before the key", "r.key_id", "sha256(audit_message(r))", "changed"},
		{"HMAC under a guessed key", "r.key_id", "hmac(audit_message(r), 'guess', 'sha256')", "changed"},
		{"as rows from before the key", "NULL", "sha256(audit_message(r))", "unkeyed"},
	} {
		t.Run(attack.name, func(t *testing.T) {
			c := newChain(t)
			c.rehash(t, 3, attack.keyID, attack.hash)
			if got := c.check(t, keys, nil); got.Broken != attack.want || got.Seq != 3 {
				t.Errorf("after an edit of row 3 and a rebuilt chain: broken %q at %d; want %s at 3", got.Broken, got.Seq, attack.want)
			}
		})
	}

	// Rebuilding the whole chain as rows from before the key cannot be told
	// from the chain alone; a checkpoint taken before tells it.
	c = newChain(t)
	cps, err := audit.Heads(ctx, c.App, pgtest.AuditKey)
	if err != nil {
		t.Fatal(err)
	}
	c.rehash(t, 1, "NULL", "sha256(audit_message(r))")
	if got := c.check(t, keys, nil); got.Broken != "" || got.Unkeyed != 10 {
		t.Fatalf("the chain rebuilt unkeyed from row 1: %+v; want 10 unkeyed rows that hold", got)
	}
	if got := c.check(t, keys, cps); got.Broken != "rewritten" || got.Seq != 10 {
		t.Errorf("the chain rebuilt unkeyed from row 1, against a checkpoint at row 10: broken %q at %d; want rewritten at 10", got.Broken, got.Seq)
	}
}

// TestAuditKeyRotation: rows MACed with a retired key are checked with it;
// without it Verify names the first such row.
func TestAuditKeyRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newChain(t)
	next := auditkey.New()
	app, err := db.OpenKeyed(ctx, c.AppURL, next)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	c.App = app
	c.write(t, 3)
	if got := c.check(t, []auditkey.Key{next, pgtest.AuditKey}, nil); got.Broken != "" || got.Rows != 13 {
		t.Errorf("with the new and the retired key: %+v; want 13 rows that hold", got)
	}
	if got := c.check(t, []auditkey.Key{next}, nil); got.Broken != "unknown_key" || got.Seq != 1 || got.KeyID != pgtest.AuditKey.ID {
		t.Errorf("without the retired key: broken %q at %d by key %q; want unknown_key at 1 by %s", got.Broken, got.Seq, got.KeyID, pgtest.AuditKey.ID)
	}
}

// TestAuditCheckpoints: checkpoints written to a file hold an intact chain
// that has grown since; a chain cut at the tail below the last checkpoint,
// which the chain alone cannot show, is named, also once new rows have
// filled the gap; an edited checkpoint file fails to read.
func TestAuditCheckpoints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newChain(t)
	file := filepath.Join(t.TempDir(), "checkpoints.jsonl")
	read := func() []audit.Checkpoint {
		t.Helper()
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		cps, err := audit.ReadCheckpoints(bytes.NewReader(b), keys)
		if err != nil {
			t.Fatal(err)
		}
		return cps
	}
	for range 2 {
		cps, err := audit.Heads(ctx, c.App, pgtest.AuditKey)
		if err != nil {
			t.Fatal(err)
		}
		if err := audit.AppendCheckpoints(file, cps); err != nil {
			t.Fatal(err)
		}
		c.write(t, 2)
	}
	cps := read()
	if got := c.check(t, keys, cps); got.Broken != "" || got.Rows != 14 || got.Checkpoints != 2 {
		t.Errorf("the intact chain against its checkpoints at rows 10 and 12: %+v; want 14 rows that hold, 2 checkpoints", got)
	}

	// The last 3 rows go: the chain ends at row 11, below the checkpoint at 12.
	c.sql(t, `DELETE FROM audit_events WHERE tenant_id = $1 AND seq > 11`)
	if got := c.check(t, keys, nil); got.Broken != "" {
		t.Fatalf("the cut chain, without checkpoints: broken %q; want it to hold (the chain alone cannot show a cut)", got.Broken)
	}
	if got := c.check(t, keys, cps); got.Broken != "cut" || got.Seq != 12 {
		t.Errorf("the chain cut to 11 rows, against a checkpoint at row 12: broken %q at %d; want cut at 12", got.Broken, got.Seq)
	}
	// New rows take the places of the removed ones, with other hashes.
	c.write(t, 3)
	if got := c.check(t, keys, cps); got.Broken != "rewritten" || got.Seq != 12 {
		t.Errorf("the cut chain grown again: broken %q at %d; want rewritten at 12", got.Broken, got.Seq)
	}

	// A checkpoint edited to hide the cut (row 11 instead of 12) fails to read.
	b, _ := os.ReadFile(file)
	edited := bytes.Replace(b, []byte(`"org":"1273","seq":12`), []byte(`"org":"1273","seq":11`), 1)
	if bytes.Equal(edited, b) {
		t.Fatalf("no checkpoint of Osby at row 12 in\n%s", b)
	}
	if _, err := audit.ReadCheckpoints(bytes.NewReader(edited), keys); err == nil || !strings.Contains(err.Error(), "line") {
		t.Errorf("an edited checkpoint: %v; want an error naming the line", err)
	}
	if _, err := audit.ReadCheckpoints(bytes.NewReader(b), []auditkey.Key{auditkey.New()}); err == nil {
		t.Error("checkpoints read without the key that made them")
	}
}

// TestAuditChainFromBeforeTheKey: rows written before migration 000025
// keep their SHA-256 hashes and are checked as such; keyed rows follow them,
// and an unkeyed row after a keyed one breaks the chain.
func TestAuditChainFromBeforeTheKey(t *testing.T) {
	// Not parallel: it migrates outside pgtest's lock, and migrations grant on cluster-wide roles.
	ctx := context.Background()
	url, m := pgtest.NewAt(t, 24) // before the key (000025)
	if err := seed.StructureAt(ctx, url); err != nil {
		t.Fatal(err)
	}
	plain, err := db.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	var osby int
	plain.QueryRow(ctx, `SELECT id FROM orgs WHERE key = '1273'`).Scan(&osby)
	if _, err := plain.Exec(ctx, `INSERT INTO audit_events (tenant_id, action) SELECT $1, 'participant.read' FROM generate_series(1, 4)`, osby); err != nil {
		t.Fatal(err)
	}
	if err := m.Up(); err != nil {
		t.Fatal(err)
	}
	owner, err := db.OpenKeyed(ctx, url, pgtest.AuditKey)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if _, err := owner.Exec(ctx, `INSERT INTO audit_events (tenant_id, action) SELECT $1, 'participant.read' FROM generate_series(1, 3)`, osby); err != nil {
		t.Fatal(err)
	}
	check := func() audit.Check {
		t.Helper()
		checks, err := audit.Verify(ctx, owner, keys, nil)
		if err != nil {
			t.Fatal(err)
		}
		return find(checks, osby)
	}
	if got := check(); got.Broken != "" || got.Rows != 7 || got.Unkeyed != 4 {
		t.Errorf("4 rows from before the key and 3 after: %+v; want 7 rows that hold, 4 unkeyed", got)
	}
	if _, err := plain.Exec(ctx, `UPDATE audit_events a SET key_id = NULL, hash = sha256(audit_message(a)) WHERE tenant_id = $1 AND seq = 7`, osby); err != nil {
		t.Fatal(err)
	}
	if got := check(); got.Broken != "unkeyed" || got.Seq != 7 {
		t.Errorf("the last row made unkeyed: broken %q at %d; want unkeyed at 7", got.Broken, got.Seq)
	}
}

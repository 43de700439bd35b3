package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/secretbox"
	"github.com/kaa-plattform/kaa/internal/seed"
)

// testTOTPKeys is what the tests give the server as KAA_TOTP_KEYS.
var testTOTPKeys = secretbox.NewKey("test")

func TestMain(m *testing.M) {
	// A child the kill test starts: the real server, in its own process.
	if os.Getenv("KAA_TEST_CHILD") == "serve" {
		if err := run(context.Background(), []string{"serve"}, os.Getenv, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	pgtest.Main(m)
}

// listening reads the program's JSON log from r and sends the address it
// says it listens on.
func listening(r io.Reader) <-chan string {
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addr <- line.Addr
			}
		}
	}()
	return addr
}

// boot runs the program with args and env in the background and returns the
// address it listens on, and a function that stops it and returns run's error.
func boot(t *testing.T, args []string, env map[string]string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, func(k string) string { return env[k] }, pw)
		pw.Close()
	}()
	addr := listening(pr)
	select {
	case a := <-addr:
		return a, func() error { cancel(); return <-done }
	case err := <-done:
		cancel()
		t.Fatalf("run returned before listening: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("the program did not start listening within 60 s")
	}
	return "", nil
}

func signInAndLoadStart(t *testing.T, base, email string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(base+"/logga-in", url.Values{"email": {email}, "password": {seed.DemoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || res.Request.URL.Path == "/logga-in" {
		t.Fatalf("sign in as %s ended at %s with %d", email, res.Request.URL.Path, res.StatusCode)
	}
	return string(b)
}

func TestServeBootsAndSignsIn(t *testing.T) {
	t.Parallel()
	d := pgtest.NewFrom(t, "demo", seedDemo)
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := free.Addr().String()
	free.Close()
	addr, stop := boot(t, []string{"serve"}, map[string]string{"APP_DATABASE_URL": d.AppURL, "KAA_ADDR": "127.0.0.1:0", "KAA_TOTP_KEYS": testTOTPKeys, "KAA_AUDIT_KEY": pgtest.AuditKey.String(),
		"KAA_METRICS_ADDR": metricsAddr})
	page := signInAndLoadStart(t, "http://"+addr, "samordnare@osby.demo")
	if !strings.Contains(page, "Osby kommun") {
		t.Error("the coordinator's start page does not name Osby kommun")
	}
	// The metrics are served on their own address only, never on the one
	// the reverse proxy publishes.
	for base, want := range map[string]int{"http://" + addr: 404, "http://" + metricsAddr: 200} {
		res, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != want || (want == 200 && !strings.Contains(string(body), "kaa_http_requests_total")) {
			t.Errorf("%s/metrics: %d, want %d", base, res.StatusCode, want)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("graceful shutdown: %v", err)
	}
}

func TestEveryDemoAccountSeesItsStartPage(t *testing.T) {
	t.Parallel()
	d := pgtest.NewFrom(t, "demo", seedDemo)
	addr, stop := boot(t, []string{"serve"}, map[string]string{"APP_DATABASE_URL": d.AppURL, "KAA_ADDR": "127.0.0.1:0", "KAA_TOTP_KEYS": testTOTPKeys, "KAA_AUDIT_KEY": pgtest.AuditKey.String()})
	defer stop()
	for _, acc := range seed.DemoAccounts() {
		page := signInAndLoadStart(t, "http://"+addr, acc.Email)
		if !strings.Contains(page, acc.Name) {
			t.Errorf("%s: the start page does not greet %s", acc.Email, acc.Name)
		}
	}
}

func TestDevWithDatabaseURL(t *testing.T) {
	// Not parallel: dev alters the cluster-wide role kaa_app, and migrates.
	d := pgtest.New(t) // migrated, no demo data yet
	// dev gives kaa_app a login with the password kept in the dev folder; the
	// role is cluster-wide, so keep the one the other tests use.
	devDir := t.TempDir()
	os.WriteFile(filepath.Join(devDir, "app-db.password"), []byte(pgtest.AppPassword), 0o600)
	addr, stop := boot(t, []string{"dev"}, map[string]string{"DATABASE_URL": d.OwnerURL, "KAA_ADDR": "127.0.0.1:0", "KAA_DEV_DIR": devDir})
	page := signInAndLoadStart(t, "http://"+addr, "projektledare@within.demo")
	if !strings.Contains(page, "Within") {
		t.Error("the project leader's start page does not show Within")
	}
	if err := stop(); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	// Nobody set KAA_TOTP_KEYS: dev made a key and keeps it with its database.
	if fi, err := os.Stat(filepath.Join(devDir, "totp-keys")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("dev's two-factor key: %v %v", fi, err)
	}
	// dev made an audit key in its folder and anchored the chains there.
	var out strings.Builder
	env := map[string]string{"DATABASE_URL": d.OwnerURL, "KAA_AUDIT_CHECKPOINT_FILE": filepath.Join(devDir, "audit-checkpoints.jsonl")}
	key, err := os.ReadFile(filepath.Join(devDir, "audit.key"))
	if err != nil {
		t.Fatal(err)
	}
	env["KAA_AUDIT_KEY"] = strings.TrimSpace(string(key))
	// The server anchors the chains at start and stop, but whether its daily
	// retention run had written to them by then depends on the machine's
	// speed. A dry run writes one audited row in every chain; anchor after it.
	if err := run(context.Background(), []string{"retention", "run", "--dry-run"}, func(k string) string { return env[k] }, io.Discard); err != nil {
		t.Fatalf("retention dry run: %v", err)
	}
	if err := run(context.Background(), []string{"audit", "checkpoint"}, func(k string) string { return env[k] }, io.Discard); err != nil {
		t.Fatalf("audit checkpoint with the dev folder's key: %v", err)
	}
	if err := run(context.Background(), []string{"audit", "verify"}, func(k string) string { return env[k] }, &out); err != nil || !strings.Contains(out.String(), "checkpoints match") {
		t.Errorf("audit verify with the dev folder's key and checkpoints: %v\n%s", err, out.String())
	}
}

func TestCommands(t *testing.T) {
	// Not parallel: its commands migrate down and up outside pgtest's lock.
	d := pgtest.New(t)
	checkpoints := filepath.Join(t.TempDir(), "checkpoints.jsonl")
	env := map[string]string{"DATABASE_URL": d.OwnerURL, "KAA_AUDIT_KEY": pgtest.AuditKey.String(), "KAA_AUDIT_CHECKPOINT_FILE": checkpoints}
	var out strings.Builder
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()

	if err := run(ctx, []string{"migrate", "version"}, getenv, &out); err != nil || !strings.Contains(out.String(), "schema version") {
		t.Fatalf("migrate version: %v %q", err, out.String())
	}
	if err := run(ctx, []string{"migrate", "down"}, getenv, &out); err == nil {
		t.Error("migrate down without --all should refuse")
	}
	for i := 0; i < 2; i++ {
		if err := run(ctx, []string{"seed", "demo"}, getenv, &out); err != nil {
			t.Fatalf("seed demo, run %d: %v", i+1, err)
		}
	}
	var users, memberships int
	d.Owner.QueryRow(ctx, `SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM memberships)`).Scan(&users, &memberships)
	if users != len(seed.DemoAccounts()) || memberships == 0 {
		t.Errorf("after seeding twice: %d users (want %d), %d memberships", users, len(seed.DemoAccounts()), memberships)
	}
	// Every demo municipality has young people in every state, with contacts across channels.
	var munis, thin int
	d.Owner.QueryRow(ctx, `
		SELECT count(*), count(*) FILTER (WHERE NOT (
		    (SELECT count(*) FROM participants p WHERE p.tenant_id = o.id) >= 20
		    AND EXISTS (SELECT 1 FROM participants p WHERE p.tenant_id = o.id AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = p.tenant_id AND c.participant_id = p.id))
		    AND EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = o.id AND NOT c.reached)
		    AND EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = o.id AND c.reached)
		    AND EXISTS (SELECT 1 FROM enrolments e WHERE e.tenant_id = o.id AND e.ends_on IS NOT NULL)
		    AND (SELECT count(DISTINCT channel) FROM contacts c WHERE c.tenant_id = o.id) >= 4
		    AND EXISTS (SELECT 1 FROM mappings m WHERE m.tenant_id = o.id)
		    AND EXISTS (SELECT 1 FROM plans pl WHERE pl.tenant_id = o.id AND pl.version > 1)
		    AND EXISTS (SELECT 1 FROM followups f WHERE f.tenant_id = o.id AND f.done_on IS NOT NULL)
		    AND EXISTS (SELECT 1 FROM followups f WHERE f.tenant_id = o.id AND f.done_on IS NULL)
		    AND EXISTS (SELECT 1 FROM plan_measures m WHERE m.tenant_id = o.id AND m.ends_on IS NOT NULL)
		    AND EXISTS (SELECT 1 FROM plan_measures m WHERE m.tenant_id = o.id AND m.starts_on IS NULL)))
		FROM orgs o WHERE o.kind = 'municipality'`).Scan(&munis, &thin)
	if munis != 13 || thin != 0 {
		t.Errorf("%d of %d demo municipalities lack young people in every state", thin, munis)
	}
	var drift int
	d.Owner.QueryRow(ctx, `SELECT count(*) FROM participants p WHERE p.last_contact_at IS DISTINCT FROM
		(SELECT max(occurred_at) FROM contacts c WHERE c.tenant_id = p.tenant_id AND c.participant_id = p.id)`).Scan(&drift)
	if drift != 0 {
		t.Errorf("%d demo participants with a wrong last contact summary", drift)
	}
	var future int
	d.Owner.QueryRow(ctx, `SELECT count(*) FROM contacts WHERE occurred_at > now()`).Scan(&future)
	if future != 0 {
		t.Errorf("%d demo contacts lie in the future", future)
	}
	// Rotating the key of a project that has had no export yet makes its
	// first key; rotating again, the second. Each is in the security log.
	for want := 1; want <= 2; want++ {
		out.Reset()
		if err := run(ctx, []string{"export", "rotate-key", "within"}, getenv, &out); err != nil || !strings.Contains(out.String(), fmt.Sprintf("version %d", want)) {
			t.Errorf("export rotate-key: %v %q", err, out.String())
		}
	}
	var rotations int
	d.Owner.QueryRow(ctx, `SELECT count(*) FROM security_events WHERE action = 'export.key_rotated'`).Scan(&rotations)
	if rotations != 2 {
		t.Errorf("%d key rotations logged, want 2", rotations)
	}
	if err := run(ctx, []string{"export", "rotate-key", "finns-inte"}, getenv, &out); err == nil {
		t.Error("rotating the key of a project that does not exist succeeded")
	}
	out.Reset()
	if err := run(ctx, []string{"user", "create", "--email", "Drift@Example.se", "--name", "Drift", "--system-admin"}, getenv, &out); err != nil {
		t.Fatalf("user create: %v", err)
	}
	if !strings.Contains(out.String(), "temporary password") {
		t.Errorf("user create printed %q", out.String())
	}
	var sys, must bool
	d.Owner.QueryRow(ctx, `SELECT is_system_admin, must_change_password FROM users WHERE email = 'drift@example.se'`).Scan(&sys, &must)
	if !sys || !must {
		t.Errorf("created user: system admin %v, must change password %v", sys, must)
	}
	if err := run(ctx, []string{"user", "create", "--email", "drift@example.se", "--name", "Drift"}, getenv, &out); err == nil {
		t.Error("a second account with the same e-mail was created")
	}
	// Gallring from the command line: the demo has no gallringsbeslut, so a
	// dry run and a real one both say so for every municipality, by
	// kommunkod and name, and erase no one.
	for _, args := range [][]string{{"retention", "run", "--dry-run"}, {"retention", "run"}} {
		out.Reset()
		if err := run(ctx, args, getenv, &out); err != nil || !strings.Contains(out.String(), "1273 Osby kommun: no gallringsbeslut recorded; nothing is erased") {
			t.Errorf("%v: %v\n%s", args, err, out.String())
		}
	}
	var erased int
	d.Owner.QueryRow(ctx, `SELECT count(*) FROM participants WHERE erased_on IS NOT NULL`).Scan(&erased)
	if erased != 0 {
		t.Errorf("retention run erased %d people without a gallringsbeslut", erased)
	}
	if err := run(ctx, []string{"retention", "run", "--now"}, getenv, &out); err == nil {
		t.Error("retention run accepted an unknown flag")
	}
	// Audit rows form chains that hold; an edit in SQL makes verify fail
	// and name the row.
	if _, err := d.Owner.Exec(ctx, `INSERT INTO audit_events (tenant_id, action, record_type, record_id)
		SELECT o.id, 'participant.read', 'participant', i::text FROM orgs o, generate_series(1, 3) i WHERE o.key IN ('1273', '1266')`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "verify"}, getenv, &out); err != nil || !strings.Contains(out.String(), "the chain holds") {
		t.Errorf("audit verify on a fresh database: %v\n%s", err, out.String())
	}
	// A checkpoint taken now, then Osby's last row removed: the chain alone
	// still holds, but not against the checkpoint.
	out.Reset()
	if err := run(ctx, []string{"audit", "checkpoint"}, getenv, &out); err != nil || !strings.Contains(out.String(), `"org":"1273"`) {
		t.Errorf("audit checkpoint: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "verify"}, getenv, &out); err != nil || !strings.Contains(out.String(), "checkpoints match") {
		t.Errorf("audit verify against the checkpoint file: %v\n%s", err, out.String())
	}
	if _, err := d.Owner.Exec(ctx, `DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events a WHERE a.tenant_id = audit_events.tenant_id)
		AND tenant_id = (SELECT id FROM orgs WHERE key = '1273')`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "verify", "--checkpoints", checkpoints}, getenv, &out); err == nil || !strings.Contains(out.String(), "1273: BROKEN: the chain ends at row") {
		t.Errorf("audit verify after the last row was removed: %v\n%s", err, out.String())
	}
	if err := run(ctx, []string{"audit", "verify"}, func(k string) string { return map[string]string{"DATABASE_URL": d.OwnerURL}[k] }, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "KAA_AUDIT_KEY") {
		t.Errorf("audit verify without KAA_AUDIT_KEY: %v", err)
	}
	var tenant int
	var seq int64
	if err := d.Owner.QueryRow(ctx, `SELECT id, 2 FROM orgs WHERE key = '1273'`).Scan(&tenant, &seq); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Owner.Exec(ctx, `UPDATE audit_events SET record_id = '42' WHERE tenant_id = $1 AND seq = $2`, tenant, seq); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "verify"}, getenv, &out); err == nil || !strings.Contains(out.String(), fmt.Sprintf("BROKEN at row %d of the chain", seq)) {
		t.Errorf("audit verify after an edit: %v\n%s", err, out.String())
	}
	if err := run(ctx, []string{"serve"}, func(string) string { return "" }, io.Discard); err == nil || !strings.Contains(err.Error(), "APP_DATABASE_URL") {
		t.Errorf("serve without APP_DATABASE_URL: %v", err)
	}
	if err := run(ctx, []string{"serve"}, func(k string) string {
		return map[string]string{"APP_DATABASE_URL": d.AppURL, "KAA_TOTP_KEYS": testTOTPKeys}[k]
	}, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "KAA_AUDIT_KEY") {
		t.Errorf("serve without KAA_AUDIT_KEY: %v", err)
	}
	// Without the key two-factor secrets could not be kept encrypted: refuse
	// to start rather than keep them readable.
	noKey := map[string]string{"APP_DATABASE_URL": d.AppURL, "KAA_ADDR": "127.0.0.1:0", "KAA_AUDIT_KEY": pgtest.AuditKey.String()}
	bounded, cancel := context.WithTimeout(ctx, 5*time.Second) // a server that starts anyway stops here
	defer cancel()
	if err := run(bounded, []string{"serve"}, func(k string) string { return noKey[k] }, io.Discard); err == nil || !strings.Contains(err.Error(), "KAA_TOTP_KEYS") {
		t.Errorf("serve without KAA_TOTP_KEYS: %v, want a refusal naming it", err)
	}
}

// TestTOTPEncrypt: the operator's key rotation. A secret kept in plain text
// from before encryption and one under the previous key are both encrypted
// under the new key by `kaa totp encrypt`, after which the old key can go.
func TestTOTPEncrypt(t *testing.T) {
	t.Parallel()
	d := pgtest.New(t)
	ctx := context.Background()
	const plain, other = "JBSWY3DPEHPK3PXP", "KRSXG5CTMVRXEZLU"
	oldKey, newKey := secretbox.NewKey("old"), secretbox.NewKey("new")
	oldRing, _ := secretbox.ParseKeys(oldKey)
	var legacy, rotated int
	err := d.Owner.QueryRow(ctx, `
		WITH a AS (INSERT INTO users (email, name, password_hash, totp_secret, totp_enabled_at) VALUES ('legacy@test.invalid', 'A', 'x', $1, now()) RETURNING id),
		     b AS (INSERT INTO users (email, name, password_hash) VALUES ('rotated@test.invalid', 'B', 'x') RETURNING id)
		SELECT (SELECT id FROM a), (SELECT id FROM b)`, plain).Scan(&legacy, &rotated)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Owner.Exec(ctx, `UPDATE users SET totp_secret = $2, totp_enabled_at = now() WHERE id = $1`,
		rotated, oldRing.Seal(other, fmt.Sprintf("totp:user:%d", rotated))); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	env := map[string]string{"DATABASE_URL": d.OwnerURL, "KAA_TOTP_KEYS": newKey}
	if err := run(ctx, []string{"totp", "encrypt"}, func(k string) string { return env[k] }, &out); err == nil {
		t.Error("encrypt without the old key still configured: a secret under it would be lost, want an error")
	}
	env["KAA_TOTP_KEYS"] = newKey + "," + oldKey
	out.Reset()
	if err := run(ctx, []string{"totp", "encrypt"}, func(k string) string { return env[k] }, &out); err != nil || !strings.Contains(out.String(), "2 of 2") {
		t.Fatalf("totp encrypt: %v\n%s", err, out.String())
	}
	newRing, _ := secretbox.ParseKeys(newKey) // the old key is gone now
	for id, want := range map[int]string{legacy: plain, rotated: other} {
		var stored string
		d.Owner.QueryRow(ctx, `SELECT totp_secret FROM users WHERE id = $1`, id).Scan(&stored)
		got, stale, err := newRing.Open(stored, fmt.Sprintf("totp:user:%d", id))
		if strings.Contains(stored, want) || err != nil || stale || got != want {
			t.Errorf("user %d after encrypt: stored %q, opens to %q (stale %v, %v)", id, stored, got, stale, err)
		}
	}
	out.Reset()
	if err := run(ctx, []string{"totp", "encrypt"}, func(k string) string { return env[k] }, &out); err != nil || !strings.Contains(out.String(), "0 of 2") {
		t.Errorf("second run: %v %s", err, out.String())
	}
}

func seedDemo(ctx context.Context, ownerURL string) error {
	var out strings.Builder
	return run(ctx, []string{"seed", "demo"}, func(k string) string {
		if k == "DATABASE_URL" {
			return ownerURL
		}
		return ""
	}, &out)
}

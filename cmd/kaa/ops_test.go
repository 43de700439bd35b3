package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/pgtest"
)

// TestVersion: `kaa version` names the build and the Go that built it.
func TestVersion(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	if err := run(context.Background(), []string{"version"}, func(string) string { return "" }, &out); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^kaa \S+ .*` + regexp.QuoteMeta(runtime.Version()) + `\n$`).MatchString(out.String()) {
		t.Errorf("kaa version: %q, want kaa <version> ... %s", out.String(), runtime.Version())
	}
}

// TestMetricsAndHealthcheck: the build's metric is on the metrics address,
// /metrics is not on the application's, and kaa healthcheck passes against
// a running server and fails against a closed port.
func TestMetricsAndHealthcheck(t *testing.T) {
	t.Parallel()
	d := pgtest.New(t)
	metricsAddr := "127.0.0.1:" + freePort(t)
	addr, stop := boot(t, []string{"serve"}, map[string]string{"APP_DATABASE_URL": d.AppURL, "KAA_ADDR": "127.0.0.1:0", "KAA_TOTP_KEYS": testTOTPKeys,
		"KAA_AUDIT_KEY": pgtest.AuditKey.String(), "KAA_METRICS_ADDR": metricsAddr})
	defer stop()
	get := func(u string) (int, string) {
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if status, _ := get("http://" + addr + "/metrics"); status != http.StatusNotFound {
		t.Errorf("/metrics on the application's address: %d, want 404", status)
	}
	status, body := get("http://" + metricsAddr + "/metrics")
	info := regexp.MustCompile(`(?m)^kaa_build_info\{[^}]*goversion="` + regexp.QuoteMeta(runtime.Version()) + `"[^}]*version="[^"]+"[^}]*\} 1$`)
	if status != http.StatusOK || !info.MatchString(body) {
		t.Errorf("the metrics address: %d, kaa_build_info with goversion and version not found", status)
	}
	env := func(a string) func(string) string {
		return func(k string) string { return map[string]string{"KAA_ADDR": a}[k] }
	}
	var out strings.Builder
	if err := run(context.Background(), []string{"healthcheck"}, env(addr), &out); err != nil || !strings.Contains(out.String(), "/readyz") {
		t.Errorf("healthcheck of a running server: %v %q", err, out.String())
	}
	if err := run(context.Background(), []string{"healthcheck"}, env("127.0.0.1:"+freePort(t)), io.Discard); err == nil {
		t.Error("healthcheck of a closed port passed")
	}
	if err := run(context.Background(), []string{"healthcheck", "http://" + addr + "/finns-inte"}, env(addr), io.Discard); err == nil {
		t.Error("healthcheck of a page that answers 404 passed")
	}
}

// TestHealthURL: where kaa healthcheck asks, from KAA_ADDR.
func TestHealthURL(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{":8080": "http://127.0.0.1:8080/readyz", "0.0.0.0:80": "http://127.0.0.1:80/readyz",
		"[::]:8080": "http://127.0.0.1:8080/readyz", "10.0.0.5:8080": "http://10.0.0.5:8080/readyz", "[::1]:9000": "http://[::1]:9000/readyz"} {
		if got, err := healthURL(addr, nil); got != want || err != nil {
			t.Errorf("%s: %s %v, want %s", addr, got, err, want)
		}
	}
}

// TestMetricsDefaultAddressTaken: the default metrics address taken does
// not stop the server; an address that was asked for does.
func TestMetricsDefaultAddressTaken(t *testing.T) {
	t.Parallel()
	taken := "127.0.0.1:" + freePort(t)
	ln, err := listenMetrics(config.Config{MetricsAddr: taken}, t.Logf)
	if err != nil || ln == nil {
		t.Fatalf("a free address: %v", err)
	}
	defer ln.Close()
	warned := false
	if l2, err := listenMetrics(config.Config{MetricsAddr: taken, MetricsAddrDefault: true}, func(string, ...any) { warned = true }); err != nil || l2 != nil || !warned {
		t.Errorf("the default address taken: %v %v, warned %v", l2, err, warned)
	}
	if _, err := listenMetrics(config.Config{MetricsAddr: taken}, t.Logf); err == nil {
		t.Error("KAA_METRICS_ADDR taken, and the server would start without its metrics")
	}
}

// TestServingPoolLimits: the server's own pool has the statement and
// idle-in-transaction timeouts in force; a request allowed long statements
// has the long ones in its transaction only; a statement past the limit is
// cancelled.
func TestServingPoolLimits(t *testing.T) {
	t.Parallel()
	d := pgtest.New(t)
	cfg, err := config.Load(func(k string) string { return map[string]string{"APP_DATABASE_URL": d.AppURL}[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pool, err := servingPool(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	show := func(ctx context.Context) (st, idle string) {
		t.Helper()
		if err := db.InGlobal(ctx, pool, 0, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT current_setting('statement_timeout'), current_setting('idle_in_transaction_session_timeout')`).Scan(&st, &idle)
		}); err != nil {
			t.Fatal(err)
		}
		return st, idle
	}
	if st, idle := show(ctx); st != "15s" || idle != "30s" {
		t.Errorf("the serving pool: statement_timeout %s, idle_in_transaction_session_timeout %s; want 15s and 30s", st, idle)
	}
	if st, idle := show(db.WithLongStatements(ctx, cfg.DB.Long)); st != "5min" || idle != "5min" {
		t.Errorf("a long request: %s %s, want 5min", st, idle)
	}
	if st, _ := show(ctx); st != "15s" {
		t.Errorf("after a long request the connection kept statement_timeout %s", st)
	}
	short, err := servingPool(ctx, config.Config{AppDatabaseURL: d.AppURL, DB: config.DBLimits{Statement: 50 * time.Millisecond, IdleInTransaction: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer short.Close()
	if _, err := short.Exec(ctx, `SELECT pg_sleep(1)`); !db.TimedOut(err) {
		t.Errorf("a statement past statement_timeout: %v, want SQLSTATE 57014", err)
	}
}

// TestTimeZoneWithoutSystemData: Europe/Stockholm loads from the binary's
// own time-zone data where the system has none (distroless, scratch). The
// test binary runs again with /usr/share/zoneinfo and the Go toolchain's
// zoneinfo.zip hidden under empty file systems (a mount namespace of its
// own) and ZONEINFO at an empty folder.
func TestTimeZoneWithoutSystemData(t *testing.T) {
	if os.Getenv("KAA_TEST_CHILD") == "tz" {
		for _, f := range []string{"/usr/share/zoneinfo/Europe/Stockholm", filepath.Join(runtime.GOROOT(), "lib", "time", "zoneinfo.zip")} {
			if _, err := os.Stat(f); err == nil {
				t.Fatalf("%s is still visible", f)
			}
		}
		loc, err := time.LoadLocation("Europe/Stockholm")
		if err != nil {
			t.Fatal(err)
		}
		if _, off := time.Date(2026, 7, 1, 12, 0, 0, 0, loc).Zone(); off != 2*3600 {
			t.Fatalf("Stockholm in July: offset %d s, want 7200", off)
		}
		return
	}
	t.Parallel()
	unshare, err := exec.LookPath("unshare")
	if err != nil || os.Geteuid() != 0 {
		t.Skip("needs root and unshare(1) to hide the system's time zones; the binary imports time/tzdata (cmd/kaa/tzdata.go)")
	}
	if err := exec.Command(unshare, "-m", "true").Run(); err != nil {
		t.Skip("cannot make a mount namespace here: " + err.Error())
	}
	// Go's last resort, the toolchain's zoneinfo.zip, is hidden too.
	cmd := exec.Command(unshare, "-m", "sh", "-c", `for d in /usr/share/zoneinfo "$1/lib/time"; do
		if [ -d "$d" ]; then mount -t tmpfs tmpfs "$d" || exit 1; fi
	done
	exec "$0" -test.run '^TestTimeZoneWithoutSystemData$' -test.count=1`, os.Args[0], runtime.GOROOT())
	cmd.Env = append(os.Environ(), "KAA_TEST_CHILD=tz", "ZONEINFO="+t.TempDir(), "TZ=")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "PASS") {
		t.Errorf("without the system's time zones: %v\n%s", err, out)
	}
}

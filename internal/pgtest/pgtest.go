// Package pgtest gives each test its own migrated PostgreSQL database: one
// server per test binary, a migrated template database, and a cheap clone of
// it per test.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/auditkey"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/pglocal"
)

// AppPassword is the serving role's password on the test server.
const AppPassword = "kaa-app-test"

// AuditKey is the audit key the connections of test databases carry (in
// their URLs), so that tests write audit rows as the program does.
var AuditKey = auditkey.FromSecret([]byte("the audit key of the test servers"))

// keyed returns url with the audit key as a setting of the connection, in
// the form libpq (pg_dump, psql) also reads, without a space, which
// golang-migrate would re-encode as "+".
func keyed(u string) string {
	return u + "&options=" + url.QueryEscape("-ckaa.audit_key="+AuditKey.String())
}

var (
	startOnce sync.Once
	server    *pglocal.Server
	tmpDir    string
	startErr  error

	mu        sync.Mutex           // serialises CREATE DATABASE ... TEMPLATE
	templates = map[string]error{} // template name -> nil when built, or why it failed
	counter   atomic.Int64
)

// Main runs the tests of a package and stops the server afterwards. Call it
// from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if server != nil {
		server.Stop()
		os.RemoveAll(tmpDir)
	}
	os.Exit(code)
}

func start() {
	sweepStale()
	tmpDir, startErr = os.MkdirTemp("", "kaa-pgtest-")
	if startErr != nil {
		return
	}
	os.WriteFile(filepath.Join(tmpDir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o600)
	os.Chmod(tmpDir, 0o711)
	server, startErr = startServer(context.Background(), options(tmpDir))
}

// options are a test server's, with its cluster in dir.
func options(dir string) pglocal.Options {
	var logFile *os.File
	if os.Getenv("KAA_PGTEST_LOG") != "" {
		logFile = os.Stderr
	}
	return pglocal.Options{DataDir: filepath.Join(dir, "data"), Fast: true, Log: logFile}
}

// startServer starts a test server, with the serving role able to sign in.
func startServer(ctx context.Context, opts pglocal.Options) (*pglocal.Server, error) {
	srv, err := pglocal.Start(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := exec(ctx, srv.AdminURL("postgres"), `CREATE ROLE kaa_app LOGIN PASSWORD '`+AppPassword+`' NOSUPERUSER NOBYPASSRLS`); err != nil {
		srv.Stop()
		return nil, err
	}
	return srv, nil
}

// Private is a PostgreSQL server of one test's own, with one database, for
// a test that stops and starts the server.
type Private struct {
	*DB
	Server  *pglocal.Server
	Options pglocal.Options // Options.Port is the server's: a restart keeps the address
}

// NewPrivate starts a server of t's own and gives it a database "kaa",
// migrated and then filled by fill (which may be nil).
func NewPrivate(t testing.TB, fill func(ctx context.Context, ownerURL string) error) *Private {
	t.Helper()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "kaa-pgtest-")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o600)
	os.Chmod(dir, 0o711) // the postgres user must be able to enter it
	p := &Private{Options: options(dir)}
	if p.Server, err = startServer(ctx, p.Options); err != nil {
		t.Fatal(err)
	}
	p.Options.Port = p.Server.Port
	t.Cleanup(func() { p.Server.Stop(); os.RemoveAll(dir) })
	if err := buildTemplate(ctx, p.Server, "kaa", fill); err != nil {
		t.Fatal(err)
	}
	p.DB = &DB{Name: "kaa", OwnerURL: keyed(p.Server.AdminURL("kaa")), AppURL: keyed(p.Server.URL("kaa_app", AppPassword, "kaa"))}
	if p.Owner, err = db.Open(ctx, p.OwnerURL); err != nil {
		t.Fatal(err)
	}
	if p.App, err = db.Open(ctx, p.AppURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.App.Close(); p.Owner.Close() })
	return p
}

// Stop stops the server.
func (p *Private) Stop() { p.Server.Stop() }

// Start starts the server again on the same address.
func (p *Private) Start(t testing.TB) {
	t.Helper()
	srv, err := pglocal.Start(context.Background(), p.Options)
	if err != nil {
		t.Fatal(err)
	}
	p.Server = srv
}

// sweepStale removes the folders of test servers whose test binary is gone
// (a killed test run leaves them behind).
func sweepStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "kaa-pgtest-*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "owner.pid"))
		if err != nil {
			continue
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		if pid > 0 && syscall.Kill(pid, 0) == nil {
			continue
		}
		os.RemoveAll(d)
	}
}

func exec(ctx context.Context, url, sql string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// DB is one test's database.
type DB struct {
	Name     string
	OwnerURL string // schema owner (superuser): migrations, seeds, catalog checks
	AppURL   string // serving role kaa_app: what the server uses
	Owner    *pgxpool.Pool
	App      *pgxpool.Pool
}

// Server returns the test binary's PostgreSQL server, starting it on first use.
func Server(t testing.TB) *pglocal.Server {
	t.Helper()
	startOnce.Do(start)
	if startErr != nil {
		t.Fatalf("pgtest: %v", startErr)
	}
	return server
}

// New returns a fresh, migrated, empty database.
func New(t testing.TB) *DB {
	t.Helper()
	return NewFrom(t, "migrated", nil)
}

// NewFrom returns a fresh database cloned from the template called name,
// which is built once per test binary by migrating and then calling fill
// (which may be nil) with the template's owner URL.
func NewFrom(t testing.TB, name string, fill func(ctx context.Context, ownerURL string) error) *DB {
	t.Helper()
	srv := Server(t)
	ctx := context.Background()
	tpl := "tpl_" + name
	mu.Lock()
	err, built := templates[name]
	if !built {
		err = buildTemplate(ctx, srv, tpl, fill)
		templates[name] = err
	}
	if err != nil {
		mu.Unlock()
		t.Fatalf("pgtest: template %s: %v", name, err)
	}
	dbName := fmt.Sprintf("t_%d", counter.Add(1))
	err = exec(ctx, srv.AdminURL("postgres"), fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, dbName, tpl))
	mu.Unlock()
	if err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	d := &DB{Name: dbName, OwnerURL: keyed(srv.AdminURL(dbName)), AppURL: keyed(srv.URL("kaa_app", AppPassword, dbName))}
	if d.Owner, err = db.Open(ctx, d.OwnerURL); err != nil {
		t.Fatal(err)
	}
	if d.App, err = db.Open(ctx, d.AppURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		d.App.Close()
		d.Owner.Close()
		exec(context.Background(), srv.AdminURL("postgres"), `DROP DATABASE `+dbName+` WITH (FORCE)`)
	})
	return d
}

// NewEmpty returns a database with no schema at all, for migration tests.
func NewEmpty(t testing.TB) (ownerURL string) {
	t.Helper()
	srv := Server(t)
	dbName := fmt.Sprintf("e_%d", counter.Add(1))
	if err := exec(context.Background(), srv.AdminURL("postgres"), `CREATE DATABASE `+dbName); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		exec(context.Background(), srv.AdminURL("postgres"), `DROP DATABASE `+dbName+` WITH (FORCE)`)
	})
	return srv.AdminURL(dbName)
}

func buildTemplate(ctx context.Context, srv *pglocal.Server, tpl string, fill func(context.Context, string) error) error {
	if err := exec(ctx, srv.AdminURL("postgres"), `CREATE DATABASE `+tpl); err != nil {
		return err
	}
	url := srv.AdminURL(tpl)
	if err := db.Migrate(url); err != nil {
		return err
	}
	if fill != nil {
		if err := fill(ctx, keyed(url)); err != nil {
			return err
		}
	}
	return nil
}

// NewAt returns an empty database of its own migrated up to version v
// (none for 0), and its migrator, closed when the test ends: for the tests
// of migrations, which load rows at one version and then migrate on.
func NewAt(t testing.TB, v uint) (ownerURL string, m *db.Migrator) {
	t.Helper()
	url := NewEmpty(t)
	m, err := db.NewMigrator(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if v > 0 {
		if err := m.To(v); err != nil {
			t.Fatal(err)
		}
	}
	return url, m
}

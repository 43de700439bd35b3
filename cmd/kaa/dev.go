package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/auditkey"
	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/pglocal"
	"github.com/kaa-plattform/kaa/internal/secretbox"
	"github.com/kaa-plattform/kaa/internal/seed"
)

// dev is the newcomer's path: a database (a throwaway one kept under
// cfg.DevDir unless DATABASE_URL is set), migrated and seeded, then served.
func dev(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	if cfg.DatabaseURL == "" {
		srv, err := startDevPostgres(ctx, cfg.DevDir, stdout)
		if err != nil {
			return err
		}
		defer srv.Stop()
		if err := ensureDatabase(ctx, srv.AdminURL("postgres"), "kaa"); err != nil {
			return err
		}
		cfg.DatabaseURL = srv.AdminURL("kaa")
	}
	if err := db.Migrate(cfg.DatabaseURL); err != nil {
		return fmt.Errorf("dev: migrate: %w", err)
	}
	if cfg.AppDatabaseURL == "" {
		appURL, err := devAppURL(ctx, cfg.DatabaseURL, cfg.DevDir)
		if err != nil {
			return err
		}
		cfg.AppDatabaseURL = appURL
	}
	if cfg.TOTPKeys == nil {
		keys, err := devTOTPKeys(cfg.DevDir)
		if err != nil {
			return err
		}
		cfg.TOTPKeys = keys
	}
	key, err := devAuditKey(cfg.Audit.Key, cfg.DevDir)
	if err != nil {
		return err
	}
	cfg.Audit.Key = key
	if cfg.Audit.CheckpointFile == "" {
		cfg.Audit.CheckpointFile = filepath.Join(cfg.DevDir, "audit-checkpoints.jsonl")
	}
	pool, err := db.OpenKeyed(ctx, cfg.DatabaseURL, cfg.Audit.Key)
	if err != nil {
		return err
	}
	err = seed.Demo(ctx, pool)
	pool.Close()
	if err != nil {
		return fmt.Errorf("dev: seed: %w", err)
	}
	printWelcome(stdout, cfg)
	return serve(ctx, cfg, log, stdout)
}

// startDevPostgres runs PostgreSQL on the cluster in dir/pgdata, creating it
// on first use; its data survives restarts until `make reset`.
func startDevPostgres(ctx context.Context, dir string, stdout io.Writer) (*pglocal.Server, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, err
	}
	dataDir := filepath.Join(abs, "pgdata")
	if !pglocal.Reachable(dataDir) {
		// As root, PostgreSQL runs as the postgres user, which cannot enter a
		// private folder; keep the cluster where it can and say so.
		sum := sha256.Sum256([]byte(abs))
		dataDir = filepath.Join("/var/tmp", "kaa-dev-"+hex.EncodeToString(sum[:6]), "pgdata")
		os.MkdirAll(filepath.Dir(dataDir), 0o711)
		os.WriteFile(filepath.Join(abs, "pgdata-location"), []byte(dataDir+"\n"), 0o644)
		fmt.Fprintf(stdout, "The PostgreSQL user cannot enter %s; the dev database lives in %s instead.\n", abs, dataDir)
	}
	logFile, err := os.OpenFile(filepath.Join(abs, "postgres.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	srv, err := pglocal.Start(ctx, pglocal.Options{DataDir: dataDir, Log: logFile})
	if err != nil {
		return nil, fmt.Errorf("dev: %w (server log: %s)", err, logFile.Name())
	}
	return srv, nil
}

func ensureDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		_, err = conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize())
	}
	return err
}

// devAppURL lets the serving role kaa_app sign in with a password kept in
// devDir, and returns the owner URL rewritten to use it. Only for development:
// in production the operator sets APP_DATABASE_URL.
func devAppURL(ctx context.Context, ownerURL, devDir string) (string, error) {
	pwFile := filepath.Join(devDir, "app-db.password")
	pw, err := os.ReadFile(pwFile)
	if errors.Is(err, os.ErrNotExist) {
		pw = []byte(strings.ToLower(rand.Text()))
		os.MkdirAll(devDir, 0o755)
		if err := os.WriteFile(pwFile, pw, 0o600); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	password := strings.TrimSpace(string(pw))
	conn, err := pgx.Connect(ctx, ownerURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `ALTER ROLE kaa_app LOGIN PASSWORD `+quoteLiteral(password)); err != nil {
		return "", fmt.Errorf("dev: let kaa_app sign in (the owner in DATABASE_URL needs CREATEROLE, or set APP_DATABASE_URL): %w", err)
	}
	u, err := url.Parse(ownerURL)
	if err != nil {
		return "", err
	}
	u.User = url.UserPassword("kaa_app", password)
	return u.String(), nil
}

// devTOTPKeys returns the key that encrypts two-factor secrets in
// development, made on first use and kept in devDir with the database whose
// secrets it encrypts. Only for development: in production the operator sets
// KAA_TOTP_KEYS.
func devTOTPKeys(devDir string) (*secretbox.Keyring, error) {
	file := filepath.Join(devDir, "totp-keys")
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		b = []byte(secretbox.NewKey("dev"))
		os.MkdirAll(devDir, 0o755)
		err = os.WriteFile(file, b, 0o600)
	}
	if err != nil {
		return nil, fmt.Errorf("dev: two-factor key: %w", err)
	}
	keys, err := secretbox.ParseKeys(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("dev: two-factor key in %s: %w", file, err)
	}
	return keys, nil
}

// devAuditKey is key, or when it is zero the dev folder's audit key, made
// on first use. Only for development: in production the operator sets
// KAA_AUDIT_KEY.
func devAuditKey(key auditkey.Key, devDir string) (auditkey.Key, error) {
	if !key.IsZero() {
		return key, nil
	}
	file := filepath.Join(devDir, "audit.key")
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		key = auditkey.New()
		os.MkdirAll(devDir, 0o755)
		return key, os.WriteFile(file, []byte(key.String()+"\n"), 0o600)
	}
	if err != nil {
		return key, err
	}
	if key, err = auditkey.Parse(string(b)); err != nil {
		return key, fmt.Errorf("dev: %s: %w", file, err)
	}
	return key, nil
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func printWelcome(w io.Writer, cfg config.Config) {
	fmt.Fprintf(w, "\nKAA-registret runs at %s/\n\nDemo logins (password %q for all):\n\n", cfg.PublicURL, seed.DemoPassword)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, a := range seed.DemoAccounts() {
		fmt.Fprintf(tw, "  %s\t%s\n", a.Email, a.What)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nStop with Ctrl-C; the data stays in", cfg.DevDir, "until `make reset`.")
	fmt.Fprintln(w)
}

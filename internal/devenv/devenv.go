// Package devenv is the throwaway environment of development and the
// benchmark: a private PostgreSQL kept in a folder, its databases, and the
// passwords and keys made on first use and kept beside it. Only for
// development (`kaa dev`) and `kaa-bench`: in production the operator sets
// APP_DATABASE_URL, KAA_TOTP_KEYS and KAA_AUDIT_KEY.
package devenv

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/auditkey"
	"github.com/kaa-plattform/kaa/internal/pglocal"
	"github.com/kaa-plattform/kaa/internal/secretbox"
)

// StartPostgres runs PostgreSQL on the cluster in dir/pgdata, creating it
// on first use; its data survives restarts until `make reset`.
func StartPostgres(ctx context.Context, dir string, stdout io.Writer) (*pglocal.Server, error) {
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

// EnsureDatabase creates the database name on the server of adminURL
// unless it exists.
func EnsureDatabase(ctx context.Context, adminURL, name string) error {
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

// AppURL lets the serving role kaa_app sign in with a password kept in
// devDir, and returns the owner URL rewritten to use it. Only for development:
// in production the operator sets APP_DATABASE_URL.
func AppURL(ctx context.Context, ownerURL, devDir string) (string, error) {
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

// TOTPKeys returns the key that encrypts two-factor secrets in
// development, made on first use and kept in devDir with the database whose
// secrets it encrypts. Only for development: in production the operator sets
// KAA_TOTP_KEYS.
func TOTPKeys(devDir string) (*secretbox.Keyring, error) {
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

// AuditKey is key, or when it is zero the dev folder's audit key, made
// on first use. Only for development: in production the operator sets
// KAA_AUDIT_KEY.
func AuditKey(key auditkey.Key, devDir string) (auditkey.Key, error) {
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

// Package db opens the PostgreSQL pool, runs migrations and holds the one
// transaction helper through which every query of a tenant runs.
package db

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/auditkey"
)

// Sentinel errors that store functions wrap; the web layer maps them to statuses.
var (
	// ErrNotFound means the record does not exist or belongs to another tenant.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the write collides with an existing record.
	ErrConflict = errors.New("conflict")
)

// Open connects a pool to url and checks the connection. Its connections
// carry no audit key unless url does: writing an audit row fails on them.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	return OpenKeyed(ctx, url, auditkey.Key{})
}

// OpenKeyed is Open with every connection carrying key as the setting
// kaa.audit_key, with which the trigger audit_chain MACs each audit row.
// The key goes in the connection's startup message, never in a statement,
// so statement logging cannot record it.
func OpenKeyed(ctx context.Context, url string, key auditkey.Key) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("db: parse url: %w", err)
	}
	return openConfig(ctx, cfg, key)
}

func openConfig(ctx context.Context, cfg *pgxpool.Config, key auditkey.Key) (*pgxpool.Pool, error) {
	if !key.IsZero() {
		cfg.ConnConfig.RuntimeParams["kaa.audit_key"] = key.String()
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("db: open: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db: ping: %w", err)
	}
	return pool, nil
}

// Tx is a transaction scoped to one tenant and one acting user: PostgreSQL's
// row-level security sees TenantID through app.tenant_id. Store functions take
// it as their first argument after the context so the scope cannot be forgotten,
// and also filter on TenantID explicitly so a distributed database can route
// the query to one shard.
type Tx struct {
	pgx.Tx
	TenantID int
	UserID   int
}

// InTenant runs fn in a transaction whose row-level security scope is tenantID,
// acting as userID (0 for the system). The settings are transaction-local, so
// a pooled connection never carries them into another request. fn's error
// rolls everything back.
func InTenant(ctx context.Context, pool *pgxpool.Pool, tenantID, userID int, fn func(Tx) error) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := allowLong(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx,
			`SELECT set_config('app.tenant_id', $1, true), set_config('app.user_id', $2, true)`,
			strconv.Itoa(tenantID), idString(userID)); err != nil {
			return fmt.Errorf("db: set tenant: %w", err)
		}
		return fn(Tx{Tx: tx, TenantID: tenantID, UserID: userID})
	})
}

// InGlobal runs fn in a transaction with no tenant set: tenant tables show no
// rows. userID, when not 0, lets the user read their own memberships.
func InGlobal(ctx context.Context, pool *pgxpool.Pool, userID int, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := allowLong(ctx, tx); err != nil {
			return err
		}
		if userID != 0 {
			if _, err := tx.Exec(ctx, `SELECT set_config('app.user_id', $1, true)`, idString(userID)); err != nil {
				return fmt.Errorf("db: set user: %w", err)
			}
		}
		return fn(tx)
	})
}

// PlanEachQuery makes the rest of tx plan every statement for its own
// parameters. A prepared statement soon gets one generic plan for every
// municipality and period, which suits a small municipality's week and not
// the largest one's half-year: the dashboards and reports, few and heavy,
// are worth a millisecond of planning each.
func PlanEachQuery(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
		return fmt.Errorf("db: plan each query: %w", err)
	}
	return nil
}

func idString(id int) string {
	if id == 0 {
		return ""
	}
	return strconv.Itoa(id)
}

// Unavailable reports whether err means the database could not be reached
// or went away mid-request (restart, shutdown, network): a transient state
// in which nothing was committed and trying again later is right.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08 (connection exception), 57P01–57P03 (shutdown, crash, starting up).
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || strings.Contains(err.Error(), "conn closed")
}

// IsUniqueViolation reports whether err is PostgreSQL's unique_violation.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// Pool is a connection pool, as InTenant takes it.
type Pool = *pgxpool.Pool

// Querier is what both a pool and a transaction offer; store functions of
// global (not tenant-owned) tables take one.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

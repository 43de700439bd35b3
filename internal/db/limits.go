package db

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/auditkey"
)

// Limits bound the serving role's statements: statement_timeout and
// idle_in_transaction_session_timeout. They travel in each connection's
// startup message (pgx RuntimeParams) rather than in an ALTER ROLE, so
// that an installation sets them in its environment like every other
// setting, they bind only the server's pool (migrations, seeding and the
// operators' commands connect as the owner and are not cut off), and a
// test sees exactly what the server runs with.
type Limits struct {
	Statement, IdleInTransaction time.Duration
}

// OpenServing is OpenKeyed with every connection bound by l.
func OpenServing(ctx context.Context, url string, key auditkey.Key, l Limits) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("db: parse url: %w", err)
	}
	if l.Statement > 0 {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = millis(l.Statement)
	}
	if l.IdleInTransaction > 0 {
		cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = millis(l.IdleInTransaction)
	}
	return openConfig(ctx, cfg, key)
}

type longKey struct{}

// WithLongStatements marks ctx as a request or job that may run statements
// and pause in its transactions for up to d: an export streaming a whole
// project, an import's confirmation, the nightly jobs. InTenant and
// InGlobal then raise both limits for their transaction only (SET LOCAL),
// so the pooled connection is back to the ordinary limits afterwards.
func WithLongStatements(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, longKey{}, d)
}

// LongStatements is the allowance WithLongStatements gave ctx, or 0.
func LongStatements(ctx context.Context) time.Duration {
	d, _ := ctx.Value(longKey{}).(time.Duration)
	return d
}

// allowLong raises tx's limits when ctx allows long statements.
func allowLong(ctx context.Context, tx pgx.Tx) error {
	d := LongStatements(ctx)
	if d <= 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `SELECT set_config('statement_timeout', $1, true), set_config('idle_in_transaction_session_timeout', $1, true)`,
		millis(d)); err != nil {
		return fmt.Errorf("db: allow long statements: %w", err)
	}
	return nil
}

func millis(d time.Duration) string { return strconv.FormatInt(max(d.Milliseconds(), 1), 10) }

// TimedOut reports whether err is a statement PostgreSQL cancelled because
// it ran past statement_timeout (not one cancelled because the request
// went away).
func TimedOut(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "57014" && strings.Contains(pgErr.Message, "statement timeout")
}

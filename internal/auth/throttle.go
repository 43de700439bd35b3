package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Throttle limits failed sign-ins per account and per client address. The
// counters live in PostgreSQL so they hold across restarts and instances.
type Throttle struct {
	MaxPerAccount int           // failures within Window before the account is locked
	MaxPerAddr    int           // failures within Window before the address is locked
	Window        time.Duration // how long failures are counted and a lock lasts
}

// DefaultThrottle locks an account after 5 failures and an address after 30
// within 15 minutes, for 15 minutes.
var DefaultThrottle = Throttle{MaxPerAccount: 5, MaxPerAddr: 30, Window: 15 * time.Minute}

func accountKey(email string) string { return "email:" + email }
func addrKey(addr string) string     { return "addr:" + addr }

// Locked reports whether email or addr is locked now.
func (t Throttle) Locked(ctx context.Context, tx pgx.Tx, email, addr string) (bool, error) {
	var locked bool
	err := tx.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM signin_throttle
		               WHERE key = ANY($1) AND locked_until > now())`,
		[]string{accountKey(email), addrKey(addr)}).Scan(&locked)
	if err != nil {
		return false, fmt.Errorf("auth: throttle check: %w", err)
	}
	return locked, nil
}

// Fail counts one failed sign-in for email and addr, locking either when it
// reaches its limit.
func (t Throttle) Fail(ctx context.Context, tx pgx.Tx, email, addr string) error {
	// Addresses typed and client addresses are kept no longer than they matter.
	if _, err := tx.Exec(ctx, `
		DELETE FROM signin_throttle
		WHERE window_start < now() - $1::interval AND (locked_until IS NULL OR locked_until < now())`, t.Window); err != nil {
		return fmt.Errorf("auth: throttle cleanup: %w", err)
	}
	for key, max := range map[string]int{accountKey(email): t.MaxPerAccount, addrKey(addr): t.MaxPerAddr} {
		_, err := tx.Exec(ctx, `
			INSERT INTO signin_throttle AS s (key, failures, window_start)
			VALUES ($1, 1, now())
			ON CONFLICT (key) DO UPDATE SET
			    failures     = CASE WHEN s.window_start < now() - $2::interval THEN 1 ELSE s.failures + 1 END,
			    window_start = CASE WHEN s.window_start < now() - $2::interval THEN now() ELSE s.window_start END`,
			key, t.Window)
		if err != nil {
			return fmt.Errorf("auth: throttle fail: %w", err)
		}
		_, err = tx.Exec(ctx, `
			UPDATE signin_throttle SET locked_until = now() + $3::interval, failures = 0, window_start = now()
			WHERE key = $1 AND failures >= $2`, key, max, t.Window)
		if err != nil {
			return fmt.Errorf("auth: throttle lock: %w", err)
		}
	}
	return nil
}

// Succeed clears the account's failure count after a successful sign-in.
func (t Throttle) Succeed(ctx context.Context, tx pgx.Tx, email string) error {
	_, err := tx.Exec(ctx, `DELETE FROM signin_throttle WHERE key = $1`, accountKey(email))
	if err != nil {
		return fmt.Errorf("auth: throttle clear: %w", err)
	}
	return nil
}

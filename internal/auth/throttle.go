package auth

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/db"
)

// Throttle slows down guessing of passwords and one-time codes with growing
// delays, never with a lock-out. Three gates count failures:
//
//   - Pair: one account from one client address. The attacker's own gate:
//     it grows to a long delay, and only the attacker's address waits.
//   - Account: one account from anywhere, against guesses spread over many
//     addresses. Its delay stays short, so that a stranger's failures keep
//     the rightful user waiting for at most Account.Max.
//   - Addr: one client address, any account, against one address trying
//     many accounts. A municipal NAT has hundreds of staff: it starts late.
//
// An address that has signed in to the account within KnownFor passes the
// Account and Addr gates: a stranger elsewhere, or a colleague behind the same
// NAT guessing other accounts, does not hold it back. It still waits at its
// own Pair gate.
//
// An attempt is admitted only when every gate that applies to it is open, and
// is then counted as a failure at once (in the same locked step), so that N
// attempts at the same moment count N and no more are checked than the gates
// allow. Succeed clears the account's counts after a correct password or code.
// The counters live in PostgreSQL so they hold across restarts and instances.
type Throttle struct {
	Pair, Account, Addr Gate
	// Base is the first delay once a gate's free failures are used up; each
	// further failure doubles it, up to the gate's Max.
	Base time.Duration
	// KnownFor is how long a successful sign-in from an address lets it pass
	// the account's and the address's gates.
	KnownFor time.Duration
	// Prefix keeps this throttle's counters apart from another's that
	// counts other attempts for the same accounts and addresses.
	Prefix string
}

// Gate is one throttle counter's rule.
type Gate struct {
	Free   int           // failures checked without delay
	Max    time.Duration // longest delay
	Forget time.Duration // failures are forgotten this long after the last one
}

// DefaultThrottle: after 3 failures of an account from one address each
// further attempt from there waits 1 s, 2 s, 4 s … up to 15 minutes; after 10
// of an account from anywhere, up to 1 minute; after 100 from one address,
// up to 5 minutes.
var DefaultThrottle = Throttle{
	Pair:     Gate{Free: 3, Max: 15 * time.Minute, Forget: 24 * time.Hour},
	Account:  Gate{Free: 10, Max: time.Minute, Forget: 24 * time.Hour},
	Addr:     Gate{Free: 100, Max: 5 * time.Minute, Forget: time.Hour},
	Base:     time.Second,
	KnownFor: 30 * 24 * time.Hour,
}

// ThrottledError refuses an attempt that came too early; it is ErrThrottled.
type ThrottledError struct {
	Wait time.Duration // until the next attempt may be checked
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("%v: wait %v", ErrThrottled, e.Wait)
}

func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

func (t Throttle) pairKey(email, addr string) string {
	return t.Prefix + "pair:" + email + "|" + clientNet(addr)
}
func (t Throttle) accountKey(email string) string { return t.Prefix + "email:" + email }
func (t Throttle) addrKey(addr string) string     { return t.Prefix + "addr:" + clientNet(addr) }

// clientNet is the address the throttle counts: an IPv6 client as its /64,
// which one subscriber gets whole and could otherwise walk through.
func clientNet(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil || !a.Is6() || a.Is4In6() {
		return addr
	}
	p, err := a.Prefix(64)
	if err != nil {
		return addr
	}
	return p.String()
}

// delay is how long a gate stays shut after its n-th failure.
func (t Throttle) delay(g Gate, n int) time.Duration {
	if n < g.Free {
		return 0
	}
	d := t.Base
	for i := g.Free; i < n && d < g.Max; i++ {
		d *= 2
	}
	return min(d, g.Max)
}

// Admit decides, inside tx, whether an attempt for email from addr may be
// checked now. Admitted, it counts as a failure until Succeed clears it, and
// Admit returns 0; refused, nothing is counted and it returns how long to wait.
// The gates' rows are locked (advisory locks, taken in one order) until tx
// ends, so attempts at the same moment are admitted one after another.
func (t Throttle) Admit(ctx context.Context, tx pgx.Tx, email, addr string) (time.Duration, error) {
	keys := []string{t.pairKey(email, addr), t.accountKey(email), t.addrKey(addr)}
	gates := []Gate{t.Pair, t.Account, t.Addr}
	locks := slices.Clone(keys)
	slices.Sort(locks)
	// Advisory locks rather than row locks: a refused attempt writes no row.
	for _, k := range locks {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(1097, hashtext($1))`, k); err != nil {
			return 0, fmt.Errorf("auth: throttle lock: %w", err)
		}
	}
	rows, _ := tx.Query(ctx, `
		SELECT coalesce(s.failures, 0), s.last_failure, s.next_at, s.known_until, clock_timestamp()
		FROM unnest($1::text[]) WITH ORDINALITY AS k(key, i)
		LEFT JOIN signin_throttle s ON s.key = k.key
		ORDER BY k.i`, keys)
	type row struct {
		failures                       int
		lastFailure, nextAt, knownTill *time.Time
		now                            time.Time
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		err := r.Scan(&x.failures, &x.lastFailure, &x.nextAt, &x.knownTill, &x.now)
		return x, err
	})
	if err != nil {
		return 0, fmt.Errorf("auth: throttle check: %w", err)
	}
	now := got[0].now
	known := got[0].knownTill != nil && got[0].knownTill.After(now)
	var wait time.Duration
	failures := make([]int, len(keys))
	nextAt := make([]time.Time, len(keys))
	for i, g := range gates {
		r := got[i]
		if i > 0 && known {
			// A known address passes the account's and the address's gates,
			// but its failures still count there.
		} else if r.nextAt != nil && r.nextAt.After(now) {
			wait = max(wait, r.nextAt.Sub(now))
		}
		n := r.failures
		if r.lastFailure != nil && now.Sub(*r.lastFailure) > g.Forget {
			n = 0
		}
		failures[i] = n + 1
		nextAt[i] = now.Add(t.delay(g, n+1))
	}
	if wait > 0 {
		return wait, nil
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO signin_throttle AS s (key, failures, last_failure, next_at)
		SELECT k, f, $4, n FROM unnest($1::text[], $2::int[], $3::timestamptz[]) AS u(k, f, n)
		ON CONFLICT (key) DO UPDATE SET
		    failures = EXCLUDED.failures, last_failure = EXCLUDED.last_failure,
		    next_at = greatest(s.next_at, EXCLUDED.next_at)`, keys, failures, nextAt, now)
	if err != nil {
		return 0, fmt.Errorf("auth: throttle count: %w", err)
	}
	return 0, nil
}

// admit runs Admit in a transaction of its own, committed before the password
// is checked, so that the slow hash runs with no lock held.
func (t Throttle) admit(ctx context.Context, pool *pgxpool.Pool, email, addr string) (wait time.Duration, err error) {
	err = db.InGlobal(ctx, pool, 0, func(tx pgx.Tx) error {
		wait, err = t.Admit(ctx, tx, email, addr)
		return err
	})
	return wait, err
}

// Succeed clears the account's failures, from addr and from anywhere, after a
// correct password (or code, with two-factor sign-in), and remembers addr as
// known to the account for KnownFor. Of the address's count it takes back
// only the one failure that this attempt's Admit counted: others behind the
// same address (a municipality's office behind one public address) may be
// guessing, but a morning of colleagues signing in must not add up to a
// delay for the next one.
func (t Throttle) Succeed(ctx context.Context, tx pgx.Tx, email, addr string) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO signin_throttle AS s (key, known_until)
		VALUES ($1, clock_timestamp() + $3::interval), ($2, NULL)
		ON CONFLICT (key) DO UPDATE SET failures = 0, last_failure = NULL, next_at = NULL,
		    known_until = EXCLUDED.known_until`,
		t.pairKey(email, addr), t.accountKey(email), t.KnownFor)
	if err != nil {
		return fmt.Errorf("auth: throttle clear: %w", err)
	}
	_, err = tx.Exec(ctx, `
		UPDATE signin_throttle SET failures = greatest(failures - 1, 0),
		    next_at = CASE WHEN failures - 1 < $2 THEN NULL ELSE next_at END
		WHERE key = $1`, t.addrKey(addr), t.Addr.Free)
	if err != nil {
		return fmt.Errorf("auth: throttle clear: %w", err)
	}
	return nil
}

// Unfail takes back the failure that Admit counted, for a right password that
// still needs its one-time code. It clears nothing: a known password must not
// buy fresh guesses at the code, and the delay Admit set stands.
func (t Throttle) Unfail(ctx context.Context, tx pgx.Tx, email, addr string) error {
	_, err := tx.Exec(ctx, `UPDATE signin_throttle SET failures = greatest(failures - 1, 0) WHERE key = ANY($1)`,
		[]string{t.pairKey(email, addr), t.accountKey(email), t.addrKey(addr)})
	if err != nil {
		return fmt.Errorf("auth: throttle unfail: %w", err)
	}
	return nil
}

// Purge deletes the counters that no longer hold anything back: the
// typed addresses and client addresses are kept no longer than they matter.
func (t Throttle) Purge(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	forget := max(t.Pair.Forget, t.Account.Forget, t.Addr.Forget)
	tag, err := pool.Exec(ctx, `
		DELETE FROM signin_throttle
		WHERE (next_at IS NULL OR next_at < now())
		  AND (last_failure IS NULL OR last_failure < now() - $1::interval)
		  AND (known_until IS NULL OR known_until < now())`, forget)
	if err != nil {
		return 0, fmt.Errorf("auth: throttle purge: %w", err)
	}
	return tag.RowsAffected(), nil
}

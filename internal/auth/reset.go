package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
)

// Errors of a password reset link (docs/design/reset.md).
var (
	// ErrResetUnknown means no link has this token, or its account is deactivated.
	ErrResetUnknown = errors.New("auth: unknown reset link")
	// ErrResetUsed means the link has set a password already.
	ErrResetUsed = errors.New("auth: reset link already used")
	// ErrResetExpired means the link's time ran out.
	ErrResetExpired = errors.New("auth: reset link expired")
	// ErrOwnTwoFactor means an administrator tried to reset their own second factor.
	ErrOwnTwoFactor = errors.New("auth: one's own second factor cannot be reset by oneself")
)

// ResetLinkFor is how long a password reset link works.
const ResetLinkFor = 30 * time.Minute

// ResetThrottle holds back reset requests, counted per address, per
// account and per client address apart from the sign-in's counters: three
// links an hour to one address from one place, then a wait that doubles
// from a minute. It never clears; the counters are forgotten in time.
var ResetThrottle = Throttle{
	Pair:    Gate{Free: 3, Max: time.Hour, Forget: 24 * time.Hour},
	Account: Gate{Free: 5, Max: time.Hour, Forget: 24 * time.Hour},
	Addr:    Gate{Free: 20, Max: time.Hour, Forget: time.Hour},
	Base:    time.Minute,
	Prefix:  "reset:",
}

// ResetLink is a new reset link for an account. Token is empty when the
// address has no active account: the caller answers the same either way.
type ResetLink struct {
	UserID int
	Email  string
	Token  string // to put in the link; only its hash is kept
}

func resetHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// RequestReset makes a single-use link, valid for ResetLinkFor, for the
// active account with email, if there is one, and writes the request to the
// security log either way. It returns a *ThrottledError (ErrThrottled),
// making no link, while t holds the address or the client address back.
// Earlier unused links of the account stay valid until they expire.
func RequestReset(ctx context.Context, pool *pgxpool.Pool, t Throttle, email, addr string) (ResetLink, error) {
	email, _ = NormalizeEmail(email)
	var l ResetLink
	var result error
	err := db.InGlobal(ctx, pool, 0, func(tx pgx.Tx) error {
		wait, err := t.Admit(ctx, tx, email, addr)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `SELECT id, email FROM users WHERE email = $1 AND active`, email).Scan(&l.UserID, &l.Email)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if wait > 0 {
			result = &ThrottledError{Wait: wait}
			return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: l.UserID, Action: "user.password_reset_throttled",
				Detail: map[string]any{"wait_seconds": wait.Seconds()}})
		}
		// Links nobody can use any more are not kept.
		if _, err := tx.Exec(ctx, `DELETE FROM password_resets WHERE expires_at < now() - interval '1 day'`); err != nil {
			return err
		}
		if l.UserID == 0 {
			return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{Action: "user.password_reset_requested",
				Detail: map[string]any{"known_account": false}})
		}
		b := make([]byte, 32)
		rand.Read(b)
		l.Token = base64.RawURLEncoding.EncodeToString(b)
		if _, err := tx.Exec(ctx, `
			INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, now() + $3::interval)`,
			resetHash(l.Token), l.UserID, ResetLinkFor); err != nil {
			return err
		}
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: l.UserID, Action: "user.password_reset_requested",
			Detail: map[string]any{"known_account": true}})
	})
	if err != nil {
		return ResetLink{}, fmt.Errorf("auth: request reset: %w", err)
	}
	if result != nil {
		return ResetLink{}, result
	}
	return l, nil
}

// CheckReset reports whether token is a link that can still set a password:
// ErrResetUnknown, ErrResetUsed or ErrResetExpired when it cannot.
func CheckReset(ctx context.Context, pool *pgxpool.Pool, token string) error {
	return db.InGlobal(ctx, pool, 0, func(tx pgx.Tx) error {
		_, _, err := resetLink(ctx, tx, token, false)
		return err
	})
}

// resetLink finds the link of token, locked when lock is set, and checks it.
func resetLink(ctx context.Context, tx pgx.Tx, token string, lock bool) (userID int, email string, err error) {
	q := `SELECT r.user_id, u.email, u.active, r.used_at IS NOT NULL, r.expires_at <= clock_timestamp()
		FROM password_resets r JOIN users u ON u.id = r.user_id WHERE r.token_hash = $1`
	if lock {
		q += ` FOR UPDATE OF r`
	}
	var active, used, expired bool
	err = tx.QueryRow(ctx, q, resetHash(token)).Scan(&userID, &email, &active, &used, &expired)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, "", ErrResetUnknown
	case err != nil:
		return 0, "", fmt.Errorf("auth: reset link: %w", err)
	case !active:
		return userID, email, ErrResetUnknown
	case used:
		return userID, email, ErrResetUsed
	case expired:
		return userID, email, ErrResetExpired
	}
	return userID, email, nil
}

// ResetPassword sets the password of the link's account to next (checked by
// the caller against PasswordProblem), uses the link and every other
// unused link of the account up, and ends all the account's sessions. The
// second factor stays as it was: the next sign-in still asks for the code.
// It returns the account's address for the notice to the user. A link that
// cannot be used returns ErrResetUnknown, ErrResetUsed or ErrResetExpired,
// changes nothing, and is written to the security log.
func ResetPassword(ctx context.Context, pool *pgxpool.Pool, token, next string) (email string, err error) {
	hash, err := HashPassword(next)
	if err != nil {
		return "", err
	}
	var refused error
	err = db.InGlobal(ctx, pool, 0, func(tx pgx.Tx) error {
		var uid int
		uid, email, refused = resetLink(ctx, tx, token, true)
		if refused != nil {
			if !errors.Is(refused, ErrResetUnknown) && !errors.Is(refused, ErrResetUsed) && !errors.Is(refused, ErrResetExpired) {
				return refused
			}
			why := map[error]string{ErrResetUnknown: "unknown", ErrResetUsed: "used", ErrResetExpired: "expired"}[refused]
			return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: uid, Action: "user.password_reset_refused",
				Detail: map[string]any{"why": why}})
		}
		if _, err := tx.Exec(ctx, `UPDATE password_resets SET used_at = clock_timestamp() WHERE user_id = $1 AND used_at IS NULL`, uid); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE users SET password_hash = $2, must_change_password = false, sessions_valid_after = clock_timestamp()
			WHERE id = $1`, uid, hash); err != nil {
			return err
		}
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: uid, Action: "user.password_reset"})
	})
	if err != nil {
		return "", fmt.Errorf("auth: reset password: %w", err)
	}
	return email, refused
}

// ResetTwoFactor removes the authenticator app and the recovery codes of
// user id, a user holding a role in the tenant of tx, on the request of
// the administrator tx.UserID: the user sets up a new app at the next
// sign-in, and every session of the user ends. Returns the user's address
// for the notice. Returns ErrNotFound for anyone without a role here and
// ErrOwnTwoFactor for the administrator's own account.
// ErrRolesElsewhere is an organisation's administrator acting on the sign-in
// of an account that also holds a role in another organisation or a project.
var ErrRolesElsewhere = errors.New("auth: the account has roles outside this organisation")

func ResetTwoFactor(ctx context.Context, tx db.Tx, id int) (email string, err error) {
	if id == tx.UserID {
		return "", ErrOwnTwoFactor
	}
	err = tx.QueryRow(ctx, `
		SELECT u.email FROM users u
		WHERE u.id = $2 AND EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = $1 AND m.user_id = u.id)
		FOR UPDATE OF u`, tx.TenantID, id).Scan(&email)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("auth: reset two-factor: user %d: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("auth: reset two-factor: %w", err)
	}
	// An account that also opens another organisation's or a project's
	// data is not this administrator's alone to reset.
	if outside, err := RoleOutside(ctx, tx, id, tx.TenantID); err != nil {
		return "", err
	} else if outside {
		return "", ErrRolesElsewhere
	}
	if _, err := tx.Exec(ctx, `
		UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL,
		    must_set_up_two_factor = true, sessions_valid_after = clock_timestamp()
		WHERE id = $1`, id); err != nil {
		return "", fmt.Errorf("auth: reset two-factor: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, id); err != nil {
		return "", fmt.Errorf("auth: reset two-factor: %w", err)
	}
	if err := audit.Record(ctx, tx, audit.Event{Action: "user.two_factor_reset", RecordType: "user", RecordID: strconv.Itoa(id)}); err != nil {
		return "", err
	}
	return email, audit.RecordSecurity(ctx, tx.Tx, audit.SecurityEvent{UserID: tx.UserID, Action: "admin.two_factor_reset",
		Detail: map[string]any{"org": tx.TenantID, "user": id}})
}

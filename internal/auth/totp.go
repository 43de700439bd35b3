package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/secretbox"
)

// TOTPIssuer is the name authenticator apps show for the account.
const TOTPIssuer = "KAA"

// RecoveryCodes is how many one-time recovery codes a user gets.
const RecoveryCodes = 10

// ErrBadCode means a one-time code or recovery code was wrong or used.
var ErrBadCode = errors.New("auth: wrong code")

// NewTOTPKey makes a new secret for email's authenticator app.
func NewTOTPKey(email string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: email})
}

// totpPeriod is the length of a time step of the codes.
const totpPeriod = 30

// ErrNoTOTPKey means no key to encrypt two-factor secrets is configured (KAA_TOTP_KEYS).
var ErrNoTOTPKey = errors.New("auth: KAA_TOTP_KEYS is not set: two-factor secrets cannot be kept")

// MatchTOTP reports whether code is the secret's code now or one time step
// either side, and the time step (Unix time / 30 s) it is the code of.
func MatchTOTP(code, secret string, at time.Time) (step int64, ok bool) {
	code = strings.TrimSpace(code)
	opts := totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	now := at.Unix() / totpPeriod
	for _, s := range []int64{now - 1, now, now + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), opts)
		if err == nil && len(code) == len(want) && subtle.ConstantTimeCompare([]byte(code), []byte(want)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// totpContext binds a sealed secret to its user: copied to another account it does not open.
func totpContext(userID int) string { return "totp:user:" + strconv.Itoa(userID) }

// EnableTwoFactor turns on two-factor sign-in for userID with secret, once
// code shows the app has it, and returns the user's new recovery codes (to
// show once; only their hashes are kept). The secret is kept encrypted
// under keys' current key, and code's time step counts as used.
func EnableTwoFactor(ctx context.Context, pool *pgxpool.Pool, keys *secretbox.Keyring, userID int, secret, code string) ([]string, error) {
	if keys == nil {
		return nil, ErrNoTOTPKey
	}
	step, ok := MatchTOTP(code, secret, time.Now())
	if !ok {
		return nil, ErrBadCode
	}
	codes := make([]string, RecoveryCodes)
	for i := range codes {
		c := strings.ToLower(rand.Text())[:10] // 50 random bits
		codes[i] = c[:5] + "-" + c[5:]
	}
	err := db.InGlobal(ctx, pool, userID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET totp_secret = $2, totp_enabled_at = now(), totp_last_step = $3, must_set_up_two_factor = false WHERE id = $1`,
			userID, keys.Seal(secret, totpContext(userID)), step); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
			return err
		}
		for _, c := range codes {
			if _, err := tx.Exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, codeHash(c)); err != nil {
				return err
			}
		}
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: userID, Action: "user.two_factor_enabled"})
	})
	if err != nil {
		return nil, fmt.Errorf("auth: enable two-factor: %w", err)
	}
	return codes, nil
}

// VerifySecondFactor checks the second step of userID's sign-in: a code
// from the app, or an unused recovery code (which is then used up). An app
// code counts once: only a code of a later time step than the last accepted
// one is taken, so a code seen over someone's shoulder or sent twice does not
// sign in again. Every attempt is in the security log; the attempt counts
// towards the sign-in throttle of the account until a right code takes it
// back. A secret kept in plain text (from before encryption) or under an old
// key is encrypted under the current key on its first use.
func VerifySecondFactor(ctx context.Context, pool *pgxpool.Pool, keys *secretbox.Keyring, t Throttle, userID int, code, addr string) error {
	var result error
	err := db.InGlobal(ctx, pool, userID, func(tx pgx.Tx) error {
		var email string
		var sealed *string
		if err := tx.QueryRow(ctx, `SELECT email, own_totp_secret(id) FROM users WHERE id = $1 AND active`, userID).Scan(&email, &sealed); err != nil {
			return err
		}
		wait, err := t.Admit(ctx, tx, email, addr)
		if err != nil {
			return err
		}
		how, replayed := "", false
		if wait > 0 {
			result = &ThrottledError{Wait: wait}
		} else if sealed != nil {
			if keys == nil {
				return ErrNoTOTPKey
			}
			secret, stale, err := keys.Open(*sealed, totpContext(userID))
			if err != nil {
				return err
			}
			if step, ok := MatchTOTP(code, secret, time.Now()); ok {
				// One statement: of two submits of one code, the second waits
				// for the first's row lock, then finds the step used.
				tag, err := tx.Exec(ctx, `
					UPDATE users SET totp_last_step = $2
					WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)`, userID, step)
				if err != nil {
					return err
				}
				if tag.RowsAffected() == 1 {
					how = "app"
				} else {
					replayed = true
				}
			}
			if how == "app" && stale {
				if _, err := tx.Exec(ctx, `UPDATE users SET totp_secret = $2 WHERE id = $1`, userID, keys.Seal(secret, totpContext(userID))); err != nil {
					return err
				}
			}
		}
		if how == "" && result == nil {
			var used bool
			if err := tx.QueryRow(ctx, `SELECT use_recovery_code($1, $2)`,
				userID, codeHash(strings.ToLower(strings.TrimSpace(code)))).Scan(&used); err != nil {
				return err
			}
			if used {
				how = "recovery_code"
			} else {
				result = ErrBadCode
			}
		}
		if result != nil {
			return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: userID, Action: "session.two_factor_failed",
				Detail: map[string]any{"throttled": errors.Is(result, ErrThrottled), "code_reused": replayed}})
		}
		if err := t.Succeed(ctx, tx, email, addr); err != nil {
			return err
		}
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: userID, Action: "session.two_factor", Detail: map[string]any{"with": how}})
	})
	if err != nil {
		return fmt.Errorf("auth: second factor: %w", err)
	}
	return result
}

func codeHash(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}

// EncryptTOTPSecrets encrypts every two-factor secret under keys' current
// key: those kept in plain text from before encryption and those under an
// older key. It runs as the schema owner (the serving role cannot read the
// secrets), in one transaction, and returns how many it changed of how many
// there are. A secret under a key keys does not hold stops it, with nothing
// changed.
func EncryptTOTPSecrets(ctx context.Context, owner *pgxpool.Pool, keys *secretbox.Keyring) (changed, total int, err error) {
	if keys == nil {
		return 0, 0, ErrNoTOTPKey
	}
	err = db.InGlobal(ctx, owner, 0, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL ORDER BY id FOR UPDATE`)
		type row struct {
			ID     int
			Secret string
		}
		all, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
		if err != nil {
			return err
		}
		total = len(all)
		for _, r := range all {
			plain, stale, err := keys.Open(r.Secret, totpContext(r.ID))
			if err != nil {
				return fmt.Errorf("user %d: %w", r.ID, err)
			}
			if !stale {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE users SET totp_secret = $2 WHERE id = $1`, r.ID, keys.Seal(plain, totpContext(r.ID))); err != nil {
				return err
			}
			changed++
		}
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{Action: "system.totp_secrets_encrypted",
			Detail: map[string]any{"key": keys.Current(), "changed": changed, "total": total}})
	})
	if err != nil {
		return 0, 0, fmt.Errorf("auth: encrypt two-factor secrets: %w", err)
	}
	return changed, total, nil
}

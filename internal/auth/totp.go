package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
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

// ValidTOTP reports whether code is the secret's code now (or 30 s either side).
func ValidTOTP(code, secret string, at time.Time) bool {
	ok, err := totp.ValidateCustom(strings.TrimSpace(code), secret, at, totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return err == nil && ok
}

// EnableTwoFactor turns on two-factor sign-in for userID with secret, once
// code shows the app has it, and returns the user's new recovery codes (to
// show once; only their hashes are kept).
func EnableTwoFactor(ctx context.Context, pool *pgxpool.Pool, userID int, secret, code string) ([]string, error) {
	if !ValidTOTP(code, secret, time.Now()) {
		return nil, ErrBadCode
	}
	codes := make([]string, RecoveryCodes)
	for i := range codes {
		c := strings.ToLower(rand.Text())[:10] // 50 random bits
		codes[i] = c[:5] + "-" + c[5:]
	}
	err := db.InGlobal(ctx, pool, userID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET totp_secret = $2, totp_enabled_at = now() WHERE id = $1`, userID, secret); err != nil {
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
// from the app, or an unused recovery code (which is then used up). Every
// attempt is in the security log; a wrong one counts towards the sign-in
// throttle of the account.
func VerifySecondFactor(ctx context.Context, pool *pgxpool.Pool, t Throttle, userID int, code, addr string) error {
	var result error
	err := db.InGlobal(ctx, pool, 0, func(tx pgx.Tx) error {
		var email string
		var secret *string
		if err := tx.QueryRow(ctx, `SELECT email, totp_secret FROM users WHERE id = $1 AND active`, userID).Scan(&email, &secret); err != nil {
			return err
		}
		wait, err := t.Admit(ctx, tx, email, addr)
		if err != nil {
			return err
		}
		how := ""
		switch {
		case wait > 0:
			result = &ThrottledError{Wait: wait}
		case secret != nil && ValidTOTP(code, *secret, time.Now()):
			how = "app"
		default:
			tag, err := tx.Exec(ctx, `UPDATE recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
				userID, codeHash(strings.ToLower(strings.TrimSpace(code))))
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 1 {
				how = "recovery_code"
			} else {
				result = ErrBadCode
			}
		}
		if result != nil {
			return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: userID, Action: "session.two_factor_failed",
				Detail: map[string]any{"throttled": errors.Is(result, ErrThrottled)}})
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

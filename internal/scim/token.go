// Package scim is SCIM 2.0 provisioning (RFC 7643, RFC 7644) of an
// organisation's staff accounts by its identity provider, written for what
// Microsoft Entra ID sends (docs/design/scim.md).
package scim

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/db"
)

// ErrBadToken means a bearer token is missing, malformed, revoked or wrong.
var ErrBadToken = errors.New("scim: bad token")

// tokenPrefix starts every token. The organisation's id follows it, so the
// token can be checked inside that organisation's tenant, where its hash is.
const tokenPrefix = "kaa-scim-"

// TokenInfo is what an administrator sees of the organisation's token.
type TokenInfo struct {
	Exists      bool
	CreatedAt   time.Time
	LastUsedAt  *time.Time
	DefaultRole auth.Role
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// NewToken makes a new token for the tenant of tx, replacing any earlier one,
// and returns it: the only time it is seen, for only its hash is stored.
func NewToken(ctx context.Context, tx db.Tx) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("scim: new token: %w", err)
	}
	token := tokenPrefix + strconv.Itoa(tx.TenantID) + "-" + base64.RawURLEncoding.EncodeToString(b)
	var rotated bool
	err := tx.QueryRow(ctx, `
		INSERT INTO scim_tokens (tenant_id, token_hash, created_by) VALUES ($1, $2, NULLIF($3, 0))
		ON CONFLICT (tenant_id) DO UPDATE SET token_hash = excluded.token_hash, created_by = excluded.created_by,
		    created_at = now(), last_used_at = NULL
		RETURNING (xmax <> 0)`, tx.TenantID, hashToken(token), tx.UserID).Scan(&rotated)
	if err != nil {
		return "", fmt.Errorf("scim: new token: %w", err)
	}
	return token, audit.Record(ctx, tx, audit.Event{Action: "scim.token_create", RecordType: "settings",
		Detail: map[string]any{"rotated": rotated}})
}

// RevokeToken removes the tenant's token; SCIM requests are refused until a
// new one is made.
func RevokeToken(ctx context.Context, tx db.Tx) error {
	if _, err := tx.Exec(ctx, `DELETE FROM scim_tokens WHERE tenant_id = $1`, tx.TenantID); err != nil {
		return fmt.Errorf("scim: revoke token: %w", err)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "scim.token_revoke", RecordType: "settings"})
}

// Token tells whether the tenant of tx has a token, and since when.
func Token(ctx context.Context, tx db.Tx) (TokenInfo, error) {
	var t TokenInfo
	err := tx.QueryRow(ctx, `SELECT created_at, last_used_at, default_role FROM scim_tokens WHERE tenant_id = $1`, tx.TenantID).
		Scan(&t.CreatedAt, &t.LastUsedAt, &t.DefaultRole)
	if errors.Is(err, pgx.ErrNoRows) {
		return TokenInfo{DefaultRole: auth.Coordinator}, nil
	}
	if err != nil {
		return TokenInfo{}, fmt.Errorf("scim: token: %w", err)
	}
	t.Exists = true
	return t, nil
}

// Client is an authenticated SCIM caller: one organisation's identity provider.
type Client struct {
	TenantID    int
	DefaultRole auth.Role
}

// TenantOf reads the organisation a token claims to be for, without checking it.
func TenantOf(token string) (int, bool) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok {
		return 0, false
	}
	id, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(id, 10, 32)
	return int(n), err == nil && n > 0
}

// Authenticate checks a bearer token in the tenant it names and notes its use.
// A wrong, revoked or malformed token is written to the security log and
// returns ErrBadToken.
func Authenticate(ctx context.Context, pool *pgxpool.Pool, token string) (Client, error) {
	tenant, ok := TenantOf(token)
	c := Client{TenantID: tenant}
	good := false
	if ok {
		err := db.InTenant(ctx, pool, tenant, 0, func(tx db.Tx) error {
			var hash []byte
			err := tx.QueryRow(ctx, `SELECT token_hash, default_role FROM scim_tokens WHERE tenant_id = $1`, tenant).
				Scan(&hash, &c.DefaultRole)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			if err != nil {
				return err
			}
			if subtle.ConstantTimeCompare(hash, hashToken(token)) != 1 {
				return nil
			}
			good = true
			_, err = tx.Exec(ctx, `UPDATE scim_tokens SET last_used_at = now() WHERE tenant_id = $1
				AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, tenant)
			return err
		})
		if err != nil {
			return Client{}, fmt.Errorf("scim: authenticate: %w", err)
		}
	}
	if good {
		return c, nil
	}
	err := db.InGlobal(ctx, pool, 0, func(tx pgx.Tx) error {
		d := map[string]any{"present": token != ""}
		if ok {
			d["org"] = tenant
		}
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{Action: "scim.token_refused", Detail: d})
	})
	if err != nil {
		return Client{}, fmt.Errorf("scim: authenticate: %w", err)
	}
	return Client{}, ErrBadToken
}

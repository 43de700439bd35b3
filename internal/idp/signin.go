package idp

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/secretbox"
)

// Refusals of a sign-in through a provider. The web layer shows each with
// its own Swedish message; all are in the audit logs.
var (
	// ErrNoAccount: no account here is linked to the subject, and none of
	// the organisation's active members has the e-mail address the
	// provider gave (or it is outside the provider's domains).
	ErrNoAccount = errors.New("idp: no account for this identity")
	// ErrWrongTenant: the token names another Entra tenant (tid) than the
	// one in the configured issuer.
	ErrWrongTenant = errors.New("idp: token from another tenant")
)

// Claims are what an ID token says about the person. Entra sends
// preferred_username (and email only when configured) and no
// email_verified; the address is used only to link a first sign-in.
type Claims struct {
	Subject           string   `json:"sub"`
	Email             string   `json:"email"`
	PreferredUsername string   `json:"preferred_username"`
	UPN               string   `json:"upn"`
	TID               string   `json:"tid"`
	ACR               string   `json:"acr"`
	AMR               []string `json:"amr"`
}

// Address returns the first of email, preferred_username and upn that reads
// as an e-mail address, normalised, or "".
func (c Claims) Address() string {
	for _, s := range []string{c.Email, c.PreferredUsername, c.UPN} {
		if e, ok := auth.NormalizeEmail(s); ok {
			return e
		}
	}
	return ""
}

// Strong reports whether the token says a method the provider's
// administrator counts as strong was used (its acr, or one of its amr).
func (p Provider) Strong(c Claims) bool {
	if c.ACR != "" && slices.Contains(p.StrongMethods, c.ACR) {
		return true
	}
	return slices.ContainsFunc(c.AMR, func(m string) bool { return slices.Contains(p.StrongMethods, m) })
}

// checkTenant refuses an Entra token whose tid is not the directory in the
// configured issuer (https://login.microsoftonline.com/<tid>/v2.0). The
// issuer check of the token's signature verification already holds; this
// keeps a multi-tenant issuer from ever being taken for one directory.
func (p Provider) checkTenant(c Claims) error {
	u, err := url.Parse(p.Issuer)
	if err != nil {
		return ErrWrongTenant
	}
	entra := u.Hostname() == "login.microsoftonline.com" || strings.HasSuffix(u.Hostname(), ".microsoftonline.com")
	if c.TID == "" {
		if entra {
			return ErrWrongTenant
		}
		return nil
	}
	if !slices.Contains(strings.Split(strings.Trim(u.Path, "/"), "/"), c.TID) {
		return ErrWrongTenant
	}
	return nil
}

// SignIn finds the account of the person the token names, for provider p
// whose token was verified (signature, issuer, audience, expiry, nonce):
// first by (issuer, subject); failing that, at the first sign-in, by the
// address the provider gave among the organisation's active members, in
// one of the provider's domains, and then links the account to (issuer,
// subject). Returns ErrNoAccount or ErrWrongTenant, both logged, and
// nothing linked.
func SignIn(ctx context.Context, pool *pgxpool.Pool, p Provider, c Claims) (auth.SignedIn, error) {
	var s auth.SignedIn
	var result error
	refuse := func(tx db.Tx, why error, reason string) error {
		result = why
		d := map[string]any{"provider": p.ID, "reason": reason}
		if err := audit.Record(ctx, tx, audit.Event{Action: "identity.signin_refused", RecordType: "identity_provider", RecordID: strconv.FormatInt(p.ID, 10), Detail: d}); err != nil {
			return err
		}
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{Action: "session.signin_failed", Detail: map[string]any{"provider": p.Issuer, "org": p.TenantID, "reason": reason}})
	}
	err := db.InTenant(ctx, pool, p.TenantID, 0, func(tx db.Tx) error {
		if err := p.checkTenant(c); err != nil {
			return refuse(tx, err, "other_tenant")
		}
		if c.Subject == "" {
			return refuse(tx, ErrNoAccount, "no_subject")
		}
		linked := true
		err := tx.QueryRow(ctx, `SELECT user_id FROM user_identities WHERE tenant_id = $1 AND issuer = $2 AND subject = $3`,
			tx.TenantID, p.Issuer, c.Subject).Scan(&s.UserID)
		if errors.Is(err, pgx.ErrNoRows) {
			linked = false
			email := c.Address()
			at := strings.LastIndexByte(email, '@')
			if email == "" || !slices.Contains(p.Domains, email[at+1:]) {
				return refuse(tx, ErrNoAccount, "address_outside_domains")
			}
			// A member here with that address, not yet linked to another
			// subject at this provider.
			err = tx.QueryRow(ctx, `
				SELECT u.id FROM users u
				WHERE u.email = $2 AND EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = $1 AND m.user_id = u.id)
				  AND NOT EXISTS (SELECT 1 FROM user_identities i WHERE i.tenant_id = $1 AND i.provider_id = $3 AND i.user_id = u.id)`,
				tx.TenantID, email, p.ID).Scan(&s.UserID)
			if errors.Is(err, pgx.ErrNoRows) {
				return refuse(tx, ErrNoAccount, "unknown_address")
			}
		}
		if err != nil {
			return fmt.Errorf("idp: sign in: %w", err)
		}
		var active, member bool
		err = tx.QueryRow(ctx, `
			SELECT u.active, EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = $2 AND m.user_id = u.id),
			       u.totp_enabled_at IS NOT NULL, clock_timestamp()
			FROM users u WHERE u.id = $1`, s.UserID, tx.TenantID).Scan(&active, &member, &s.TwoFactor, &s.At)
		if err != nil {
			return fmt.Errorf("idp: sign in: %w", err)
		}
		if !active || !member {
			return refuse(tx, ErrNoAccount, "inactive_or_not_member")
		}
		// An account with a role in another organisation or a project is
		// never linked by its address here: this organisation's provider
		// (its domains are its administrator's word) would otherwise open
		// the other's data. A linked one keeps signing in, but with the
		// product's own code whatever the provider says.
		if s.RolesElsewhere, err = auth.RoleOutside(ctx, tx, s.UserID, tx.TenantID); err != nil {
			return err
		}
		if s.RolesElsewhere && !linked {
			return refuse(tx, ErrNoAccount, "roles_elsewhere")
		}
		tx.UserID = s.UserID
		if linked {
			_, err = tx.Exec(ctx, `UPDATE user_identities SET last_used_at = now() WHERE tenant_id = $1 AND issuer = $2 AND subject = $3`,
				tx.TenantID, p.Issuer, c.Subject)
		} else {
			_, err = tx.Exec(ctx, `INSERT INTO user_identities (tenant_id, provider_id, issuer, subject, user_id) VALUES ($1, $2, $3, $4, $5)`,
				tx.TenantID, p.ID, p.Issuer, c.Subject, s.UserID)
			if err == nil {
				err = audit.Record(ctx, tx, audit.Event{Action: "identity.link", RecordType: "user", RecordID: strconv.Itoa(s.UserID),
					Detail: map[string]any{"provider": p.ID}})
			}
		}
		if err != nil {
			return fmt.Errorf("idp: sign in: %w", err)
		}
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: s.UserID, Action: "session.signin",
			Detail: map[string]any{"provider": p.Issuer, "org": p.TenantID, "strong": p.Strong(c)}})
	})
	if err != nil {
		return auth.SignedIn{}, err
	}
	return s, result
}

// Load returns provider id of organisation tenantID with its client secret
// opened, for a sign-in. Returns db.ErrNotFound.
func Load(ctx context.Context, pool *pgxpool.Pool, keys *secretbox.Keyring, tenantID int, id int64) (Provider, string, error) {
	var p Provider
	var secret string
	err := db.InTenant(ctx, pool, tenantID, 0, func(tx db.Tx) (err error) {
		if p, err = Get(ctx, tx, id); err != nil {
			return err
		}
		secret, err = Secret(ctx, tx, keys, id)
		return err
	})
	return p, secret, err
}

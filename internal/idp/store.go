// Package idp keeps each organisation's own identity providers (OpenID
// Connect: Entra ID, an e-identity broker, the organisation's own) and the
// link between an account here and its (issuer, subject) there
// (docs/design/idp.md).
package idp

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/secretbox"
)

// Provider is an organisation's identity provider as the pages show it:
// never its secret.
type Provider struct {
	TenantID         int
	ID               int64
	Name             string
	Issuer           string
	ClientID         string
	Domains          []string
	StrongMethods    []string
	PasswordsAllowed bool
	UpdatedAt        time.Time
}

// Input is a provider as an administrator types it. An empty ClientSecret on
// an edit keeps the stored one. Domains and StrongMethods are typed
// separated by spaces, commas or new lines.
type Input struct {
	Name, Issuer, ClientID, ClientSecret, Domains, StrongMethods string
	PasswordsAllowed                                             bool
}

// Words splits a typed list on spaces, commas and new lines.
func Words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '\n' || r == '\r' || r == '\t' })
}

// domains returns the typed domains in lower case without a leading @.
func domains(s string) []string {
	var out []string
	for _, d := range Words(strings.ToLower(s)) {
		d = strings.TrimPrefix(d, "@")
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// Validate checks in, for a new provider (secret required) or an edit, and
// returns Swedish messages by form field. The issuer must be https; plain
// http is allowed only to this machine, for a provider started by a test.
func Validate(in Input, isNew bool) map[string]string {
	errs := map[string]string{}
	if n := len([]rune(strings.TrimSpace(in.Name))); n == 0 || n > 100 {
		errs["name"] = "Skriv ett namn som användarna känner igen, högst 100 tecken, till exempel Logga in med kommunens konto."
	}
	if msg := checkIssuer(in.Issuer); msg != "" {
		errs["issuer"] = msg
	}
	if n := len(strings.TrimSpace(in.ClientID)); n == 0 || n > 200 {
		errs["client_id"] = "Skriv klient-id (Application (client) ID i Entra), högst 200 tecken."
	}
	switch n := len(in.ClientSecret); {
	case n == 0 && isNew:
		errs["client_secret"] = "Skriv klienthemligheten."
	case n > 500:
		errs["client_secret"] = "Klienthemligheten får vara högst 500 tecken."
	}
	ds := domains(in.Domains)
	if len(ds) == 0 || len(ds) > 20 {
		errs["domains"] = "Skriv de e-postdomäner som inloggningstjänsten gäller för, till exempel osby.se, högst 20."
	}
	for _, d := range ds {
		if !strings.Contains(d, ".") || strings.ContainsAny(d, "@/:") || len(d) > 200 {
			errs["domains"] = "Domänen " + d + " går inte att läsa. Skriv bara domänen, till exempel osby.se."
			break
		}
	}
	if ms := Words(in.StrongMethods); len(ms) > 20 || slices.ContainsFunc(ms, func(m string) bool { return len(m) > 200 }) {
		errs["strong_methods"] = "Skriv högst 20 värden, vart och ett högst 200 tecken."
	}
	return errs
}

func checkIssuer(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "Skriv utfärdarens adress, till exempel https://login.microsoftonline.com/<katalog-id>/v2.0."
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || len(s) > 500 || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "Adressen går inte att läsa. Skriv hela adressen, till exempel https://login.microsoftonline.com/<katalog-id>/v2.0."
	}
	local := u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1" || u.Hostname() == "::1"
	if u.Scheme != "https" && !(u.Scheme == "http" && local) {
		return "Adressen måste börja med https://."
	}
	return ""
}

func secretContext(tenantID int) string { return "idp:" + strconv.Itoa(tenantID) }

const columns = `tenant_id, id, name, issuer, client_id, domains, strong_methods, passwords_allowed, updated_at`

func scan(row pgx.Row) (Provider, error) {
	var p Provider
	err := row.Scan(&p.TenantID, &p.ID, &p.Name, &p.Issuer, &p.ClientID, &p.Domains, &p.StrongMethods, &p.PasswordsAllowed, &p.UpdatedAt)
	return p, err
}

// List returns the organisation's providers by name.
func List(ctx context.Context, tx db.Tx) ([]Provider, error) {
	rows, err := tx.Query(ctx, `SELECT `+columns+` FROM identity_providers WHERE tenant_id = $1 ORDER BY name`, tx.TenantID)
	if err != nil {
		return nil, fmt.Errorf("idp: list: %w", err)
	}
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Provider, error) { return scan(r) })
	if err != nil {
		return nil, fmt.Errorf("idp: list: %w", err)
	}
	return ps, nil
}

// Get returns provider id of the organisation. Returns db.ErrNotFound.
func Get(ctx context.Context, tx db.Tx, id int64) (Provider, error) {
	p, err := scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM identity_providers WHERE tenant_id = $1 AND id = $2`, tx.TenantID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("identity provider %d: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("idp: get: %w", err)
	}
	return p, nil
}

// Create stores a new provider with its secret sealed by keys. Returns
// db.ErrConflict when the name is taken.
func Create(ctx context.Context, tx db.Tx, keys *secretbox.Keyring, in Input) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO identity_providers (tenant_id, name, issuer, client_id, client_secret, domains, strong_methods, passwords_allowed, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, 0)) RETURNING id`,
		tx.TenantID, strings.TrimSpace(in.Name), strings.TrimSpace(in.Issuer), strings.TrimSpace(in.ClientID),
		keys.Seal(in.ClientSecret, secretContext(tx.TenantID)), domains(in.Domains), nonNil(Words(in.StrongMethods)), in.PasswordsAllowed, tx.UserID).Scan(&id)
	if err != nil {
		return 0, conflict("create", err)
	}
	return id, audit.Record(ctx, tx, audit.Event{Action: "identity_provider.create", RecordType: "identity_provider", RecordID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"passwords_allowed": in.PasswordsAllowed}})
}

// ErrSecretNeeded is Update refusing to keep the stored secret while the
// issuer moves to another host: the secret would be sent there at the
// next sign-in, so whoever changes where it goes must know it.
var ErrSecretNeeded = errors.New("idp: the client secret must be given again when the issuer changes host")

// Update changes provider id; an empty in.ClientSecret keeps the stored
// secret, unless the issuer now is at another host (ErrSecretNeeded).
// Returns db.ErrNotFound or db.ErrConflict (name taken).
func Update(ctx context.Context, tx db.Tx, keys *secretbox.Keyring, id int64, in Input) error {
	var oldIssuer string
	err := tx.QueryRow(ctx, `SELECT issuer FROM identity_providers WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, tx.TenantID, id).Scan(&oldIssuer)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("identity provider %d: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("idp: update: %w", err)
	}
	if in.ClientSecret == "" && secretbox.Origin(oldIssuer) != secretbox.Origin(in.Issuer) {
		return ErrSecretNeeded
	}
	secret := ""
	if in.ClientSecret != "" {
		secret = keys.Seal(in.ClientSecret, secretContext(tx.TenantID))
	}
	tag, err := tx.Exec(ctx, `
		UPDATE identity_providers SET name = $3, issuer = $4, client_id = $5, client_secret = COALESCE(NULLIF($6, ''), client_secret),
			domains = $7, strong_methods = $8, passwords_allowed = $9, updated_at = now()
		WHERE tenant_id = $1 AND id = $2`,
		tx.TenantID, id, strings.TrimSpace(in.Name), strings.TrimSpace(in.Issuer), strings.TrimSpace(in.ClientID), secret,
		domains(in.Domains), nonNil(Words(in.StrongMethods)), in.PasswordsAllowed)
	if err != nil {
		return conflict("update", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("identity provider %d: %w", id, db.ErrNotFound)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "identity_provider.update", RecordType: "identity_provider", RecordID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"secret_changed": secret != "", "passwords_allowed": in.PasswordsAllowed}})
}

// Delete removes provider id and the accounts' links to it. Returns
// db.ErrNotFound.
func Delete(ctx context.Context, tx db.Tx, id int64) error {
	tag, err := tx.Exec(ctx, `DELETE FROM identity_providers WHERE tenant_id = $1 AND id = $2`, tx.TenantID, id)
	if err != nil {
		return fmt.Errorf("idp: delete: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("identity provider %d: %w", id, db.ErrNotFound)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "identity_provider.delete", RecordType: "identity_provider", RecordID: strconv.FormatInt(id, 10)})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func conflict(op string, err error) error {
	if db.IsUniqueViolation(err) {
		return fmt.Errorf("idp: %s: %w", op, db.ErrConflict)
	}
	return fmt.Errorf("idp: %s: %w", op, err)
}

// Entry is a provider as the sign-in page knows it before anyone is signed
// in: whose it is, its name and its e-mail domains.
type Entry struct {
	TenantID int
	OrgKey   string
	OrgName  string
	ID       int64
	Name     string
	Domains  []string
}

// Ref names the provider in URLs: the organisation's key and the
// provider's number, e.g. 1273-2.
func (e Entry) Ref() string { return e.OrgKey + "-" + strconv.FormatInt(e.ID, 10) }

// Directory returns every organisation's providers, by organisation and name.
func Directory(ctx context.Context, pool *pgxpool.Pool) ([]Entry, error) {
	rows, err := pool.Query(ctx, `SELECT tenant_id, org_key, org_name, id, name, domains FROM idp_directory()`)
	if err != nil {
		return nil, fmt.Errorf("idp: directory: %w", err)
	}
	es, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Entry, error) {
		var e Entry
		err := r.Scan(&e.TenantID, &e.OrgKey, &e.OrgName, &e.ID, &e.Name, &e.Domains)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("idp: directory: %w", err)
	}
	return es, nil
}

// ByRef returns the entry named ref (see Entry.Ref), or false.
func ByRef(es []Entry, ref string) (Entry, bool) {
	for _, e := range es {
		if e.Ref() == ref {
			return e, true
		}
	}
	return Entry{}, false
}

// ForEmail returns the providers serving the domain of email.
func ForEmail(es []Entry, email string) []Entry {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return nil
	}
	domain := strings.ToLower(strings.TrimSpace(email[at+1:]))
	var out []Entry
	for _, e := range es {
		if slices.Contains(e.Domains, domain) {
			out = append(out, e)
		}
	}
	return out
}

// Secret returns provider p's client secret, sealing it again under the
// current key when it was sealed under an older one.
func Secret(ctx context.Context, tx db.Tx, keys *secretbox.Keyring, id int64) (string, error) {
	var sealed string
	err := tx.QueryRow(ctx, `SELECT client_secret FROM identity_providers WHERE tenant_id = $1 AND id = $2`, tx.TenantID, id).Scan(&sealed)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("identity provider %d: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("idp: secret: %w", err)
	}
	plain, stale, err := keys.Open(sealed, secretContext(tx.TenantID))
	if err != nil {
		return "", fmt.Errorf("idp: open secret: %w", err)
	}
	if stale {
		if _, err := tx.Exec(ctx, `UPDATE identity_providers SET client_secret = $3 WHERE tenant_id = $1 AND id = $2`,
			tx.TenantID, id, keys.Seal(plain, secretContext(tx.TenantID))); err != nil {
			return "", fmt.Errorf("idp: reseal: %w", err)
		}
	}
	return plain, nil
}

// PasswordsRefused reports whether user uid may not sign in with a
// password: an organisation they belong to signs its users in only through
// its own provider.
func PasswordsRefused(ctx context.Context, pool *pgxpool.Pool, uid int) (bool, error) {
	var refused bool
	if err := pool.QueryRow(ctx, `SELECT idp_passwords_refused($1)`, uid).Scan(&refused); err != nil {
		return false, fmt.Errorf("idp: passwords refused: %w", err)
	}
	return refused, nil
}

package ss12000

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/secretbox"
)

// System is a school system as the pages show it: never its secret.
type System struct {
	ID          int64
	Name        string
	BaseURL     string
	TokenURL    string
	ClientID    string
	Scope       string
	LastRunAt   *time.Time
	LastOK      *bool
	LastFound   *int
	LastNew     *int
	LastMessage string
}

// Input is a school system as an administrator types it. An empty
// ClientSecret on an edit keeps the stored one.
type Input struct {
	Name, BaseURL, TokenURL, ClientID, ClientSecret, Scope string
}

// Validate checks in, for a new system (secret required) or an edit, and
// returns Swedish messages by form field. Addresses must be https; plain
// http is allowed only to this machine (localhost, 127.0.0.1, ::1), for a
// school system started by a test or a developer.
func Validate(in Input, isNew bool) map[string]string {
	errs := map[string]string{}
	if n := len([]rune(strings.TrimSpace(in.Name))); n == 0 || n > 100 {
		errs["name"] = "Skriv ett namn på skolsystemet, högst 100 tecken."
	}
	if msg := checkURL(in.BaseURL); msg != "" {
		errs["base_url"] = msg
	}
	if msg := checkURL(in.TokenURL); msg != "" {
		errs["token_url"] = msg
	}
	if n := len(strings.TrimSpace(in.ClientID)); n == 0 || n > 200 {
		errs["client_id"] = "Skriv klient-id, högst 200 tecken."
	}
	switch n := len(in.ClientSecret); {
	case n == 0 && isNew:
		errs["client_secret"] = "Skriv klienthemligheten."
	case n > 500:
		errs["client_secret"] = "Klienthemligheten får vara högst 500 tecken."
	}
	if len(in.Scope) > 500 || strings.ContainsAny(in.Scope, "\r\n\"") {
		errs["scope"] = "Behörighetsomfånget är ett eller flera ord åtskilda av mellanslag, högst 500 tecken."
	}
	return errs
}

func checkURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "Skriv adressen, till exempel https://skolsystem.exempel.se/v2.0."
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || len(s) > 500 {
		return "Adressen går inte att läsa. Skriv hela adressen, till exempel https://skolsystem.exempel.se/v2.0."
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "Adressen får inte innehålla inloggningsuppgifter, ? eller #."
	}
	switch u.Scheme {
	case "https":
		return ""
	case "http":
		if h := u.Hostname(); h == "localhost" || net.ParseIP(h) != nil && net.ParseIP(h).IsLoopback() {
			return ""
		}
	}
	return "Adressen måste börja med https:// (uppgifterna skickas krypterat)."
}

// secretContext binds a sealed secret to its municipality: copied to
// another one's row, it does not open.
func secretContext(tenantID int) string { return "ss12000:" + strconv.Itoa(tenantID) }

const columns = `id, name, base_url, token_url, client_id, scope, last_run_at, last_ok, last_found, last_new, COALESCE(last_message, '')`

func scan(row pgx.Row) (System, error) {
	var s System
	err := row.Scan(&s.ID, &s.Name, &s.BaseURL, &s.TokenURL, &s.ClientID, &s.Scope, &s.LastRunAt, &s.LastOK, &s.LastFound, &s.LastNew, &s.LastMessage)
	return s, err
}

// List returns the municipality's school systems by name.
func List(ctx context.Context, tx db.Tx) ([]System, error) {
	rows, err := tx.Query(ctx, `SELECT `+columns+` FROM school_systems WHERE tenant_id = $1 ORDER BY name`, tx.TenantID)
	if err != nil {
		return nil, fmt.Errorf("ss12000: list: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (System, error) { return scan(r) })
	if err != nil {
		return nil, fmt.Errorf("ss12000: list: %w", err)
	}
	return out, nil
}

// Get returns school system id. Returns db.ErrNotFound when the
// municipality has none by that id.
func Get(ctx context.Context, tx db.Tx, id int64) (System, error) {
	s, err := scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM school_systems WHERE tenant_id = $1 AND id = $2`, tx.TenantID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return s, fmt.Errorf("school system %d: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("ss12000: get: %w", err)
	}
	return s, nil
}

// Create stores a new school system with its secret sealed by keys.
// Returns db.ErrConflict when the name is taken.
func Create(ctx context.Context, tx db.Tx, keys *secretbox.Keyring, in Input) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO school_systems (tenant_id, name, base_url, token_url, client_id, client_secret, scope, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, 0)) RETURNING id`,
		tx.TenantID, strings.TrimSpace(in.Name), strings.TrimSpace(in.BaseURL), strings.TrimSpace(in.TokenURL),
		strings.TrimSpace(in.ClientID), keys.Seal(in.ClientSecret, secretContext(tx.TenantID)), strings.TrimSpace(in.Scope), tx.UserID).Scan(&id)
	if err != nil {
		return 0, conflict("create", err)
	}
	return id, audit.Record(ctx, tx, audit.Event{Action: "school_system.create", RecordType: "school_system", RecordID: strconv.FormatInt(id, 10)})
}

// ErrSecretNeeded is Update refusing to keep the stored secret while an
// address moves to another host: the secret would be sent there at the
// next sync, so whoever changes where it goes must know it.
var ErrSecretNeeded = errors.New("ss12000: the client secret must be given again when an address changes host")

// Update changes school system id; an empty in.ClientSecret keeps the
// stored secret, unless the base or token address now points at another
// host (ErrSecretNeeded). Returns db.ErrNotFound or db.ErrConflict (name
// taken).
func Update(ctx context.Context, tx db.Tx, keys *secretbox.Keyring, id int64, in Input) error {
	var oldBase, oldToken string
	err := tx.QueryRow(ctx, `SELECT base_url, token_url FROM school_systems WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
		tx.TenantID, id).Scan(&oldBase, &oldToken)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("school system %d: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("ss12000: update: %w", err)
	}
	moved := secretbox.Origin(oldBase) != secretbox.Origin(in.BaseURL) || secretbox.Origin(oldToken) != secretbox.Origin(in.TokenURL)
	if moved && in.ClientSecret == "" {
		return ErrSecretNeeded
	}
	secret := ""
	if in.ClientSecret != "" {
		secret = keys.Seal(in.ClientSecret, secretContext(tx.TenantID))
	}
	tag, err := tx.Exec(ctx, `
		UPDATE school_systems SET name = $3, base_url = $4, token_url = $5, client_id = $6,
			client_secret = COALESCE(NULLIF($7, ''), client_secret), scope = $8, updated_at = now()
		WHERE tenant_id = $1 AND id = $2`,
		tx.TenantID, id, strings.TrimSpace(in.Name), strings.TrimSpace(in.BaseURL), strings.TrimSpace(in.TokenURL),
		strings.TrimSpace(in.ClientID), secret, strings.TrimSpace(in.Scope))
	if err != nil {
		return conflict("update", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("school system %d: %w", id, db.ErrNotFound)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "school_system.update", RecordType: "school_system", RecordID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"secret_changed": secret != "", "hosts": []string{secretbox.Origin(in.BaseURL), secretbox.Origin(in.TokenURL)},
			"hosts_before": []string{secretbox.Origin(oldBase), secretbox.Origin(oldToken)}}})
}

// Delete removes school system id. Returns db.ErrNotFound.
func Delete(ctx context.Context, tx db.Tx, id int64) error {
	tag, err := tx.Exec(ctx, `DELETE FROM school_systems WHERE tenant_id = $1 AND id = $2`, tx.TenantID, id)
	if err != nil {
		return fmt.Errorf("ss12000: delete: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("school system %d: %w", id, db.ErrNotFound)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "school_system.delete", RecordType: "school_system", RecordID: strconv.FormatInt(id, 10)})
}

func conflict(op string, err error) error {
	if db.IsUniqueViolation(err) {
		return fmt.Errorf("ss12000: %s: %w", op, db.ErrConflict)
	}
	return fmt.Errorf("ss12000: %s: %w", op, err)
}

// connection reads what Read needs of system id, opening its secret. A
// secret sealed under an older key is sealed again under the current one,
// so that a key rotation completes as the syncs run.
func connection(ctx context.Context, tx db.Tx, keys *secretbox.Keyring, id int64) (Conn, string, error) {
	var c Conn
	var name, sealed string
	err := tx.QueryRow(ctx, `SELECT name, base_url, token_url, client_id, client_secret, scope FROM school_systems WHERE tenant_id = $1 AND id = $2`,
		tx.TenantID, id).Scan(&name, &c.BaseURL, &c.TokenURL, &c.ClientID, &sealed, &c.Scope)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, "", fmt.Errorf("school system %d: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return c, "", fmt.Errorf("ss12000: connection: %w", err)
	}
	plain, stale, err := keys.Open(sealed, secretContext(tx.TenantID))
	if err != nil {
		return c, name, &Error{Msg: "Klienthemligheten går inte att öppna med serverns nycklar. Skriv in den igen under Skolsystem.", Cause: err}
	}
	c.ClientSecret = plain
	if stale {
		if _, err := tx.Exec(ctx, `UPDATE school_systems SET client_secret = $3 WHERE tenant_id = $1 AND id = $2`,
			tx.TenantID, id, keys.Seal(plain, secretContext(tx.TenantID))); err != nil {
			return c, name, fmt.Errorf("ss12000: reseal: %w", err)
		}
	}
	return c, name, nil
}

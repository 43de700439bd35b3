package scim

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/db"
)

// managed selects the accounts the tenant ($1) has: those its identity
// provider manages (scim_users) and those with a role here, so that Entra's
// query by userName finds an account an administrator made by hand.
const managed = `
	FROM users u LEFT JOIN scim_users s ON s.tenant_id = $1 AND s.user_id = u.id
	WHERE (s.user_id IS NOT NULL OR EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = $1 AND m.user_id = u.id))`

const columns = `SELECT u.id, u.email, u.name, coalesce(s.user_name, u.email), coalesce(s.external_id, ''),
	coalesce(s.given_name, ''), coalesce(s.family_name, ''), coalesce(s.active, true),
	coalesce(s.created_at, u.created_at), coalesce(s.updated_at, u.created_at), s.user_id IS NOT NULL`

type row struct {
	id                           int
	email, name, userName, extID string
	given, family                string
	active                       bool
	created, updated             time.Time
	linked                       bool
}

func scanRow(r pgx.CollectableRow) (row, error) {
	var x row
	err := r.Scan(&x.id, &x.email, &x.name, &x.userName, &x.extID, &x.given, &x.family, &x.active, &x.created, &x.updated, &x.linked)
	return x, err
}

func (x row) user() User {
	return User{Schemas: []string{SchemaUser}, ID: strconv.Itoa(x.id), ExternalID: x.extID, UserName: x.userName,
		Name: Name{Formatted: x.name, GivenName: x.given, FamilyName: x.family}, DisplayName: x.name,
		Emails: []Email{{Value: x.email, Type: "work", Primary: true}}, Active: x.active,
		Meta: Meta{ResourceType: "User", Created: x.created, LastModified: x.updated}}
}

func (x row) input() Input {
	return Input{UserName: x.userName, ExternalID: x.extID, GivenName: x.given, FamilyName: x.family,
		DisplayName: x.name, WorkEmail: x.email, Active: x.active}
}

// List returns one page of the tenant's accounts matching f (all with a zero
// Filter), from the 1-based start, at most count (capped at MaxCount), and
// the number matching. The read is audited.
func List(ctx context.Context, tx db.Tx, f Filter, start, count int) ([]User, int, error) {
	start = max(start, 1)
	count = min(max(count, 0), MaxCount)
	where, args := "", []any{tx.TenantID}
	switch f.Attr {
	case "userName":
		where, args = ` AND lower(coalesce(s.user_name, u.email)) = lower($2)`, append(args, f.Value)
	case "externalId":
		where, args = ` AND s.external_id = $2`, append(args, f.Value)
	case "email":
		where, args = ` AND u.email = lower($2)`, append(args, f.Value)
	}
	var total int
	if err := tx.QueryRow(ctx, `SELECT count(*) `+managed+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("scim: list: %w", err)
	}
	rows, _ := tx.Query(ctx, columns+managed+where+fmt.Sprintf(` ORDER BY u.id OFFSET %d LIMIT %d`, start-1, count), args...)
	found, err := pgx.CollectRows(rows, scanRow)
	if err != nil {
		return nil, 0, fmt.Errorf("scim: list: %w", err)
	}
	out := make([]User, len(found))
	for i, x := range found {
		out[i] = x.user()
	}
	return out, total, audit.Record(ctx, tx, audit.Event{Action: "scim.user_list", RecordType: "user",
		Detail: map[string]any{"count": len(out), "filter": f.Attr}})
}

func get(ctx context.Context, tx db.Tx, id int) (row, error) {
	rows, _ := tx.Query(ctx, columns+managed+` AND u.id = $2`, tx.TenantID, id)
	x, err := pgx.CollectExactlyOneRow(rows, scanRow)
	if errors.Is(err, pgx.ErrNoRows) {
		return row{}, db.ErrNotFound
	}
	if err != nil {
		return row{}, fmt.Errorf("scim: get: %w", err)
	}
	return x, nil
}

// ParseID reads a SCIM id; anything but a positive number is no account.
func ParseID(s string) (int, bool) {
	id, err := strconv.ParseInt(s, 10, 32)
	return int(id), err == nil && id > 0 && strconv.FormatInt(id, 10) == s
}

// Refused writes to the tenant's audit log that its identity provider asked
// for an account it does not have (method: the HTTP method).
func Refused(ctx context.Context, tx db.Tx, id, method string) error {
	return audit.Record(ctx, tx, audit.Event{Action: "scim.user_refused", RecordType: "user", RecordID: id,
		Detail: map[string]any{"method": method}})
}

// Get returns the tenant's account id, and audits the read. Returns
// db.ErrNotFound when the tenant has no such account.
func Get(ctx context.Context, tx db.Tx, id int) (User, error) {
	x, err := get(ctx, tx, id)
	if err != nil {
		return User{}, err
	}
	return x.user(), audit.Record(ctx, tx, audit.Event{Action: "scim.user_read", RecordType: "user", RecordID: strconv.Itoa(id)})
}

// conflict returns a uniqueness error when another account of the tenant
// has in's userName or externalId.
func conflict(ctx context.Context, tx db.Tx, in Input, self int) error {
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) `+managed+` AND u.id <> $2
		AND (lower(coalesce(s.user_name, u.email)) = lower($3) OR ($4 <> '' AND s.external_id = $4))`,
		tx.TenantID, self, in.UserName, in.ExternalID).Scan(&n)
	if err != nil {
		return fmt.Errorf("scim: uniqueness: %w", err)
	}
	if n > 0 {
		return &Error{Status: 409, ScimType: "uniqueness", Detail: "another user has this userName or externalId"}
	}
	return nil
}

func randomPassword() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Create provisions in as an account of the tenant with the client's default
// role (never administrator). An address that already has an account
// elsewhere gains the role here and keeps its name and password. The new
// account has a random password nobody knows: its person signs in through
// the organisation's identity provider or resets it. Returns a 409 *Error
// when the tenant already has the userName, externalId or address.
func Create(ctx context.Context, tx db.Tx, c Client, in Input) (User, error) {
	if err := conflict(ctx, tx, in, 0); err != nil {
		return User{}, err
	}
	email, name, err := in.account()
	if err != nil {
		return User{}, err
	}
	pw, err := randomPassword()
	if err != nil {
		return User{}, fmt.Errorf("scim: create: %w", err)
	}
	var roles []auth.Role
	if in.Active {
		roles = []auth.Role{c.DefaultRole}
	}
	id, _, err := auth.CreateTenantUser(ctx, tx, auth.NewUser{Email: email, Name: name, Password: pw, Roles: roles})
	if err == nil {
		// An existing account with a role in another organisation or a
		// project is not this organisation's to provision: its address and
		// name would then follow this token (the transaction is rolled back).
		if outside, oerr := auth.RoleOutside(ctx, tx, id, tx.TenantID); oerr != nil {
			return User{}, oerr
		} else if outside {
			return User{}, &Error{Status: 409, ScimType: "uniqueness", Detail: "the e-mail address belongs to an account that is managed elsewhere"}
		}
	}
	switch {
	case errors.Is(err, db.ErrConflict):
		return User{}, &Error{Status: 409, ScimType: "uniqueness", Detail: "the e-mail address already has an account here"}
	case errors.Is(err, auth.ErrSystemAdmin):
		return User{}, invalidValue("this account cannot be provisioned")
	case err != nil:
		return User{}, err
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO scim_users (tenant_id, user_id, user_name, external_id, given_name, family_name, active)
		VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7)`,
		tx.TenantID, id, in.UserName, in.ExternalID, in.GivenName, in.FamilyName, in.Active); err != nil {
		return User{}, fmt.Errorf("scim: create: %w", err)
	}
	if err := audit.Record(ctx, tx, audit.Event{Action: "scim.user_create", RecordType: "user", RecordID: strconv.Itoa(id),
		Detail: map[string]any{"active": in.Active, "role": string(c.DefaultRole)}}); err != nil {
		return User{}, err
	}
	x, err := get(ctx, tx, id)
	return x.user(), err
}

// Replace sets the account's attributes to in (a PUT).
func Replace(ctx context.Context, tx db.Tx, c Client, id int, in Input) (User, error) {
	return update(ctx, tx, c, id, func(Input) (Input, error) { return in, nil })
}

// Patch applies a PatchOp body to the account (a PATCH).
func Patch(ctx context.Context, tx db.Tx, c Client, id int, body []byte) (User, error) {
	return update(ctx, tx, c, id, func(cur Input) (Input, error) { return ApplyPatch(cur, body) })
}

// update changes account id of the tenant as change says. Deactivating
// removes every role the account holds here: an account left with none
// anywhere is deactivated and its sessions end at once (auth.SetTenantRoles);
// reactivating gives it the client's default role. Returns db.ErrNotFound
// when the tenant has no such account.
func update(ctx context.Context, tx db.Tx, c Client, id int, change func(Input) (Input, error)) (User, error) {
	cur, err := get(ctx, tx, id)
	if err != nil {
		return User{}, err
	}
	in, err := change(cur.input())
	if err != nil {
		return User{}, err
	}
	if err := conflict(ctx, tx, in, id); err != nil {
		return User{}, err
	}
	old := cur.input()
	// A name made from the given and family names follows them, unless the
	// identity provider now sends a displayName of its own.
	if in.DisplayName == cur.name && strings.TrimSpace(old.GivenName+" "+old.FamilyName) == cur.name {
		in.DisplayName = ""
	}
	email, name, err := in.account()
	if err != nil {
		return User{}, err
	}
	var changed []string
	for _, f := range []struct {
		attr string
		a, b string
	}{{"userName", old.UserName, in.UserName}, {"externalId", old.ExternalID, in.ExternalID}, {"email", cur.email, email},
		{"name", cur.name, name}, {"name.givenName", old.GivenName, in.GivenName}, {"name.familyName", old.FamilyName, in.FamilyName}} {
		if f.a != f.b {
			changed = append(changed, f.attr)
		}
	}
	if email != cur.email || name != cur.name {
		// The address and name are the account's, shared with every
		// organisation it has a role in: only an account whose every role is
		// here follows this organisation's directory.
		if outside, err := auth.RoleOutside(ctx, tx, id, tx.TenantID); err != nil {
			return User{}, err
		} else if outside {
			return User{}, &Error{Status: 400, ScimType: "mutability", Detail: "the account has roles in another organisation: its e-mail address and name are not changed from here"}
		}
		// Links sent to the old address stop working.
		if _, err := tx.Exec(ctx, `UPDATE password_resets SET used_at = clock_timestamp() WHERE user_id = $1 AND used_at IS NULL`, id); err != nil {
			return User{}, fmt.Errorf("scim: update: %w", err)
		}
		_, err := tx.Exec(ctx, `UPDATE users SET email = $2, name = $3 WHERE id = $1`, id, email, name)
		if db.IsUniqueViolation(err) {
			return User{}, &Error{Status: 409, ScimType: "uniqueness", Detail: "the e-mail address belongs to another account"}
		}
		if err != nil {
			return User{}, fmt.Errorf("scim: update: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO scim_users (tenant_id, user_id, user_name, external_id, given_name, family_name, active)
		VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7)
		ON CONFLICT (tenant_id, user_id) DO UPDATE SET user_name = excluded.user_name, external_id = excluded.external_id,
		    given_name = excluded.given_name, family_name = excluded.family_name, active = excluded.active, updated_at = now()`,
		tx.TenantID, id, in.UserName, in.ExternalID, in.GivenName, in.FamilyName, in.Active); err != nil {
		return User{}, fmt.Errorf("scim: update: %w", err)
	}
	if len(changed) > 0 {
		if err := audit.Record(ctx, tx, audit.Event{Action: "scim.user_update", RecordType: "user", RecordID: strconv.Itoa(id),
			Detail: map[string]any{"changed": changed}}); err != nil {
			return User{}, err
		}
	}
	if in.Active != cur.active {
		if err := setActive(ctx, tx, c, id, in.Active); err != nil {
			return User{}, err
		}
	}
	x, err := get(ctx, tx, id)
	return x.user(), err
}

func setActive(ctx context.Context, tx db.Tx, c Client, id int, active bool) error {
	// The organisation's administrators are not managed through SCIM: a
	// leaked token must not be able to lock out the one who would revoke it.
	var admin bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM memberships WHERE tenant_id = $1 AND user_id = $2 AND role = 'municipality_admin')`,
		tx.TenantID, id).Scan(&admin); err != nil {
		return fmt.Errorf("scim: set active: %w", err)
	}
	if admin {
		return &Error{Status: 400, ScimType: "mutability", Detail: "an administrator of the organisation is not managed through SCIM"}
	}
	var roles []auth.Role
	action := "scim.user_deactivate"
	if active {
		roles, action = []auth.Role{c.DefaultRole}, "scim.user_reactivate"
	}
	if err := auth.SetTenantRoles(ctx, tx, id, roles); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Event{Action: action, RecordType: "user", RecordID: strconv.Itoa(id)})
}

// Delete removes account id from the tenant (a DELETE): it loses every role
// here as in a deactivation and the identity provider's link to it is
// removed. An account with no role left anywhere is also anonymised (name,
// e-mail address, phone), its id staying in the audit log. Returns
// db.ErrNotFound when the tenant has no such account.
func Delete(ctx context.Context, tx db.Tx, c Client, id int) error {
	cur, err := get(ctx, tx, id)
	if err != nil {
		return err
	}
	if cur.active {
		if err := setActive(ctx, tx, c, id, false); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM scim_users WHERE tenant_id = $1 AND user_id = $2`, tx.TenantID, id); err != nil {
		return fmt.Errorf("scim: delete: %w", err)
	}
	var anonymised bool
	err = tx.QueryRow(ctx, `
		UPDATE users SET name = 'Borttagen användare', email = 'borttagen-' || id || '@konto.invalid', phone = ''
		WHERE id = $1 AND NOT active RETURNING true`, id).Scan(&anonymised)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("scim: delete: %w", err)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "scim.user_delete", RecordType: "user", RecordID: strconv.Itoa(id),
		Detail: map[string]any{"anonymised": anonymised}})
}

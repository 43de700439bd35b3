package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
)

// Sign-in errors. The web layer shows both with the same message.
var (
	ErrBadCredentials = errors.New("auth: wrong e-mail or password")
	ErrThrottled      = errors.New("auth: too many failed sign-ins")
	// ErrSessionInvalid means the session's user is gone, deactivated, or
	// signed in before their password or roles last changed.
	ErrSessionInvalid = errors.New("auth: session no longer valid")
	// ErrWrongPassword means the current password given at a password change is wrong.
	ErrWrongPassword = errors.New("auth: current password is wrong")
)

// NormalizeEmail lower-cases and trims an e-mail address and reports whether
// it looks like one.
func NormalizeEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	return s, err == nil && a.Address == s
}

// SignedIn is an accepted sign-in.
type SignedIn struct {
	UserID int
	// At is the database's time of sign-in: sessions compare it with
	// sessions_valid_after, so both come from one clock.
	At time.Time
	// TwoFactor: the user has an authenticator app and must still give its code.
	TwoFactor bool
	// RolesElsewhere: the account holds a role outside the organisation it
	// signed in through (RoleOutside); that organisation's identity
	// provider does not stand in for the product's own code then.
	RolesElsewhere bool
}

// RoleOutside reports whether user uid holds a role outside organisation
// tenant: a membership in another, a project role, or system
// administration. An organisation's identity provider, SCIM token and
// administrators act on an account's sign-in, address or second factor
// only where it is false, so that one municipality cannot take over an
// account that also opens another's data.
func RoleOutside(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, uid, tenant int) (bool, error) {
	var outside bool
	if err := q.QueryRow(ctx, `SELECT user_has_role_outside($1, $2)`, uid, tenant).Scan(&outside); err != nil {
		return false, fmt.Errorf("auth: roles outside: %w", err)
	}
	return outside, nil
}

// SignIn checks email and password and returns the user and the time of
// sign-in. Every attempt is
// written to the security log. It returns a *ThrottledError (ErrThrottled),
// without checking the password, while the throttle holds the attempt back,
// and ErrBadCredentials for an unknown account, a deactivated one or a wrong
// password, without telling which.
func SignIn(ctx context.Context, pool *pgxpool.Pool, t Throttle, email, password, addr string) (SignedIn, error) {
	email, _ = NormalizeEmail(email)
	var s SignedIn
	var result error
	wait, err := t.admit(ctx, pool, email, addr)
	if err != nil {
		return SignedIn{}, err
	}
	err = db.InGlobal(ctx, pool, 0, func(tx pgx.Tx) error {
		var hash string
		var active bool
		// The serving role cannot read password hashes; this function gives
		// it the one of this address.
		err := tx.QueryRow(ctx, `SELECT id, password_hash, active, two_factor FROM signin_account($1)`, email).
			Scan(&s.UserID, &hash, &active, &s.TwoFactor)
		if errors.Is(err, pgx.ErrNoRows) {
			s.UserID, hash = 0, ""
		} else if err != nil {
			return fmt.Errorf("auth: sign in: %w", err)
		}
		if wait > 0 {
			result = &ThrottledError{Wait: wait}
			return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: s.UserID, Action: "session.signin_throttled",
				Detail: map[string]any{"wait_seconds": wait.Seconds()}})
		}
		// Admitted, the attempt already counts as a failure.
		if !VerifyPassword(password, hash) || !active {
			result = ErrBadCredentials
			return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: s.UserID, Action: "session.signin_failed",
				Detail: map[string]any{"known_account": s.UserID != 0, "active": active}})
		}
		// With two-factor sign-in the counts stand until the code is right:
		// a known password must not buy more guesses at the code.
		clear := t.Succeed
		if s.TwoFactor {
			clear = t.Unfail
		}
		if err := clear(ctx, tx, email, addr); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&s.At); err != nil {
			return fmt.Errorf("auth: sign in: %w", err)
		}
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: s.UserID, Action: "session.signin"})
	})
	if err != nil {
		return SignedIn{}, err
	}
	if result != nil {
		return SignedIn{}, result
	}
	return s, nil
}

// LoadPrincipal loads the user behind a session authenticated at authAt, with
// every role they hold. Returns ErrSessionInvalid when the user is gone or
// deactivated, or changed password or roles after authAt.
func LoadPrincipal(ctx context.Context, pool *pgxpool.Pool, userID int, authAt time.Time) (*Principal, error) {
	p := &Principal{UserID: userID}
	var found, active bool
	var validAfter time.Time
	// Every request asks this: one round trip, not six.
	b := &pgx.Batch{}
	// Own memberships are readable through the policy on app.user_id.
	b.Queue(`SELECT set_config('app.user_id', $1, true)`, strconv.Itoa(userID))
	b.Queue(`
		SELECT name, email, is_system_admin, must_change_password, active, sessions_valid_after, totp_enabled_at IS NOT NULL, must_set_up_two_factor
		FROM users WHERE id = $1`, userID).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&p.Name, &p.Email, &p.SystemAdmin, &p.MustChangePassword, &active, &validAfter, &p.TwoFactor, &p.MustSetUpTwoFactor)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	b.Queue(`
		SELECT o.id, o.key, o.name, array_agg(m.role ORDER BY m.role), o.require_two_factor
		FROM memberships m JOIN orgs o ON o.id = m.tenant_id
		WHERE m.user_id = $1
		GROUP BY o.id ORDER BY o.name`, userID).Query(func(rows pgx.Rows) (err error) {
		p.Orgs, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Org, error) {
			var o Org
			err := r.Scan(&o.ID, &o.Key, &o.Name, &o.Roles, &o.RequireTwoFactor)
			return o, err
		})
		return err
	})
	b.Queue(`
		SELECT p.id, p.key, p.name, array_agg(r.role ORDER BY r.role)
		FROM project_roles r JOIN projects p ON p.id = r.project_id
		WHERE r.user_id = $1
		GROUP BY p.id ORDER BY p.name`, userID).Query(func(rows pgx.Rows) (err error) {
		p.Projects, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Project, error) {
			var pr Project
			err := r.Scan(&pr.ID, &pr.Key, &pr.Name, &pr.Roles)
			return pr, err
		})
		return err
	})
	// Sent as one batch outside BEGIN, the statements run in one implicit
	// transaction that ends with the batch, and app.user_id with it.
	err := pool.SendBatch(ctx, b).Close()
	if err != nil {
		return nil, fmt.Errorf("auth: load principal: %w", err)
	}
	if !found || !active || authAt.Before(validAfter) {
		return nil, ErrSessionInvalid
	}
	return p, nil
}

// ChangePassword sets a user's own password after checking the current one,
// and ends every other session of the user (sessions authenticated before now).
// Returns ErrWrongPassword when current does not match, and a
// *ThrottledError (ErrThrottled), without checking it, while the sign-in
// throttle holds the account back at addr; both are in the security log.
func ChangePassword(ctx context.Context, pool *pgxpool.Pool, t Throttle, userID int, current, next, addr string) (changedAt time.Time, err error) {
	var result error
	err = db.InGlobal(ctx, pool, userID, func(tx pgx.Tx) error {
		var hash, email string
		if err := tx.QueryRow(ctx, `SELECT own_password_hash(id), email FROM users WHERE id = $1 FOR UPDATE`, userID).Scan(&hash, &email); err != nil {
			return fmt.Errorf("auth: change password: %w", err)
		}
		// The current password is guessed like a sign-in: the same gates.
		wait, err := t.Admit(ctx, tx, email, addr)
		if err != nil {
			return err
		}
		if wait > 0 {
			result = &ThrottledError{Wait: wait}
			return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: userID, Action: "user.password_change_throttled",
				Detail: map[string]any{"wait_seconds": wait.Seconds()}})
		}
		if !VerifyPassword(current, hash) {
			result = ErrWrongPassword
			return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: userID, Action: "user.password_change_failed"})
		}
		if err := t.Succeed(ctx, tx, email, addr); err != nil {
			return err
		}
		newHash, err := HashPassword(next)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `
			UPDATE users SET password_hash = $2, must_change_password = false, sessions_valid_after = clock_timestamp()
			WHERE id = $1 RETURNING sessions_valid_after`, userID, newHash).Scan(&changedAt); err != nil {
			return fmt.Errorf("auth: change password: %w", err)
		}
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: userID, Action: "user.password_changed"})
	})
	if err == nil {
		err = result
	}
	return changedAt, err
}

// TenantUser is a user as their municipality's administrator sees them.
type TenantUser struct {
	ID     int
	Email  string
	Name   string
	Active bool
	Roles  []Role
}

// ListTenantUsers lists the users holding a role in the tenant of tx, and
// records the read in the audit log.
func ListTenantUsers(ctx context.Context, tx db.Tx) ([]TenantUser, error) {
	rows, _ := tx.Query(ctx, `
		SELECT u.id, u.email, u.name, u.active, array_agg(m.role ORDER BY m.role)
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.tenant_id = $1
		GROUP BY u.id ORDER BY u.name, u.id`, tx.TenantID)
	users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (TenantUser, error) {
		var u TenantUser
		err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Active, &u.Roles)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("auth: list users: %w", err)
	}
	return users, audit.Record(ctx, tx, audit.Event{Action: "user.list", RecordType: "user",
		Detail: map[string]any{"count": len(users)}})
}

// NewUser is what an administrator fills in to give someone access.
type NewUser struct {
	Email    string
	Name     string
	Password string // initial password; the user must change it at first sign-in
	Roles    []Role
}

// CreateTenantUser gives a person roles in the tenant of tx. A new address
// gets a new account that must change its password at first sign-in; an
// existing account keeps its name and password and gains the roles (returned
// existed = true). Both take the same time and leave the same rows in the
// tenant's audit log, so an administrator cannot tell whether the address had
// an account elsewhere. Returns ErrConflict when the account already holds a
// role here and ErrSystemAdmin for a system administrator's account.
//
// With u.Password empty a new account is an invited one: it has no password
// (no password matches an empty hash) until the person sets one through a
// reset link or signs in through the organisation's identity provider. The
// bulk list (internal/accounts) creates accounts this way.
func CreateTenantUser(ctx context.Context, tx db.Tx, u NewUser) (id int, existed bool, err error) {
	var hash string
	if u.Password != "" {
		if hash, err = HashPassword(u.Password); err != nil {
			return 0, false, err
		}
	}
	var systemAdmin bool
	err = tx.QueryRow(ctx, `SELECT id, is_system_admin FROM users WHERE email = $1`, u.Email).Scan(&id, &systemAdmin)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		err = tx.QueryRow(ctx, `
			INSERT INTO users (email, name, password_hash, must_change_password)
			VALUES ($1, $2, $3, true) RETURNING id`, u.Email, u.Name, hash).Scan(&id)
		if err != nil {
			return 0, false, fmt.Errorf("auth: create user: %w", err)
		}
	case err != nil:
		return 0, false, fmt.Errorf("auth: create user: %w", err)
	case systemAdmin:
		return 0, true, ErrSystemAdmin
	default:
		existed = true
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM memberships WHERE tenant_id = $1 AND user_id = $2`,
			tx.TenantID, id).Scan(&n); err != nil {
			return 0, false, fmt.Errorf("auth: create user: %w", err)
		}
		if n > 0 {
			return id, true, fmt.Errorf("auth: create user: %w", db.ErrConflict)
		}
	}
	if err := audit.Record(ctx, tx, audit.Event{Action: "user.create", RecordType: "user", RecordID: strconv.Itoa(id)}); err != nil {
		return 0, false, err
	}
	return id, existed, SetTenantRoles(ctx, tx, id, u.Roles)
}

// SetTenantRoles replaces the roles of user id in the tenant of tx. No roles
// removes the user from the tenant; an account left with no role anywhere is
// deactivated. The sessions of an account that holds roles only here end, so
// the change takes effect at once; an account with roles elsewhere keeps its
// sessions there (every request reads its roles anew), so that one
// organisation cannot sign a person out of another.
// Returns ErrNotFound unless the user is new here or already holds a role here.
func SetTenantRoles(ctx context.Context, tx db.Tx, id int, roles []Role) error {
	var before []Role
	err := tx.QueryRow(ctx, `
		SELECT coalesce(array_agg(role ORDER BY role), '{}') FROM memberships
		WHERE tenant_id = $1 AND user_id = $2`, tx.TenantID, id).Scan(&before)
	if err != nil {
		return fmt.Errorf("auth: set roles: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2`, tx.TenantID, id); err != nil {
		return fmt.Errorf("auth: set roles: %w", err)
	}
	var elsewhere bool
	if err := tx.QueryRow(ctx, `SELECT user_has_any_role($1)`, id).Scan(&elsewhere); err != nil {
		return fmt.Errorf("auth: set roles: %w", err)
	}
	for _, r := range roles {
		if _, err := tx.Exec(ctx, `
			INSERT INTO memberships (tenant_id, user_id, role, created_by) VALUES ($1, $2, $3, NULLIF($4, 0))`,
			tx.TenantID, id, r, tx.UserID); err != nil {
			return fmt.Errorf("auth: set roles: %w", err)
		}
	}
	// Deactivate an account that holds nothing anywhere; reactivate one given roles.
	if _, err := tx.Exec(ctx, `
		UPDATE users SET
		    sessions_valid_after = CASE WHEN $3 THEN clock_timestamp() ELSE sessions_valid_after END,
		    active = $2
		WHERE id = $1`, id, len(roles) > 0 || elsewhere, len(before) > 0 && !elsewhere); err != nil {
		return fmt.Errorf("auth: set roles: %w", err)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "membership.change", RecordType: "user", RecordID: strconv.Itoa(id),
		Detail: map[string]any{"before": before, "after": roles}})
}

// SignInExternal finds the active account with email, for a sign-in that
// an identity provider vouched for, and logs it. Returns ErrBadCredentials
// (and logs that) when there is none.
func SignInExternal(ctx context.Context, pool *pgxpool.Pool, email, provider string) (SignedIn, error) {
	email, _ = NormalizeEmail(email)
	var s SignedIn
	var result error
	err := db.InGlobal(ctx, pool, 0, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT id, now() FROM users WHERE email = $1 AND active`, email).Scan(&s.UserID, &s.At)
		if errors.Is(err, pgx.ErrNoRows) {
			result = ErrBadCredentials
			return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{Action: "session.signin_failed",
				Detail: map[string]any{"known_account": false, "provider": provider}})
		}
		if err != nil {
			return err
		}
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: s.UserID, Action: "session.signin", Detail: map[string]any{"provider": provider}})
	})
	if err != nil {
		return SignedIn{}, fmt.Errorf("auth: external sign in: %w", err)
	}
	return s, result
}

package accounts

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/db"
)

// Status is what confirming a list would do with one row.
type Status int

// The statuses of a planned row.
const (
	New     Status = iota // the person gets the roles here
	Exists                // the person already holds a role here: nothing changes
	Refused               // the row is wrong; Reason says why
)

// Planned is a row of a list with what confirming it would do.
type Planned struct {
	Row
	Roles  []auth.Role
	Status Status
	Reason string // Swedish, for Refused
}

// roleNames maps the Swedish names of the organisation's roles, folded to
// lower case, to the roles; the labels of auth.Role.Label are among them.
var roleNames = map[string]auth.Role{
	"samordnare":          auth.Coordinator,
	"kaa-samordnare":      auth.Coordinator,
	"kaa samordnare":      auth.Coordinator,
	"handläggare":         auth.Coordinator,
	"kaa-handläggare":     auth.Coordinator,
	"administratör":       auth.MunicipalityAdmin,
	"kommunadministratör": auth.MunicipalityAdmin,
	"admin":               auth.MunicipalityAdmin,
	"projektledare":       auth.ProjectLeader,
	"utvärderare":         auth.Evaluator,
	"systemadministratör": auth.SystemAdmin,
}

// MayGrant reports whether a user holding granter in an organisation may
// give role there. Only the organisation's administrator gives roles, and
// only the organisation's own roles (auth.TenantRoles), which are none above
// the administrator's: a project role is given by the project owner's
// administrator on the project's page, and system administration never in
// an organisation.
func MayGrant(granter []auth.Role, role auth.Role) bool {
	return slices.Contains(granter, auth.MunicipalityAdmin) && slices.Contains(auth.TenantRoles, role)
}

// parseRoles reads a role cell: one or more Swedish role names separated by
// ',', ';', '/', '+' or "och". It returns the roles and, when a name is
// unknown or may not be given here, the Swedish reason.
func parseRoles(cell string, granter []auth.Role) ([]auth.Role, string) {
	cell = strings.ReplaceAll(strings.ToLower(cell), " och ", ",")
	parts := strings.FieldsFunc(cell, func(r rune) bool { return r == ',' || r == ';' || r == '/' || r == '+' })
	var roles []auth.Role
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		role, ok := roleNames[p]
		if !ok {
			return nil, fmt.Sprintf("Okänd roll ”%s”. Roller som kan ges här: %s.", p, grantable())
		}
		if !MayGrant(granter, role) {
			return nil, fmt.Sprintf("Rollen %s kan inte ges i en lista över organisationens användare. Roller som kan ges här: %s.", strings.ToLower(role.Label()), grantable())
		}
		if !slices.Contains(roles, role) {
			roles = append(roles, role)
		}
	}
	if len(roles) == 0 {
		return nil, "Ange en roll, till exempel samordnare."
	}
	slices.Sort(roles)
	return roles, ""
}

func grantable() string {
	var names []string
	for _, r := range auth.TenantRoles {
		names = append(names, strings.ToLower(r.Label()))
	}
	return strings.Join(names, ", ")
}

// Plan checks each row against the rules and the accounts that exist, and
// says what confirming would do, without writing anything. granter is the
// acting user's roles in the organisation of tx. An address with an account
// elsewhere is New, like an unknown one: the organisation is not told
// whether a person has an account in another.
func Plan(ctx context.Context, tx db.Tx, granter []auth.Role, rows []Row) ([]Planned, error) {
	out := make([]Planned, len(rows))
	var emails []string
	for i, r := range rows {
		p := Planned{Row: r}
		email, ok := auth.NormalizeEmail(r.Email)
		p.Email = email
		switch {
		case email == "":
			p.Status, p.Reason = Refused, "E-postadress saknas."
		case !ok:
			p.Status, p.Reason = Refused, "Ogiltig e-postadress. Skriv den i formen namn@exempel.se."
		case r.Name == "":
			p.Status, p.Reason = Refused, "Namn saknas."
		case utf8.RuneCountInString(r.Name) > 200:
			p.Status, p.Reason = Refused, "Namnet får ha högst 200 tecken."
		default:
			p.Roles, p.Reason = parseRoles(r.Roles, granter)
			if p.Reason != "" {
				p.Status = Refused
			} else {
				emails = append(emails, email)
			}
		}
		out[i] = p
	}
	known := map[string][2]bool{} // e-mail → {system administrator, holds a role here}
	if len(emails) > 0 {
		rows, _ := tx.Query(ctx, `
			SELECT u.email, u.is_system_admin,
			       EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = $1 AND m.user_id = u.id)
			FROM users u WHERE u.email = ANY($2)`, tx.TenantID, emails)
		var e string
		var sys, here bool
		if _, err := pgx.ForEachRow(rows, []any{&e, &sys, &here}, func() error {
			known[e] = [2]bool{sys, here}
			return nil
		}); err != nil {
			return nil, fmt.Errorf("accounts: plan: %w", err)
		}
	}
	for i := range out {
		if out[i].Status == Refused {
			continue
		}
		k := known[out[i].Email]
		switch {
		case k[0]:
			out[i].Status, out[i].Reason = Refused, "Adressen kan inte få behörighet här. Använd personens egen e-postadress i tjänsten."
		case k[1]:
			out[i].Status = Exists
		}
	}
	return out, nil
}

// Result counts what a confirmed list did.
type Result struct{ Created, Existing, Refused int }

// Count counts the statuses of planned rows.
func Count(planned []Planned) Result {
	var r Result
	for _, p := range planned {
		switch p.Status {
		case New:
			r.Created++
		case Exists:
			r.Existing++
		default:
			r.Refused++
		}
	}
	return r
}

// CreateFromList plans rows again inside tx and gives every New row its
// roles in the organisation of tx, all in the one transaction: a person
// without an account gets an invited one (no password, see
// auth.CreateTenantUser). Each person is in the audit log as user.create
// and membership.change, and the list as a whole as user.bulk_create with
// its counts. Rows that exist or are refused are left alone.
func CreateFromList(ctx context.Context, tx db.Tx, granter []auth.Role, rows []Row) (Result, error) {
	planned, err := Plan(ctx, tx, granter, rows)
	if err != nil {
		return Result{}, err
	}
	for _, p := range planned {
		if p.Status != New {
			continue
		}
		if _, _, err := auth.CreateTenantUser(ctx, tx, auth.NewUser{Email: p.Email, Name: p.Name, Roles: p.Roles}); err != nil {
			return Result{}, fmt.Errorf("accounts: line %d: %w", p.Line, err)
		}
	}
	res := Count(planned)
	return res, audit.Record(ctx, tx, audit.Event{Action: "user.bulk_create", RecordType: "user",
		Detail: map[string]any{"created": res.Created, "existing": res.Existing, "refused": res.Refused}})
}

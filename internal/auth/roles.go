// Package auth holds users, their roles and the rules of signing in.
package auth

import "slices"

// Role is what a user may do in a tenant, in a project, or system-wide.
type Role string

// The roles of docs/design/access.md#roles.
const (
	Coordinator       Role = "coordinator"        // one municipality: its participants
	MunicipalityAdmin Role = "municipality_admin" // one municipality: its users and access log
	ProjectLeader     Role = "project_leader"     // one project: aggregates across its municipalities
	Evaluator         Role = "evaluator"          // one project: anonymised exports and aggregates
	SystemAdmin       Role = "system_admin"       // everything but personal data
)

// TenantRoles are the roles held in one municipality or partner organisation.
var TenantRoles = []Role{Coordinator, MunicipalityAdmin}

// ProjectRoles are the roles held in one project.
var ProjectRoles = []Role{ProjectLeader, Evaluator}

// AllRoles lists every role.
var AllRoles = []Role{Coordinator, MunicipalityAdmin, ProjectLeader, Evaluator, SystemAdmin}

// Org is an organisation the user has roles in.
type Org struct {
	ID    int
	Key   string
	Name  string
	Roles []Role
	// RequireTwoFactor: the organisation requires two-factor sign-in of
	// everyone who sees personal data there.
	RequireTwoFactor bool
}

// Project is a project the user has roles in.
type Project struct {
	ID    int
	Key   string
	Name  string
	Roles []Role
}

// Principal is the signed-in user with every role they hold.
type Principal struct {
	UserID             int
	Name               string
	Email              string
	SystemAdmin        bool
	MustChangePassword bool
	TwoFactor          bool // signs in with an authenticator app too
	// MustSetUpTwoFactor: an administrator removed the user's authenticator
	// app (ResetTwoFactor), and a new one comes before anything else.
	MustSetUpTwoFactor bool
	Orgs               []Org
	Projects           []Project
}

// Org returns the organisation with key, if the user has roles there.
func (p *Principal) Org(key string) (Org, bool) {
	for _, o := range p.Orgs {
		if o.Key == key {
			return o, true
		}
	}
	return Org{}, false
}

// Project returns the project with key, if the user has roles there.
func (p *Principal) Project(key string) (Project, bool) {
	for _, pr := range p.Projects {
		if pr.Key == key {
			return pr, true
		}
	}
	return Project{}, false
}

// HasAny reports whether held contains any of allowed.
func HasAny(held, allowed []Role) bool {
	for _, r := range held {
		if slices.Contains(allowed, r) {
			return true
		}
	}
	return false
}

// Label is the role's Swedish name.
func (r Role) Label() string {
	switch r {
	case Coordinator:
		return "KAA-samordnare"
	case MunicipalityAdmin:
		return "Kommunadministratör"
	case ProjectLeader:
		return "Projektledare"
	case Evaluator:
		return "Utvärderare"
	case SystemAdmin:
		return "Systemadministratör"
	}
	return string(r)
}

// NeedsTwoFactor reports whether the user must set up two-factor sign-in
// before going on: they hold a role that sees personal data (coordinator or
// administrator) in an organisation that requires it, or an administrator
// reset their second factor, and have not.
func (p *Principal) NeedsTwoFactor() bool {
	if p.TwoFactor {
		return false
	}
	if p.MustSetUpTwoFactor {
		return true
	}
	for _, o := range p.Orgs {
		if o.RequireTwoFactor && len(o.Roles) > 0 {
			return true
		}
	}
	return false
}

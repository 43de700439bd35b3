package ui

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/kaa-plattform/kaa/internal/auth"
)

// Scope says who may reach a route at all; Roles narrows it further.
type Scope int

// The scopes of a route.
const (
	Public   Scope = iota // anyone, signed in or not
	SignedIn              // any signed-in user
	Tenant                // a member of the municipality {tenant} with one of Roles
	Project               // a member of the project {project} with one of Roles
	System                // a system administrator
)

// Route is one line of the route table.
type Route struct {
	Method  string
	Pattern string
	Scope   Scope
	Roles   []auth.Role
	handler http.HandlerFunc
}

var (
	coordinator = []auth.Role{auth.Coordinator}
	tenantStaff = []auth.Role{auth.Coordinator, auth.MunicipalityAdmin}
	tenantAdmin = []auth.Role{auth.MunicipalityAdmin}
	projectAll  = []auth.Role{auth.ProjectLeader, auth.Evaluator}
)

// Routes is the whole surface of the web interface, with who may use each route.
func (h *Handler) Routes() []Route {
	return []Route{
		// Anyone.
		{"GET", "/logga-in", Public, nil, h.signInPage},
		{"POST", "/logga-in", Public, nil, h.signIn},
		{"GET", "/logga-in/kod", Public, nil, h.codePage},
		{"POST", "/logga-in/kod", Public, nil, h.code},
		{"GET", "/logga-in/oidc", Public, nil, h.oidcStart},
		{"GET", "/logga-in/oidc/klar", Public, nil, h.oidcDone},
		// Password reset by e-mail link (docs/design/reset.md).
		{"GET", "/glomt-losenord", Public, nil, h.forgotPage},
		{"POST", "/glomt-losenord", Public, nil, h.forgot},
		{"GET", "/glomt-losenord/{token}", Public, nil, h.newPasswordPage},
		{"POST", "/glomt-losenord/{token}", Public, nil, h.newPassword},
		// Each organisation's own identity providers (docs/design/idp.md).
		{"POST", "/logga-in/organisation", Public, nil, h.orgSignInFind},
		{"GET", "/logga-in/oidc/{provider}", Public, nil, h.orgOIDCStart},
		{"GET", "/logga-in/oidc/{provider}/klar", Public, nil, h.orgOIDCDone},
		{"GET", "/healthz", Public, nil, h.healthz},
		{"GET", "/readyz", Public, nil, h.readyz},
		{"GET", "/static/*", Public, nil, h.assets.ServeHTTP},

		// Any signed-in user.
		{"GET", "/", SignedIn, nil, h.start},
		{"POST", "/logga-ut", SignedIn, nil, h.signOut},
		{"GET", "/konto/losenord", SignedIn, nil, h.passwordPage},
		{"POST", "/konto/losenord", SignedIn, nil, h.changePassword},
		{"GET", "/konto/tvastegs", SignedIn, nil, h.twoFactorPage},
		{"POST", "/konto/tvastegs", SignedIn, nil, h.enableTwoFactor},
		// Issue 19, letters: the phone that letters and the printed plan show.
		{"GET", "/konto/kontaktuppgifter", SignedIn, nil, h.accountContact},
		{"POST", "/konto/kontaktuppgifter", SignedIn, nil, h.saveAccountContact},
		// The daily e-mail summary of what is due (docs/design/agenda.md).
		{"GET", "/konto/sammanfattning", SignedIn, nil, h.digestPage},
		{"POST", "/konto/sammanfattning", SignedIn, nil, h.saveDigest},

		// A municipality (or partner organisation), by role.
		{"GET", "/k/{tenant}/", Tenant, tenantStaff, h.tenantHome},
		{"GET", "/k/{tenant}/anvandare", Tenant, tenantAdmin, h.users},
		{"POST", "/k/{tenant}/anvandare", Tenant, tenantAdmin, h.createUser},
		{"GET", "/k/{tenant}/anvandare/{user}", Tenant, tenantAdmin, h.userEdit},
		{"POST", "/k/{tenant}/anvandare/{user}/roller", Tenant, tenantAdmin, h.userRoles},
		{"POST", "/k/{tenant}/anvandare/{user}/inaktivera", Tenant, tenantAdmin, h.userDeactivate},
		// An administrator resets a user's second factor (docs/design/reset.md).
		{"POST", "/k/{tenant}/anvandare/{user}/tvastegs", Tenant, tenantAdmin, h.userResetTwoFactor},
		// Accounts from a list, and project roles in the product (docs/design/accounts.md).
		{"GET", "/k/{tenant}/anvandare/lista", Tenant, tenantAdmin, h.bulkUsers},
		{"POST", "/k/{tenant}/anvandare/lista", Tenant, tenantAdmin, h.bulkUsersPreview},
		{"POST", "/k/{tenant}/anvandare/lista/bekrafta", Tenant, tenantAdmin, h.bulkUsersConfirm},
		{"GET", "/k/{tenant}/projekt/{project}/roller", Tenant, tenantAdmin, h.projectRoles},
		{"POST", "/k/{tenant}/projekt/{project}/roller", Tenant, tenantAdmin, h.projectRoleGrant},
		{"POST", "/k/{tenant}/projekt/{project}/roller/{user}/ta-bort", Tenant, tenantAdmin, h.projectRoleRevoke},
		// Issue 21, SCIM: the token of the organisation's identity provider (docs/design/scim.md).
		{"GET", "/k/{tenant}/kontohantering", Tenant, tenantAdmin, h.scimTokenPage},
		{"POST", "/k/{tenant}/kontohantering", Tenant, tenantAdmin, h.scimTokenCreate},
		{"POST", "/k/{tenant}/kontohantering/ta-bort", Tenant, tenantAdmin, h.scimTokenRevoke},
		// Caseload handover: an administrator moves a coordinator's young people to others.
		{"GET", "/k/{tenant}/overlamning", Tenant, tenantAdmin, h.handoverPage},
		{"POST", "/k/{tenant}/overlamning", Tenant, tenantAdmin, h.handover},
		{"GET", "/k/{tenant}/installningar", Tenant, tenantAdmin, h.settings},
		{"GET", "/k/{tenant}/gallring", Tenant, tenantAdmin, h.retention},
		{"GET", "/k/{tenant}/projekt/{project}", Tenant, tenantAdmin, h.projectSetup},
		{"POST", "/k/{tenant}/projekt/{project}/period", Tenant, tenantAdmin, h.projectPeriod},
		{"POST", "/k/{tenant}/projekt/{project}/mal", Tenant, tenantAdmin, h.projectTargets},
		{"POST", "/k/{tenant}/projekt/{project}/medlemmar", Tenant, tenantAdmin, h.projectAddMember},
		{"POST", "/k/{tenant}/projekt/{project}/medlemmar/{org}/ta-bort", Tenant, tenantAdmin, h.projectRemoveMember},
		{"POST", "/k/{tenant}/projekt/{project}/inbjudningar/{org}/dra-tillbaka", Tenant, tenantAdmin, h.projectWithdrawInvitation},
		{"POST", "/k/{tenant}/projekt/{project}/delprojekt", Tenant, tenantAdmin, h.projectAddSubproject},
		// The invited organisation's own administrators answer a project's invitation.
		{"POST", "/k/{tenant}/inbjudningar/{project}/tacka-ja", Tenant, tenantAdmin, h.acceptInvitation},
		{"POST", "/k/{tenant}/inbjudningar/{project}/tacka-nej", Tenant, tenantAdmin, h.declineInvitation},
		{"POST", "/k/{tenant}/installningar", Tenant, tenantAdmin, h.saveSettings},
		{"POST", "/k/{tenant}/gallring", Tenant, tenantAdmin, h.saveRetention},
		{"GET", "/k/{tenant}/loggkontroll", Tenant, tenantAdmin, h.auditReview},
		{"GET", "/k/{tenant}/loggkontroll/csv", Tenant, tenantAdmin, h.auditCSV},
		{"GET", "/k/{tenant}/registerutdrag/{id}", Tenant, tenantStaff, h.extract},

		// The coordinator's register.
		{"GET", "/k/{tenant}/deltagare", Tenant, coordinator, h.participants},
		{"POST", "/k/{tenant}/deltagare/sok", Tenant, coordinator, h.participantSearch},
		{"GET", "/k/{tenant}/deltagare/ny", Tenant, coordinator, h.participantNew},
		{"POST", "/k/{tenant}/deltagare", Tenant, coordinator, h.participantCreate},
		{"GET", "/k/{tenant}/deltagare/{id}", Tenant, coordinator, h.participantShow},
		{"GET", "/k/{tenant}/deltagare/{id}/andra", Tenant, coordinator, h.participantEdit},
		{"POST", "/k/{tenant}/deltagare/{id}", Tenant, coordinator, h.participantUpdate},
		{"POST", "/k/{tenant}/deltagare/{id}/inskrivningar", Tenant, coordinator, h.enrolmentCreate},
		{"POST", "/k/{tenant}/deltagare/{id}/inskrivningar/{eid}/avsluta", Tenant, coordinator, h.enrolmentEnd},
		{"POST", "/k/{tenant}/deltagare/{id}/inskrivningar/{eid}/orsak", Tenant, coordinator, h.enrolmentReason},
		{"POST", "/k/{tenant}/deltagare/{id}/inskrivningar/{eid}/ratta", Tenant, coordinator, h.enrolmentCorrect},
		{"POST", "/k/{tenant}/deltagare/{id}/kontakter", Tenant, coordinator, h.contactCreate},
		{"GET", "/k/{tenant}/deltagare/{id}/kontakter/{cid}", Tenant, coordinator, h.contactEdit},
		{"POST", "/k/{tenant}/deltagare/{id}/kontakter/{cid}", Tenant, coordinator, h.contactUpdate},
		{"GET", "/k/{tenant}/deltagare/{id}/kartlaggning", Tenant, coordinator, h.mappingPage},
		{"POST", "/k/{tenant}/deltagare/{id}/kartlaggning", Tenant, coordinator, h.saveMapping},
		{"GET", "/k/{tenant}/deltagare/{id}/plan", Tenant, coordinator, h.planPage},
		{"GET", "/k/{tenant}/deltagare/{id}/plan/andra", Tenant, coordinator, h.planEdit},
		{"POST", "/k/{tenant}/deltagare/{id}/plan", Tenant, coordinator, h.savePlan},
		{"GET", "/k/{tenant}/deltagare/{id}/plan/utskrift", Tenant, coordinator, h.planPrint},
		// Issue 19, letters: choose and preview (GET), print and log as a contact (POST).
		{"GET", "/k/{tenant}/deltagare/{id}/brev", Tenant, coordinator, h.letterPage},
		{"POST", "/k/{tenant}/deltagare/{id}/brev", Tenant, coordinator, h.letterPrint},
		{"GET", "/k/{tenant}/deltagare/{id}/uppfoljningar/{fid}", Tenant, coordinator, h.followUpPage},
		{"POST", "/k/{tenant}/deltagare/{id}/uppfoljningar/{fid}", Tenant, coordinator, h.recordFollowUp},
		// Actions for the people marked in the filtered list (issue 19): each
		// reads the same "id" values (markedIDs), one transaction, audited per person.
		{"POST", "/k/{tenant}/deltagare/markerade/tilldela", Tenant, coordinator, h.bulkAssign},
		{"POST", "/k/{tenant}/deltagare/markerade/kontakt", Tenant, coordinator, h.bulkContact},
		{"POST", "/k/{tenant}/deltagare/markerade/orsak", Tenant, coordinator, h.bulkReason},
		{"GET", "/k/{tenant}/att-gora", Tenant, coordinator, h.queues},
		// Search in notes and plans (issue 19): the words go in the POST body.
		{"GET", "/k/{tenant}/sok-anteckningar", Tenant, coordinator, h.noteSearchPage},
		{"POST", "/k/{tenant}/sok-anteckningar", Tenant, coordinator, h.noteSearch},
		// The filtered list as a workbook (issue 19).
		{"GET", "/k/{tenant}/deltagare/excel", Tenant, coordinator, h.participantsExcel},
		// Booked meetings and planned actions (docs/design/agenda.md).
		{"POST", "/k/{tenant}/deltagare/{id}/bokningar", Tenant, coordinator, h.appointmentCreate},
		{"POST", "/k/{tenant}/deltagare/{id}/bokningar/{aid}/klar", Tenant, coordinator, h.appointmentDone},
		{"POST", "/k/{tenant}/deltagare/{id}/bokningar/{aid}/stall-in", Tenant, coordinator, h.appointmentCancel},
		{"GET", "/k/{tenant}/scb", Tenant, coordinator, h.scbReport},
		{"POST", "/k/{tenant}/scb/fil", Tenant, coordinator, h.scbFile},
		{"GET", "/k/{tenant}/scb/arkiv/{id}/{format}", Tenant, coordinator, h.scbArchived},
		// The monthly participant file of an ESF project to SCB (docs/design/esf-reporting.md).
		{"GET", "/k/{tenant}/esf-manadsfil", Tenant, coordinator, h.esfMonthly},
		{"POST", "/k/{tenant}/esf-manadsfil/timmar", Tenant, coordinator, h.esfHours},
		{"POST", "/k/{tenant}/esf-manadsfil/fil", Tenant, coordinator, h.esfMonthlyFile},
		{"GET", "/k/{tenant}/esf-manadsfil/arkiv/{id}", Tenant, coordinator, h.esfArchived},
		{"GET", "/k/{tenant}/statistik", Tenant, tenantStaff, h.municipalityDashboard},
		{"GET", "/k/{tenant}/statistik/tabell/{table}", Tenant, tenantStaff, h.dashboardTable},
		// A member's anonymised export of its own people in one of its projects.
		{"GET", "/k/{tenant}/export", Tenant, coordinator, h.tenantExportPage},
		{"GET", "/k/{tenant}/export/fil", Tenant, coordinator, h.tenantExportFile},
		{"GET", "/k/{tenant}/export/kodbok", Tenant, coordinator, h.exportCodebook},
		{"GET", "/k/{tenant}/deltagare/import", Tenant, coordinator, h.importPage},
		{"POST", "/k/{tenant}/deltagare/import", Tenant, coordinator, h.importUpload},
		{"GET", "/k/{tenant}/deltagare/import/{iid}", Tenant, coordinator, h.importPreview},
		{"POST", "/k/{tenant}/deltagare/import/{iid}/mappning", Tenant, coordinator, h.importMapping},
		{"POST", "/k/{tenant}/deltagare/import/{iid}/bekrafta", Tenant, coordinator, h.importConfirm},
		{"POST", "/k/{tenant}/deltagare/import/{iid}/avbryt", Tenant, coordinator, h.importCancel},
		// The sheet of a workbook, and the queue of rows without a valid
		// personnummer (issue 20; docs/design/import.md).
		{"POST", "/k/{tenant}/deltagare/import/{iid}/blad", Tenant, coordinator, h.importSheet},
		{"GET", "/k/{tenant}/deltagare/import/saknar-personnummer", Tenant, coordinator, h.unidentifiedPage},
		{"POST", "/k/{tenant}/deltagare/import/saknar-personnummer/{uid}/registrera", Tenant, coordinator, h.unidentifiedResolve},
		{"POST", "/k/{tenant}/deltagare/import/saknar-personnummer/{uid}/ta-bort", Tenant, coordinator, h.unidentifiedDismiss},
		// A move to another municipality: the letter, the consent and the
		// notice sent; the notices received (docs/design/moves.md).
		{"GET", "/k/{tenant}/deltagare/{id}/flytt", Tenant, coordinator, h.moveShow},
		{"POST", "/k/{tenant}/deltagare/{id}/flytt/brev", Tenant, coordinator, h.moveLetter},
		{"POST", "/k/{tenant}/deltagare/{id}/flytt/samtycke", Tenant, coordinator, h.moveConsent},
		{"POST", "/k/{tenant}/inflyttade/{nid}/registrera", Tenant, coordinator, h.noticeRegister},
		{"POST", "/k/{tenant}/inflyttade/{nid}/avfarda", Tenant, coordinator, h.noticeDismiss},

		// School systems over SS12000 (docs/design/ss12000.md): administrators
		// connect them; coordinators fetch the list into the import preview.
		{"GET", "/k/{tenant}/skolsystem", Tenant, tenantStaff, h.schoolSystems},
		{"POST", "/k/{tenant}/skolsystem", Tenant, tenantAdmin, h.schoolSystemCreate},
		{"GET", "/k/{tenant}/skolsystem/{sid}", Tenant, tenantAdmin, h.schoolSystemEdit},
		{"POST", "/k/{tenant}/skolsystem/{sid}", Tenant, tenantAdmin, h.schoolSystemUpdate},
		{"POST", "/k/{tenant}/skolsystem/{sid}/ta-bort", Tenant, tenantAdmin, h.schoolSystemDelete},
		{"POST", "/k/{tenant}/skolsystem/{sid}/hamta", Tenant, coordinator, h.schoolSystemFetch},
		// The organisation's own identity providers (docs/design/idp.md).
		{"GET", "/k/{tenant}/inloggning", Tenant, tenantAdmin, h.identityProviders},
		{"POST", "/k/{tenant}/inloggning", Tenant, tenantAdmin, h.identityProviderCreate},
		{"GET", "/k/{tenant}/inloggning/{pid}", Tenant, tenantAdmin, h.identityProviderEdit},
		{"POST", "/k/{tenant}/inloggning/{pid}", Tenant, tenantAdmin, h.identityProviderUpdate},
		{"POST", "/k/{tenant}/inloggning/{pid}/ta-bort", Tenant, tenantAdmin, h.identityProviderDelete},

		// SMS (docs/design/sms.md): sending, and the gateway's callbacks,
		// which carry the installation's secret token instead of a session.
		{"POST", "/k/{tenant}/deltagare/{id}/sms", Tenant, coordinator, h.smsSend},
		{"POST", "/k/{tenant}/deltagare/markerade/sms", Tenant, coordinator, h.smsBulk},
		{"GET", "/k/{tenant}/sms/okopplade", Tenant, coordinator, h.smsUnmatched},
		{"POST", "/sms/46elks/{token}/leverans", Public, nil, h.smsReport},
		{"POST", "/sms/46elks/{token}/svar", Public, nil, h.smsIncoming},

		// A project umbrella: aggregates only.
		{"GET", "/p/{project}/", Project, projectAll, h.projectHome},
		{"GET", "/p/{project}/paraply", Project, projectAll, h.umbrella},
		{"GET", "/p/{project}/paraply/tabell/{table}", Project, projectAll, h.umbrellaTable},
		{"GET", "/p/{project}/esf", Project, projectAll, h.esf},
		{"GET", "/p/{project}/esf/tabell/{table}", Project, projectAll, h.esfTable},
		{"GET", "/p/{project}/export", Project, projectAll, h.projectExportPage},
		{"GET", "/p/{project}/export/fil", Project, projectAll, h.projectExportFile},
		{"GET", "/p/{project}/export/kodbok", Project, projectAll, h.exportCodebook},

		// System administration: no personal data.
		{"GET", "/admin/", System, nil, h.admin},
		{"POST", "/admin/organisationer", System, nil, h.createOrg},
		{"POST", "/admin/administratorer", System, nil, h.createFirstAdmin},
		{"POST", "/admin/administratorer/nodfall", System, nil, h.breakGlass},
	}
}

// Router returns the HTTP handler serving every route.
func (h *Handler) Router() http.Handler {
	r := chi.NewRouter()
	r.Use(h.requestID, h.logRequests, h.recoverPanic, h.securityHeaders,
		skipForSCIM(h.sessions.LoadAndSave), skipForSCIM(h.crossOrigin), skipForSCIM(h.authenticate))
	// SCIM 2.0 provisioning by an organisation's identity provider, with its
	// bearer token instead of a session (docs/design/scim.md).
	r.Mount("/scim/v2", h.scimRouter())
	r.NotFound(h.notFound)
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		h.renderError(w, r, http.StatusMethodNotAllowed, "Det går inte att göra så här", "Sidan finns, men inte för den här typen av anrop.")
	})
	for _, rt := range h.Routes() {
		var next http.Handler = rt.handler
		switch rt.Scope {
		case SignedIn:
			next = h.requireUser(next)
		case Tenant:
			next = h.requireUser(h.requireTenant(rt.Roles, next))
		case Project:
			next = h.requireUser(h.requireProject(rt.Roles, next))
		case System:
			next = h.requireUser(h.requireSystemAdmin(next))
		}
		next = h.allowLong(rt.Method, rt.Pattern, next)
		r.Method(rt.Method, rt.Pattern, next)
	}
	// /k/{tenant} without the slash: same page.
	r.Get("/k/{tenant}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
	})
	r.Get("/p/{project}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
	})
	return r
}

package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/accounts"
	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// bulkUsers shows the form for a list of users (docs/design/accounts.md).
func (h *Handler) bulkUsers(w http.ResponseWriter, r *http.Request) {
	o := orgFrom(r.Context())
	// A fresh start lets go of a list previewed and left.
	h.sessions.Remove(r.Context(), bulkUsersKey(o.ID))
	h.render(w, r, http.StatusOK, views.BulkUsers(h.page(r, "Användare från en lista"), views.BulkUsersView{OrgKey: o.Key, OrgName: o.Name}))
}

func (h *Handler) bulkUsersRefused(w http.ResponseWriter, r *http.Request, msg string) {
	o := orgFrom(r.Context())
	v := views.BulkUsersView{OrgKey: o.Key, OrgName: o.Name}
	v.Errors.Add("file", msg)
	h.render(w, r, http.StatusUnprocessableEntity, views.BulkUsers(h.page(r, "Användare från en lista"), v))
}

// bulkUsersPreview reads an uploaded list and shows what confirming it
// would do; nothing is written.
func (h *Handler) bulkUsersPreview(w http.ResponseWriter, r *http.Request) {
	name, data, ok := h.readUpload(w, r, func(msg string) { h.bulkUsersRefused(w, r, msg) })
	if !ok {
		return
	}
	rows, err := accounts.ReadList(name, data)
	var le *accounts.ListError
	if errors.As(err, &le) {
		h.bulkUsersRefused(w, r, le.Msg)
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderBulkPreview(w, r, rows)
}

func (h *Handler) renderBulkPreview(w http.ResponseWriter, r *http.Request, rows []accounts.Row) {
	o := orgFrom(r.Context())
	var planned []accounts.Planned
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		planned, err = accounts.Plan(r.Context(), tx, o.Roles, rows)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The rows wait in the session, not in the page: the confirmation is a
	// small form whatever the list's size, and cannot carry other rows.
	payload, err := json.Marshal(rows)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sum := sha256.Sum256(payload)
	h.sessions.Put(r.Context(), bulkUsersKey(o.ID), string(payload))
	h.render(w, r, http.StatusOK, views.BulkUsers(h.page(r, "Användare från en lista"), views.BulkUsersView{
		OrgKey: o.Key, OrgName: o.Name, Planned: planned, Counts: accounts.Count(planned), Payload: hex.EncodeToString(sum[:8])}))
}

// bulkUsersKey names the session's entry for the list previewed in org.
func bulkUsersKey(org int) string { return "bulk_users_" + strconv.Itoa(org) }

// bulkUsersConfirm gives the previewed list's new people their roles, in
// one transaction that checks every row again.
func (h *Handler) bulkUsersConfirm(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 4096) {
		return
	}
	o := orgFrom(r.Context())
	payload := h.sessions.GetString(r.Context(), bulkUsersKey(o.ID))
	sum := sha256.Sum256([]byte(payload))
	var rows []accounts.Row
	if payload == "" || r.PostFormValue("lista") != hex.EncodeToString(sum[:8]) || json.Unmarshal([]byte(payload), &rows) != nil {
		h.bulkUsersRefused(w, r, "Listan du granskade finns inte längre (du har laddat upp en annan, eller bekräftat den redan). Ladda upp filen igen.")
		return
	}
	var res accounts.Result
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		res, err = accounts.CreateFromList(r.Context(), tx, o.Roles, rows)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.sessions.Remove(r.Context(), bulkUsersKey(o.ID))
	msg := fmt.Sprintf("%s har fått behörighet i %s.", views.People(res.Created), o.Name)
	if res.Existing+res.Refused > 0 {
		msg += fmt.Sprintf(" %d rader hoppades över (fanns redan eller avvisades).", res.Existing+res.Refused)
	}
	h.flash(r, msg)
	http.Redirect(w, r, "/k/"+o.Key+"/anvandare", http.StatusSeeOther)
}

// ownedProjectBase is the URL of the set-up page of the project p.
func ownedProjectBase(r *http.Request, key string) string {
	return fmt.Sprintf("/k/%s/projekt/%s", orgFrom(r.Context()).Key, key)
}

func (h *Handler) projectRoles(w http.ResponseWriter, r *http.Request) {
	h.renderProjectRoles(w, r, http.StatusOK, views.ProjectRolesView{Role: auth.ProjectLeader})
}

// renderProjectRoles shows the roles of the URL's project to its owner's
// administrator; to anyone else the project does not exist.
func (h *Handler) renderProjectRoles(w http.ResponseWriter, r *http.Request, status int, v views.ProjectRolesView) {
	p, err := h.ownedProject(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Base, v.Name = ownedProjectBase(r, p.Key), p.Name
	err = db.InGlobal(r.Context(), h.pool, principalFrom(r.Context()).UserID, func(tx pgx.Tx) (err error) {
		v.Holders, err = accounts.ProjectRoleHolders(r.Context(), tx, p.ID)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, views.ProjectRoles(h.page(r, "Roller i "+p.Name), v))
}

func (h *Handler) projectRoleGrant(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 4096) {
		return
	}
	p, err := h.ownedProject(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := views.ProjectRolesView{Person: strings.TrimSpace(r.PostFormValue("name")), Role: auth.Role(r.PostFormValue("role"))}
	email, ok := auth.NormalizeEmail(r.PostFormValue("email"))
	v.Email = email
	switch {
	case email == "":
		v.Errors.Add("email", "Skriv personens e-postadress.")
	case !ok:
		v.Errors.Add("email", "Skriv e-postadressen i formen namn@exempel.se.")
	}
	if len(v.Person) > 200 {
		v.Errors.Add("name", "Namnet får ha högst 200 tecken.")
	}
	if v.Role != auth.ProjectLeader && v.Role != auth.Evaluator {
		v.Errors.Add("role", "Välj projektledare eller utvärderare.")
	}
	if !v.Errors.Any() {
		err = db.InGlobal(r.Context(), h.pool, principalFrom(r.Context()).UserID, func(tx pgx.Tx) error {
			name := v.Person
			if name == "" {
				name = email
			}
			_, err := accounts.GrantProjectRole(r.Context(), tx, p.ID, email, name, v.Role)
			return err
		})
		switch {
		case errors.Is(err, db.ErrConflict):
			v.Errors.Add("email", "Personen har redan den rollen i projektet.")
		case errors.Is(err, auth.ErrSystemAdmin):
			v.Errors.Add("email", "Den här adressen kan inte få en roll i projektet. Använd personens egen e-postadress i tjänsten.")
		case errors.Is(err, accounts.ErrDeactivated):
			v.Errors.Add("email", "Kontot är inaktiverat av personens organisation. Be organisationen aktivera det först.")
		case err != nil:
			h.fail(w, r, err)
			return
		}
	}
	if v.Errors.Any() {
		h.renderProjectRoles(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	h.flash(r, fmt.Sprintf("%s är %s i %s.", email, strings.ToLower(v.Role.Label()), p.Name))
	http.Redirect(w, r, ownedProjectBase(r, p.Key)+"/roller", http.StatusSeeOther)
}

func (h *Handler) projectRoleRevoke(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 4096) {
		return
	}
	p, err := h.ownedProject(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	uid, err := strconv.Atoi(chi.URLParam(r, "user"))
	if err != nil {
		h.notFound(w, r)
		return
	}
	role := auth.Role(r.PostFormValue("role"))
	if role != auth.ProjectLeader && role != auth.Evaluator {
		h.renderError(w, r, http.StatusUnprocessableEntity, "Rollen kunde inte läsas", "Välj projektledare eller utvärderare.")
		return
	}
	err = db.InGlobal(r.Context(), h.pool, principalFrom(r.Context()).UserID, func(tx pgx.Tx) error {
		return accounts.RevokeProjectRole(r.Context(), tx, p.ID, uid, role)
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, fmt.Sprintf("Rollen %s är borttagen.", strings.ToLower(role.Label())))
	http.Redirect(w, r, ownedProjectBase(r, p.Key)+"/roller", http.StatusSeeOther)
}

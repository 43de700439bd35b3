package ui

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/sv"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

func (h *Handler) users(w http.ResponseWriter, r *http.Request) {
	h.renderUsers(w, r, http.StatusOK, views.UserForm{Roles: []auth.Role{auth.Coordinator}})
}

func (h *Handler) renderUsers(w http.ResponseWriter, r *http.Request, status int, f views.UserForm) {
	o := orgFrom(r.Context())
	v := views.UsersView{OrgKey: o.Key, OrgName: o.Name, Form: f}
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		if v.Users, err = auth.ListTenantUsers(r.Context(), tx); err != nil {
			return err
		}
		v.BreakGlass, err = auth.BreakGlassLog(r.Context(), tx)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, views.Users(h.page(r, "Användare"), v))
}

// parseUserForm reads and checks the fields of a new user; prefix names the
// fields when the form shares a page with another ("admin_").
func parseUserForm(r *http.Request, prefix string, withRoles bool) views.UserForm {
	f := views.UserForm{
		Name:     strings.TrimSpace(r.PostFormValue(prefix + "name")),
		Password: r.PostFormValue(prefix + "password"),
	}
	email, ok := auth.NormalizeEmail(r.PostFormValue(prefix + "email"))
	f.Email = email
	if f.Name == "" {
		f.Errors.Add(prefix+"name", "Skriv personens namn.")
	} else if len(f.Name) > 200 {
		f.Errors.Add(prefix+"name", "Namnet får ha högst 200 tecken.")
	}
	if f.Email == "" {
		f.Errors.Add(prefix+"email", "Skriv personens e-postadress.")
	} else if !ok {
		f.Errors.Add(prefix+"email", "Skriv e-postadressen i formen namn@exempel.se.")
	}
	if msg := auth.PasswordProblem(f.Password); msg != "" {
		f.Errors.Add(prefix+"password", msg)
	}
	if withRoles {
		f.Roles, ok = parseRoles(r)
		if !ok {
			f.Errors.Add("roles", "Välj minst en roll.")
		}
	}
	return f
}

// parseRoles reads the chosen tenant roles, ignoring anything else.
func parseRoles(r *http.Request) ([]auth.Role, bool) {
	var roles []auth.Role
	for _, v := range r.PostForm["role"] {
		if role := auth.Role(v); slices.Contains(auth.TenantRoles, role) && !slices.Contains(roles, role) {
			roles = append(roles, role)
		}
	}
	return roles, len(roles) > 0
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 16<<10) {
		return
	}
	f := parseUserForm(r, "", true)
	if f.Errors.Any() {
		h.renderUsers(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	// Whether the address had an account elsewhere is not the administrator's
	// to know: the answer is the same either way.
	err := h.inTenant(r, func(tx db.Tx) error {
		_, _, err := auth.CreateTenantUser(r.Context(), tx, auth.NewUser{Email: f.Email, Name: f.Name, Password: f.Password, Roles: f.Roles})
		return err
	})
	h.recordRefusal(r, orgFrom(r.Context()).ID, err)
	switch {
	case errors.Is(err, db.ErrConflict):
		f.Errors.Add("email", "Personen har redan behörighet här. Ändra hennes eller hans roller i listan ovan.")
	case errors.Is(err, auth.ErrSystemAdmin):
		f.Errors.Add("email", "Den här adressen kan inte få behörighet här. Använd personens egen e-postadress i tjänsten.")
	case err != nil:
		h.fail(w, r, err)
		return
	}
	if f.Errors.Any() {
		h.renderUsers(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	h.flash(r, fmt.Sprintf("%s har fått behörighet här. Lämna över det tillfälliga lösenordet på ett säkert sätt. Har personen redan ett konto i tjänsten gäller i stället hennes eller hans eget lösenord.", f.Email))
	http.Redirect(w, r, "/k/"+orgFrom(r.Context()).Key+"/anvandare", http.StatusSeeOther)
}

// tenantUser finds the user in the URL among the organisation's users.
// Returns db.ErrNotFound for anyone without a role here.
func tenantUser(r *http.Request, tx db.Tx) (auth.TenantUser, error) {
	id, err := strconv.Atoi(chi.URLParam(r, "user"))
	if err != nil {
		return auth.TenantUser{}, db.ErrNotFound
	}
	users, err := auth.ListTenantUsers(r.Context(), tx)
	if err != nil {
		return auth.TenantUser{}, err
	}
	for _, u := range users {
		if u.ID == id {
			return u, nil
		}
	}
	return auth.TenantUser{}, fmt.Errorf("user %d: %w", id, db.ErrNotFound)
}

func (h *Handler) userEdit(w http.ResponseWriter, r *http.Request) {
	h.renderUserEdit(w, r, http.StatusOK, nil)
}

func (h *Handler) renderUserEdit(w http.ResponseWriter, r *http.Request, status int, form *views.UserForm) {
	o := orgFrom(r.Context())
	var u auth.TenantUser
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		u, err = tenantUser(r, tx)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := views.UserForm{Roles: u.Roles}
	if form != nil {
		f = *form
	}
	h.render(w, r, status, views.UserEdit(h.page(r, u.Name), views.UserEditView{OrgKey: o.Key, OrgName: o.Name, User: u, Form: f}))
}

func (h *Handler) userRoles(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 4096) {
		return
	}
	roles, ok := parseRoles(r)
	if !ok {
		f := views.UserForm{Roles: roles}
		f.Errors.Add("roles", "Välj minst en roll. Vill du ta bort personens behörighet helt, använd knappen längre ner.")
		h.renderUserEdit(w, r, http.StatusUnprocessableEntity, &f)
		return
	}
	h.setRoles(w, r, roles, "Rollerna är sparade. Personen behöver logga in igen.")
}

func (h *Handler) userDeactivate(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 4096) {
		return
	}
	h.setRoles(w, r, nil, "Personens behörighet här är borttagen och personen är utloggad.")
}

func (h *Handler) setRoles(w http.ResponseWriter, r *http.Request, roles []auth.Role, msg string) {
	var uid, held int // held: young people the user is still responsible for
	err := h.inTenant(r, func(tx db.Tx) error {
		u, err := tenantUser(r, tx)
		if err != nil {
			return err
		}
		uid = u.ID
		if held, err = participant.HeldBy(r.Context(), tx, u.ID); err != nil {
			return err
		}
		if err := auth.SetTenantRoles(r.Context(), tx, u.ID, roles); err != nil || len(roles) > 0 {
			return err
		}
		return unlessConfirmed(r)
	})
	if h.asked(w, r, err, func() (c views.Confirm, err error) {
		var u auth.TenantUser
		err = h.inTenant(r, func(tx db.Tx) (err error) { u, err = tenantUser(r, tx); return err })
		place := orgFrom(r.Context()).Name
		consequence := fmt.Sprintf("%s förlorar alla roller i %s och loggas ut. Det som personen har dokumenterat finns kvar. Du kan ge personen roller igen senare.", u.Name, place)
		if held > 0 {
			consequence += fmt.Sprintf(" %s är ansvarig samordnare för %s; efteråt kommer du till Överlämning och väljer vem som tar över dem.", u.Name, views.YoungPeople(held))
		}
		return views.Confirm{
			Question:    fmt.Sprintf("Ta bort %s behörighet i %s?", sv.Genitive(u.Name), place),
			Consequence: consequence,
			Yes:         "Ja, ta bort behörigheten",
			Back:        fmt.Sprintf("/k/%s/anvandare/%d", orgFrom(r.Context()).Key, u.ID),
		}, err
	}) {
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(roles) == 0 && held > 0 {
		// The young people keep the one who left as responsible until
		// someone takes over: the handover page is the next step.
		h.flash(r, fmt.Sprintf("%s Personen är fortfarande ansvarig samordnare för %s. Välj här vem som tar över dem.", msg, views.YoungPeople(held)))
		http.Redirect(w, r, fmt.Sprintf("/k/%s/overlamning?fran=%d", orgFrom(r.Context()).Key, uid), http.StatusSeeOther)
		return
	}
	h.flash(r, msg)
	http.Redirect(w, r, "/k/"+orgFrom(r.Context()).Key+"/anvandare", http.StatusSeeOther)
}

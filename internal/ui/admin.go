package ui

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/org"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

func (h *Handler) admin(w http.ResponseWriter, r *http.Request) {
	h.renderAdmin(w, r, http.StatusOK, views.AdminView{OrgForm: views.OrgForm{Kind: "municipality"}})
}

func (h *Handler) renderAdmin(w http.ResponseWriter, r *http.Request, status int, v views.AdminView) {
	ctx := r.Context()
	err := db.InGlobal(ctx, h.pool, 0, func(tx pgx.Tx) error {
		orgs, err := org.List(ctx, tx)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			v.Orgs = append(v.Orgs, views.AdminOrg{ID: o.ID, Key: o.Key, Name: o.Name, Kind: o.Kind, Admins: o.Admins})
		}
		projects, err := org.Projects(ctx, tx)
		if err != nil {
			return err
		}
		for _, p := range projects {
			v.Projects = append(v.Projects, views.AdminProject{Key: p.Key, Name: p.Name, Owner: p.Owner, Period: p.Period(), Members: p.Members})
		}
		return nil
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, views.Admin(h.page(r, "Systemadministration"), v))
}

var (
	kommunkodRe = regexp.MustCompile(`^[0-9]{4}$`)
	orgKeyRe    = regexp.MustCompile(`^[a-z0-9-]{2,20}$`)
)

func (h *Handler) createOrg(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	f := views.OrgForm{
		Key:  strings.TrimSpace(r.PostFormValue("key")),
		Name: strings.TrimSpace(r.PostFormValue("name")),
		Kind: r.PostFormValue("kind"),
	}
	if !slices.Contains(views.OrgKinds, f.Kind) {
		f.Errors.Add("kind", "Välj vilken typ av organisation det är.")
	}
	switch {
	case f.Kind == "municipality" && !kommunkodRe.MatchString(f.Key):
		f.Errors.Add("key", "En kommun anges med sin kommunkod: fyra siffror, till exempel 1273 för Osby.")
	case f.Kind != "municipality" && !orgKeyRe.MatchString(f.Key) && !kommunkodRe.MatchString(f.Key):
		f.Errors.Add("key", "Koden får bara innehålla små bokstäver a–z, siffror och bindestreck, 2–20 tecken.")
	}
	if f.Name == "" || len(f.Name) > 200 {
		f.Errors.Add("name", "Skriv organisationens namn (högst 200 tecken).")
	}
	if !f.Errors.Any() {
		err := db.InGlobal(r.Context(), h.pool, 0, func(tx pgx.Tx) error {
			_, err := org.Create(r.Context(), tx, org.Org{Key: f.Key, Name: f.Name, Kind: f.Kind})
			return err
		})
		if errors.Is(err, db.ErrConflict) {
			f.Errors.Add("key", "Det finns redan en organisation med koden "+f.Key+".")
		} else if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if f.Errors.Any() {
		h.renderAdmin(w, r, http.StatusUnprocessableEntity, views.AdminView{OrgForm: f})
		return
	}
	h.flash(r, fmt.Sprintf("%s är skapad. Skapa nu organisationens första administratör.", f.Name))
	http.Redirect(w, r, "/admin/", http.StatusSeeOther)
}

// createFirstAdmin gives a person the municipality administrator role in an
// organisation; from there the administrator manages its users.
func (h *Handler) createFirstAdmin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	r.ParseForm()
	f := parseUserForm(r, "admin_", false)
	f.Roles = []auth.Role{auth.MunicipalityAdmin}
	key := r.PostFormValue("org")
	o, err := org.ByKey(ctx, h.pool, key)
	if errors.Is(err, db.ErrNotFound) {
		f.Errors.Add("org", "Välj en organisation i listan.")
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	if !f.Errors.Any() {
		err = db.InTenant(ctx, h.pool, o.ID, principalFrom(ctx).UserID, func(tx db.Tx) error {
			_, _, err := auth.CreateTenantUser(ctx, tx, auth.NewUser{Email: f.Email, Name: f.Name, Password: f.Password, Roles: f.Roles})
			return err
		})
		if errors.Is(err, db.ErrConflict) {
			f.Errors.Add("admin_email", "Personen har redan en roll i "+o.Name+".")
		} else if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if f.Errors.Any() {
		h.renderAdmin(w, r, http.StatusUnprocessableEntity, views.AdminView{OrgForm: views.OrgForm{Kind: "municipality"}, AdminForm: f, AdminOrg: key})
		return
	}
	h.flash(r, fmt.Sprintf("%s är administratör i %s.", f.Email, o.Name))
	http.Redirect(w, r, "/admin/", http.StatusSeeOther)
}

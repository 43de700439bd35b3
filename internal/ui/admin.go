package ui

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

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
	if !h.readForm(w, r, 4096) {
		return
	}
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
// organisation that has no administrator; from there the administrator
// manages its users. Never a system administrator's account, and never a
// second administrator in passing: that is breakGlass.
func (h *Handler) createFirstAdmin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !h.readForm(w, r, 4096) {
		return
	}
	f := parseUserForm(r, "admin_", false)
	key := r.PostFormValue("org")
	o, ok := h.adminOrg(w, r, key, "org", &f.Errors)
	if !ok {
		return
	}
	if !f.Errors.Any() {
		err := db.InTenant(ctx, h.pool, o.ID, principalFrom(ctx).UserID, func(tx db.Tx) error {
			_, err := auth.CreateFirstAdmin(ctx, tx, auth.NewUser{Email: f.Email, Name: f.Name, Password: f.Password})
			return err
		})
		h.recordRefusal(r, o.ID, err)
		if errors.Is(err, auth.ErrHasAdmin) {
			f.Errors.Add("org", o.Name+" har redan en administratör, som ger fler personer behörighet. Kan ingen av dem längre göra det, använd administratör i nödfall nedan.")
		} else if !h.adminCreateErr(w, r, err, o, "admin_email", &f.Errors) {
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

// breakGlass makes a person administrator of an organisation that may have
// administrators already, when they are all gone or unreachable. The written
// reason goes to the organisation's audit log and is shown to its
// administrators on their user page.
func (h *Handler) breakGlass(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !h.readForm(w, r, 8192) {
		return
	}
	bg := views.BreakGlassForm{UserForm: parseUserForm(r, "bg_", false), Org: r.PostFormValue("bg_org"),
		Reason: strings.TrimSpace(r.PostFormValue("bg_reason"))}
	f := &bg.UserForm
	switch n := utf8.RuneCountInString(bg.Reason); {
	case n < 20:
		f.Errors.Add("bg_reason", "Skriv varför en administratör läggs till i nödfall, med minst 20 tecken. Kommunens administratörer ser det du skriver.")
	case n > 1000:
		f.Errors.Add("bg_reason", "Skälet får ha högst 1 000 tecken.")
	}
	o, ok := h.adminOrg(w, r, bg.Org, "bg_org", &f.Errors)
	if !ok {
		return
	}
	if !f.Errors.Any() {
		err := db.InTenant(ctx, h.pool, o.ID, principalFrom(ctx).UserID, func(tx db.Tx) error {
			_, err := auth.BreakGlassAdmin(ctx, tx, auth.NewUser{Email: f.Email, Name: f.Name, Password: f.Password}, bg.Reason)
			return err
		})
		h.recordRefusal(r, o.ID, err)
		if errors.Is(err, db.ErrConflict) {
			f.Errors.Add("bg_email", "Personen är redan administratör i "+o.Name+".")
		} else if !h.adminCreateErr(w, r, err, o, "bg_email", &f.Errors) {
			return
		}
	}
	if f.Errors.Any() {
		h.renderAdmin(w, r, http.StatusUnprocessableEntity, views.AdminView{OrgForm: views.OrgForm{Kind: "municipality"}, BreakGlass: bg})
		return
	}
	h.flash(r, fmt.Sprintf("%s är administratör i %s. Skälet visas för kommunens administratörer.", f.Email, o.Name))
	http.Redirect(w, r, "/admin/", http.StatusSeeOther)
}

// adminOrg finds the organisation chosen in the field named field, adding an
// error for none; false when the request has been answered.
func (h *Handler) adminOrg(w http.ResponseWriter, r *http.Request, key, field string, errs *views.Errors) (org.Org, bool) {
	o, err := org.ByKey(r.Context(), h.pool, key)
	if errors.Is(err, db.ErrNotFound) {
		errs.Add(field, "Välj en organisation i listan.")
	} else if err != nil {
		h.fail(w, r, err)
		return o, false
	}
	return o, true
}

// adminCreateErr turns the errors common to both ways of adding an
// administrator into messages at field; false when the request has been answered.
func (h *Handler) adminCreateErr(w http.ResponseWriter, r *http.Request, err error, o org.Org, field string, errs *views.Errors) bool {
	switch {
	case err == nil:
	case errors.Is(err, auth.ErrSystemAdmin):
		errs.Add(field, "Adressen hör till en systemadministratör, som inte får ha någon roll i en organisation. Ange personens egen e-postadress.")
	case errors.Is(err, db.ErrConflict):
		errs.Add(field, "Personen har redan en roll i "+o.Name+".")
	default:
		h.fail(w, r, err)
		return false
	}
	return true
}

// recordRefusal writes to the security log when err refuses a role in org:
// to the organisation's first administrator because it has one, or to a
// system administrator's account.
func (h *Handler) recordRefusal(r *http.Request, org int, err error) {
	why := ""
	switch {
	case errors.Is(err, auth.ErrHasAdmin):
		why = "has_admin"
	case errors.Is(err, auth.ErrSystemAdmin):
		why = "system_admin"
	default:
		return
	}
	if err := auth.RecordRefusal(r.Context(), h.pool, principalFrom(r.Context()).UserID, org, why); err != nil {
		h.log.ErrorContext(r.Context(), "security log", "err", err)
	}
}

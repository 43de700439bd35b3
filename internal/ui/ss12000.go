package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/ss12000"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// School systems over SS12000 (docs/design/ss12000.md).

func (h *Handler) schoolSystemBase(r *http.Request) string { return "/k/" + orgFrom(r.Context()).Key }

func (h *Handler) schoolSystems(w http.ResponseWriter, r *http.Request) {
	h.renderSchoolSystems(w, r, http.StatusOK, views.SchoolSystemForm{}, "")
}

func (h *Handler) renderSchoolSystems(w http.ResponseWriter, r *http.Request, status int, f views.SchoolSystemForm, failed string) {
	o := orgFrom(r.Context())
	v := views.SchoolSystemsView{Base: h.schoolSystemBase(r), CanEdit: auth.HasAny(o.Roles, tenantAdmin),
		CanFetch: auth.HasAny(o.Roles, coordinator), Form: f, FetchFailed: failed}
	v.Form.Action = v.Base + "/skolsystem"
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		v.Systems, err = ss12000.List(r.Context(), tx)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, views.SchoolSystems(h.page(r, "Skolsystem"), v))
}

// schoolSystemInput reads the form; the secret is taken as typed.
func schoolSystemInput(r *http.Request) (ss12000.Input, views.SchoolSystemForm) {
	field := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	in := ss12000.Input{Name: field("name"), BaseURL: field("base_url"), TokenURL: field("token_url"), ClientID: field("client_id"),
		ClientSecret: r.PostFormValue("client_secret"), Scope: field("scope")}
	return in, views.SchoolSystemForm{Name: in.Name, BaseURL: in.BaseURL, TokenURL: in.TokenURL, ClientID: in.ClientID, Scope: in.Scope}
}

// formErrors puts ss12000.Validate's messages in the form's field order.
func formErrors(msgs map[string]string) views.Errors {
	var errs views.Errors
	for _, k := range []string{"name", "base_url", "token_url", "client_id", "client_secret", "scope"} {
		if m, ok := msgs[k]; ok {
			errs.Add(k, m)
		}
	}
	return errs
}

func (h *Handler) schoolSystemCreate(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 8192) {
		return
	}
	in, f := schoolSystemInput(r)
	if f.Errors = formErrors(ss12000.Validate(in, true)); f.Errors.Any() {
		h.renderSchoolSystems(w, r, http.StatusUnprocessableEntity, f, "")
		return
	}
	err := h.inTenant(r, func(tx db.Tx) error {
		_, err := ss12000.Create(r.Context(), tx, h.cfg.TOTPKeys, in)
		return err
	})
	if errors.Is(err, db.ErrConflict) {
		f.Errors.Add("name", "Det finns redan ett skolsystem med det namnet.")
		h.renderSchoolSystems(w, r, http.StatusUnprocessableEntity, f, "")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Skolsystemet "+in.Name+" är anslutet.")
	http.Redirect(w, r, h.schoolSystemBase(r)+"/skolsystem", http.StatusSeeOther)
}

func (h *Handler) schoolSystemEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "sid")
	var s ss12000.System
	if err == nil {
		err = h.inTenant(r, func(tx db.Tx) (err error) {
			s, err = ss12000.Get(r.Context(), tx, id)
			return err
		})
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.SchoolSystemEdit(h.page(r, "Ändra skolsystem"), views.SchoolSystemForm{Action: r.URL.Path, Edit: true,
		Name: s.Name, BaseURL: s.BaseURL, TokenURL: s.TokenURL, ClientID: s.ClientID, Scope: s.Scope}))
}

func (h *Handler) schoolSystemUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "sid")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, 8192) {
		return
	}
	in, f := schoolSystemInput(r)
	f.Action, f.Edit = r.URL.Path, true
	if f.Errors = formErrors(ss12000.Validate(in, false)); f.Errors.Any() {
		h.render(w, r, http.StatusUnprocessableEntity, views.SchoolSystemEdit(h.page(r, "Ändra skolsystem"), f))
		return
	}
	err = h.inTenant(r, func(tx db.Tx) error { return ss12000.Update(r.Context(), tx, h.cfg.TOTPKeys, id, in) })
	if errors.Is(err, ss12000.ErrSecretNeeded) {
		f.Errors.Add("client_secret", "Skriv klienthemligheten igen: adressen pekar nu på en annan server, och hemligheten skickas dit vid nästa hämtning.")
		h.render(w, r, http.StatusUnprocessableEntity, views.SchoolSystemEdit(h.page(r, "Ändra skolsystem"), f))
		return
	}
	if errors.Is(err, db.ErrConflict) {
		f.Errors.Add("name", "Det finns redan ett skolsystem med det namnet.")
		h.render(w, r, http.StatusUnprocessableEntity, views.SchoolSystemEdit(h.page(r, "Ändra skolsystem"), f))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Skolsystemet "+in.Name+" är sparat.")
	http.Redirect(w, r, h.schoolSystemBase(r)+"/skolsystem", http.StatusSeeOther)
}

func (h *Handler) schoolSystemDelete(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 1024) {
		return
	}
	id, err := pathID(r, "sid")
	if err == nil {
		err = h.inTenant(r, func(tx db.Tx) error { return ss12000.Delete(r.Context(), tx, id) })
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Skolsystemet är borttaget.")
	http.Redirect(w, r, h.schoolSystemBase(r)+"/skolsystem", http.StatusSeeOther)
}

// schoolSystemFetch is "Hämta nu": the school system is read while the
// coordinator waits (within KAA_SS12000_TIMEOUT a request), and what it
// found waits in the import preview. A failure says why and saves nothing.
func (h *Handler) schoolSystemFetch(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 1024) {
		return
	}
	id, err := pathID(r, "sid")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	o := orgFrom(ctx)
	lim := ss12000.DefaultLimits
	lim.Request = h.cfg.SchoolSystemTimeout
	lim.LocalNetwork = h.cfg.SchoolSystemLocalNetwork
	res, err := ss12000.Syncer{Pool: h.pool, Keys: h.cfg.TOTPKeys, Limits: lim}.
		Sync(ctx, o.ID, principalFrom(ctx).UserID, o.Key, id, participant.Today())
	var own *ss12000.Error
	switch {
	case errors.As(err, &own):
		h.log.Warn("school system fetch failed", "school_system", id, "err", err, "request_id", infoFrom(ctx).ID)
		h.renderSchoolSystems(w, r, http.StatusBadGateway, views.SchoolSystemForm{}, own.Msg)
		return
	case err != nil:
		h.fail(w, r, err)
		return
	case res.ImportID == 0:
		h.flash(r, fmt.Sprintf("%s: ingen ungdom som kan höra till KAA hittades. Inget har sparats.", res.System))
		http.Redirect(w, r, h.schoolSystemBase(r)+"/skolsystem", http.StatusSeeOther)
		return
	}
	h.flash(r, fmt.Sprintf("%s: %d ungdomar att granska, varav %d finns inte i registret. Ingen är registrerad förrän du bekräftar.", res.System, res.Found, res.New))
	http.Redirect(w, r, fmt.Sprintf("%s/deltagare/import/%d", h.schoolSystemBase(r), res.ImportID), http.StatusSeeOther)
}

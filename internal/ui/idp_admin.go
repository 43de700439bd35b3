package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/idp"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// An organisation's own identity providers, kept by its administrators
// (docs/design/idp.md).

func (h *Handler) idpBase(r *http.Request) string {
	return "/k/" + orgFrom(r.Context()).Key + "/inloggning"
}

// idpRedirect is the address provider p must send people back to.
func (h *Handler) idpRedirect(r *http.Request) func(idp.Provider) string {
	key := orgFrom(r.Context()).Key
	return func(p idp.Provider) string {
		return h.cfg.PublicURL + "/logga-in/oidc/" + idp.Entry{OrgKey: key, ID: p.ID}.Ref() + "/klar"
	}
}

func (h *Handler) identityProviders(w http.ResponseWriter, r *http.Request) {
	h.renderIdentityProviders(w, r, http.StatusOK, views.IdentityProviderForm{PasswordsAllowed: true})
}

func (h *Handler) renderIdentityProviders(w http.ResponseWriter, r *http.Request, status int, f views.IdentityProviderForm) {
	v := views.IdentityProvidersView{Base: "/k/" + orgFrom(r.Context()).Key, RedirectFor: h.idpRedirect(r), Form: f}
	v.Form.Action = h.idpBase(r)
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		v.Providers, err = idp.List(r.Context(), tx)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, views.IdentityProviders(h.page(r, "Inloggning"), v))
}

func idpInput(r *http.Request) (idp.Input, views.IdentityProviderForm) {
	field := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	in := idp.Input{Name: field("name"), Issuer: field("issuer"), ClientID: field("client_id"), ClientSecret: r.PostFormValue("client_secret"),
		Domains: field("domains"), StrongMethods: field("strong_methods"), PasswordsAllowed: r.PostFormValue("passwords_allowed") == "yes"}
	return in, views.IdentityProviderForm{Name: in.Name, Issuer: in.Issuer, ClientID: in.ClientID, Domains: in.Domains,
		StrongMethods: in.StrongMethods, PasswordsAllowed: in.PasswordsAllowed}
}

func idpErrors(msgs map[string]string) views.Errors {
	var errs views.Errors
	for _, k := range []string{"name", "issuer", "client_id", "client_secret", "domains", "strong_methods"} {
		if m, ok := msgs[k]; ok {
			errs.Add(k, m)
		}
	}
	return errs
}

func (h *Handler) identityProviderCreate(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 8192) {
		return
	}
	in, f := idpInput(r)
	if f.Errors = idpErrors(idp.Validate(in, true)); f.Errors.Any() {
		h.renderIdentityProviders(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	err := h.inTenant(r, func(tx db.Tx) error {
		_, err := idp.Create(r.Context(), tx, h.cfg.TOTPKeys, in)
		return err
	})
	if errors.Is(err, db.ErrConflict) {
		f.Errors.Add("name", "Det finns redan en inloggningstjänst med det namnet.")
		h.renderIdentityProviders(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Inloggningstjänsten "+in.Name+" är ansluten. Ge tjänsten svarsadressen som visas nedan.")
	http.Redirect(w, r, h.idpBase(r), http.StatusSeeOther)
}

func (h *Handler) identityProviderEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "pid")
	var p idp.Provider
	if err == nil {
		err = h.inTenant(r, func(tx db.Tx) (err error) {
			p, err = idp.Get(r.Context(), tx, id)
			return err
		})
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.IdentityProviderEdit(h.page(r, "Ändra inloggningstjänst"), views.IdentityProviderForm{
		Action: r.URL.Path, Edit: true, Name: p.Name, Issuer: p.Issuer, ClientID: p.ClientID, Domains: strings.Join(p.Domains, " "),
		StrongMethods: strings.Join(p.StrongMethods, " "), PasswordsAllowed: p.PasswordsAllowed, RedirectURL: h.idpRedirect(r)(p)}))
}

func (h *Handler) identityProviderUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "pid")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, 8192) {
		return
	}
	in, f := idpInput(r)
	f.Action, f.Edit, f.RedirectURL = r.URL.Path, true, h.idpRedirect(r)(idp.Provider{ID: id})
	if f.Errors = idpErrors(idp.Validate(in, false)); f.Errors.Any() {
		h.render(w, r, http.StatusUnprocessableEntity, views.IdentityProviderEdit(h.page(r, "Ändra inloggningstjänst"), f))
		return
	}
	err = h.inTenant(r, func(tx db.Tx) error { return idp.Update(r.Context(), tx, h.cfg.TOTPKeys, id, in) })
	if errors.Is(err, idp.ErrSecretNeeded) {
		f.Errors.Add("client_secret", "Skriv klienthemligheten igen: utfärdaren finns nu på en annan server, och hemligheten skickas dit vid nästa inloggning.")
		h.render(w, r, http.StatusUnprocessableEntity, views.IdentityProviderEdit(h.page(r, "Ändra inloggningstjänst"), f))
		return
	}
	if errors.Is(err, db.ErrConflict) {
		f.Errors.Add("name", "Det finns redan en inloggningstjänst med det namnet.")
		h.render(w, r, http.StatusUnprocessableEntity, views.IdentityProviderEdit(h.page(r, "Ändra inloggningstjänst"), f))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Inloggningstjänsten "+in.Name+" är sparad.")
	http.Redirect(w, r, h.idpBase(r), http.StatusSeeOther)
}

func (h *Handler) identityProviderDelete(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 1024) {
		return
	}
	id, err := pathID(r, "pid")
	if err == nil {
		err = h.inTenant(r, func(tx db.Tx) error { return idp.Delete(r.Context(), tx, id) })
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Inloggningstjänsten nummer "+strconv.FormatInt(id, 10)+" är borttagen.")
	http.Redirect(w, r, h.idpBase(r), http.StatusSeeOther)
}

package ui

import (
	"crypto/rand"
	"errors"
	"net/http"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"golang.org/x/oauth2"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/idp"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// Sign-in through an organisation's own identity provider
// (docs/design/idp.md). The provider is named in the URL
// (/logga-in/oidc/{provider}, {provider} = idp.Entry.Ref), and the sign-in
// under way remembers which one it started at.

const (
	sessOIDCProvider = "oidc_provider"
	// sessThrough: the session was signed in through an organisation's
	// provider, so a temporary password need not be changed first.
	sessThrough = "signed_in_through"
)

// idpClients caches each issuer's discovery document.
type idpClients struct {
	mu       sync.Mutex
	byIssuer map[string]*oidc.Provider
}

func (c *idpClients) get(r *http.Request, issuer string) (*oidc.Provider, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.byIssuer[issuer]; ok {
		return p, nil
	}
	p, err := oidc.NewProvider(r.Context(), issuer)
	if err != nil {
		return nil, err
	}
	if c.byIssuer == nil {
		c.byIssuer = map[string]*oidc.Provider{}
	}
	c.byIssuer[issuer] = p
	return p, nil
}

const (
	idpRestart   = "Inloggningen via din organisation kunde inte slutföras. Börja om från inloggningssidan."
	idpNoAccount = "Det finns inget aktivt konto i KAA för dig i den här organisationen. Be organisationens administratör om behörighet."
	idpDown      = "Organisationens inloggningstjänst svarar inte just nu. Försök igen om en stund."
)

// signInOrgs is what the sign-in page offers of the organisations' own
// providers; an error leaves it empty (passwords still work).
func (h *Handler) signInOrgs(r *http.Request) views.SignInOrgs {
	es, err := idp.Directory(r.Context(), h.pool)
	if err != nil {
		h.log.ErrorContext(r.Context(), "identity provider directory", "err", err)
	}
	return views.SignInOrgs{Choices: es}
}

// refuseIDP answers a refused sign-in through a provider on the sign-in page.
func (h *Handler) refuseIDP(w http.ResponseWriter, r *http.Request, status int, msg string) {
	h.render(w, r, status, views.SignIn(h.page(r, "Logga in"), views.SignInForm{Error: msg, OIDC: h.oidcLabel(), Orgs: h.signInOrgs(r)}))
}

// logRefusal writes a refused sign-in through a provider to the security log.
func (h *Handler) logRefusal(r *http.Request, ref, reason string) error {
	ctx := r.Context()
	return db.InGlobal(ctx, h.pool, 0, func(tx pgx.Tx) error {
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{Action: "session.signin_failed", Detail: map[string]any{"provider_ref": ref, "reason": reason}})
	})
}

// orgSignInFind is the first step: the e-mail address's domain finds the
// organisation's provider.
func (h *Handler) orgSignInFind(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 4096) {
		return
	}
	f := h.signInOrgs(r)
	f.Email = r.PostFormValue("org_email")
	email, ok := auth.NormalizeEmail(f.Email)
	found := idp.ForEmail(f.Choices, email)
	switch {
	case !ok:
		f.Errors.Add("org_email", "Skriv din e-postadress i jobbet, till exempel namn@kommun.se.")
	case len(found) == 0:
		f.Errors.Add("org_email", "Ingen organisation loggar in via sin egen tjänst med den e-postdomänen. Logga in med lösenord, eller välj organisation i listan.")
	case len(found) > 1:
		f.Choices = found
		f.Errors.Add("org_email", "Flera organisationer använder den e-postdomänen. Välj din organisation i listan.")
	default:
		// A link, not a redirect: the sign-in page's form-action 'self'
		// stops a form's redirect to another origin.
		f.Found = &found[0]
		h.render(w, r, http.StatusOK, views.SignIn(h.page(r, "Logga in"), views.SignInForm{OIDC: h.oidcLabel(), Orgs: f}))
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, views.SignIn(h.page(r, "Logga in"), views.SignInForm{OIDC: h.oidcLabel(), Orgs: f}))
}

// orgProvider finds the provider named in the URL with its secret, its
// discovery document and this service's client there. ok is false when it
// has answered (unknown provider: 404, logged; provider down).
func (h *Handler) orgProvider(w http.ResponseWriter, r *http.Request) (p idp.Provider, cfg *oauth2.Config, op *oidc.Provider, ok bool) {
	ref := chi.URLParam(r, "provider")
	es, err := idp.Directory(r.Context(), h.pool)
	if err != nil {
		h.serverError(w, r, err)
		return p, nil, nil, false
	}
	e, found := idp.ByRef(es, ref)
	if !found {
		if err := h.logRefusal(r, ref, "unknown_provider"); err != nil {
			h.serverError(w, r, err)
			return p, nil, nil, false
		}
		h.notFound(w, r)
		return p, nil, nil, false
	}
	p, secret, err := idp.Load(r.Context(), h.pool, h.cfg.TOTPKeys, e.TenantID, e.ID)
	if err != nil {
		h.serverError(w, r, err)
		return p, nil, nil, false
	}
	if op, err = h.idps.get(r, p.Issuer); err != nil {
		h.log.WarnContext(r.Context(), "identity provider discovery", "issuer", p.Issuer, "err", err)
		h.refuseIDP(w, r, http.StatusBadGateway, idpDown)
		return p, nil, nil, false
	}
	cfg = &oauth2.Config{ClientID: p.ClientID, ClientSecret: secret, Endpoint: op.Endpoint(),
		RedirectURL: h.cfg.PublicURL + "/logga-in/oidc/" + e.Ref() + "/klar", Scopes: []string{oidc.ScopeOpenID, "profile", "email"}}
	return p, cfg, op, true
}

// orgOIDCStart sends the user to the organisation's provider with a state,
// a nonce and a PKCE verifier kept in the session, and the provider's name.
func (h *Handler) orgOIDCStart(w http.ResponseWriter, r *http.Request) {
	_, cfg, _, ok := h.orgProvider(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	h.sessions.Put(ctx, sessOIDCState, state)
	h.sessions.Put(ctx, sessOIDCNonce, nonce)
	h.sessions.Put(ctx, sessOIDCVerifier, verifier)
	h.sessions.Put(ctx, sessOIDCProvider, chi.URLParam(r, "provider"))
	http.Redirect(w, r, cfg.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusSeeOther)
}

// orgOIDCDone takes the provider's answer: the state must be the one this
// session started at this very provider; the code is exchanged and the ID
// token checked (signature, issuer, audience = this provider's client,
// expiry, nonce); idp.SignIn finds or links the account. The product's own
// second factor is skipped only when the token names a strong method.
func (h *Handler) orgOIDCDone(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ref := chi.URLParam(r, "provider")
	state := h.sessions.PopString(ctx, sessOIDCState)
	nonce := h.sessions.PopString(ctx, sessOIDCNonce)
	verifier := h.sessions.PopString(ctx, sessOIDCVerifier)
	started := h.sessions.PopString(ctx, sessOIDCProvider)
	refuse := func(status int, msg, reason string) {
		if err := h.logRefusal(r, ref, reason); err != nil {
			h.serverError(w, r, err)
			return
		}
		h.refuseIDP(w, r, status, msg)
	}
	q := r.URL.Query()
	if state == "" || q.Get("state") != state || q.Get("code") == "" {
		refuse(http.StatusBadRequest, idpRestart, "state")
		return
	}
	if started != ref {
		// A sign-in started at one organisation's provider, answered at another's.
		refuse(http.StatusBadRequest, idpRestart, "other_provider")
		return
	}
	p, cfg, op, ok := h.orgProvider(w, r)
	if !ok {
		return
	}
	tok, err := cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		refuse(http.StatusBadRequest, idpRestart, "exchange")
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := op.Verifier(&oidc.Config{ClientID: p.ClientID}).Verify(ctx, raw)
	var c idp.Claims
	if err == nil && idt.Nonce != nonce {
		err = errors.New("nonce mismatch")
	}
	if err == nil {
		err = idt.Claims(&c)
	}
	if err != nil {
		refuse(http.StatusBadRequest, idpRestart, "token")
		return
	}
	in, err := idp.SignIn(ctx, h.pool, p, c)
	switch {
	case errors.Is(err, idp.ErrNoAccount), errors.Is(err, idp.ErrWrongTenant):
		h.refuseIDP(w, r, http.StatusForbidden, idpNoAccount)
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	// The provider's strong method stands in for the product's own code
	// only for an account whose every role is in the provider's
	// organisation.
	strong := p.Strong(c) && !in.RolesElsewhere
	if !strong && in.TwoFactor {
		// The provider did not say a strong method was used: the product's
		// own code, as after a password.
		h.askForCode(w, r, in)
		return
	}
	if h.completeSignIn(w, r, in.UserID, in.At) {
		h.sessions.Put(ctx, sessThrough, p.Issuer)
		if strong {
			h.sessions.Put(ctx, sessExternal, p.Issuer)
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	}
}

// passwordRefused answers (403, logged) a right password of a user whose
// organisation signs its users in only through its own provider, and
// reports whether it did.
func (h *Handler) passwordRefused(w http.ResponseWriter, r *http.Request, uid int, email string) bool {
	ctx := r.Context()
	refused, err := idp.PasswordsRefused(ctx, h.pool, uid)
	if err == nil && refused {
		err = db.InGlobal(ctx, h.pool, 0, func(tx pgx.Tx) error {
			return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: uid, Action: "session.signin_failed", Detail: map[string]any{"reason": "passwords_not_allowed"}})
		})
	}
	if err != nil {
		h.serverError(w, r, err)
		return true
	}
	if refused {
		f := views.SignInForm{Email: email, OIDC: h.oidcLabel(), Orgs: h.signInOrgs(r),
			Error: "Din organisation loggar in via sin egen inloggningstjänst, inte med lösenord. Använd Logga in via din organisation nedan."}
		f.Orgs.Email = email
		h.render(w, r, http.StatusForbidden, views.SignIn(h.page(r, "Logga in"), f))
	}
	return refused
}

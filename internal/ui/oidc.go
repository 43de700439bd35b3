package ui

import (
	"crypto/rand"
	"errors"
	"net/http"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// Session keys of an OpenID Connect sign-in under way, and of its result.
const (
	sessOIDCState    = "oidc_state"
	sessOIDCNonce    = "oidc_nonce"
	sessOIDCVerifier = "oidc_verifier"
	sessExternal     = "signed_in_with" // the provider, for a session it vouched for
)

// oidcClient is the OpenID Connect client, found from the issuer at first
// use (the provider need not be up when the server starts).
type oidcClient struct {
	mu       sync.Mutex
	provider *oidc.Provider
}

func (h *Handler) oidcConfig(r *http.Request) (*oauth2.Config, *oidc.Provider, error) {
	c := h.cfg.OIDC
	h.oidc.mu.Lock()
	defer h.oidc.mu.Unlock()
	if h.oidc.provider == nil {
		p, err := oidc.NewProvider(r.Context(), c.Issuer)
		if err != nil {
			return nil, nil, err
		}
		h.oidc.provider = p
	}
	cfg := &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Endpoint: h.oidc.provider.Endpoint(),
		RedirectURL: h.cfg.PublicURL + "/logga-in/oidc/klar", Scopes: []string{oidc.ScopeOpenID, "email"}}
	return cfg, h.oidc.provider, nil
}

// oidcStart sends the user to the identity provider, with a state, a nonce
// and a PKCE verifier kept in the session.
func (h *Handler) oidcStart(w http.ResponseWriter, r *http.Request) {
	if h.cfg.OIDC.Issuer == "" {
		h.notFound(w, r)
		return
	}
	cfg, _, err := h.oidcConfig(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	ctx := r.Context()
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	h.sessions.Put(ctx, sessOIDCState, state)
	h.sessions.Put(ctx, sessOIDCNonce, nonce)
	h.sessions.Put(ctx, sessOIDCVerifier, verifier)
	http.Redirect(w, r, cfg.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusSeeOther)
}

// oidcDone takes the provider's answer: the code is exchanged, the ID token
// checked (signature, issuer, audience, expiry, nonce), and the verified
// e-mail address mapped to an account here. The roles are this service's.
func (h *Handler) oidcDone(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if h.cfg.OIDC.Issuer == "" {
		h.notFound(w, r)
		return
	}
	state := h.sessions.PopString(ctx, sessOIDCState)
	nonce := h.sessions.PopString(ctx, sessOIDCNonce)
	verifier := h.sessions.PopString(ctx, sessOIDCVerifier)
	refuse := func(status int, msg string) {
		h.render(w, r, status, views.SignIn(h.page(r, "Logga in"), views.SignInForm{Error: msg, OIDC: h.cfg.OIDC.Label}))
	}
	if state == "" || r.URL.Query().Get("state") != state || r.URL.Query().Get("code") == "" {
		refuse(http.StatusBadRequest, "Inloggningen via kommunens konto kunde inte slutföras. Börja om från inloggningssidan.")
		return
	}
	cfg, provider, err := h.oidcConfig(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	tok, err := cfg.Exchange(ctx, r.URL.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		refuse(http.StatusBadRequest, "Inloggningen via kommunens konto kunde inte slutföras. Börja om från inloggningssidan.")
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := provider.Verifier(&oidc.Config{ClientID: h.cfg.OIDC.ClientID}).Verify(ctx, raw)
	var claims struct {
		Email    string `json:"email"`
		Verified bool   `json:"email_verified"`
	}
	if err == nil && idt.Nonce != nonce {
		err = errors.New("nonce mismatch")
	}
	if err == nil {
		err = idt.Claims(&claims)
	}
	if err == nil && claims.Email == "" {
		// Many providers give the e-mail at the userinfo endpoint rather
		// than in the ID token; it must be about the same subject.
		var info *oidc.UserInfo
		if info, err = provider.UserInfo(ctx, cfg.TokenSource(ctx, tok)); err == nil {
			if info.Subject != idt.Subject {
				err = errors.New("userinfo is about another subject")
			}
			claims.Email, claims.Verified = info.Email, info.EmailVerified
		}
	}
	if err != nil || claims.Email == "" || !claims.Verified {
		refuse(http.StatusUnauthorized, "Kommunens inloggningstjänst gav ingen bekräftad e-postadress. Kontakta kommunens IT-stöd.")
		return
	}
	in, err := auth.SignInExternal(ctx, h.pool, claims.Email, h.cfg.OIDC.Issuer)
	if errors.Is(err, auth.ErrBadCredentials) {
		refuse(http.StatusForbidden, "Det finns inget aktivt konto i KAA för "+claims.Email+". Be din kommuns administratör om behörighet.")
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if h.completeSignIn(w, r, in.UserID, in.At) {
		h.sessions.Put(ctx, sessExternal, h.cfg.OIDC.Issuer)
		http.Redirect(w, r, "/", http.StatusSeeOther)
	}
}

package ui

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image/png"
	"net/http"
	"strings"
	"time"

	"github.com/pquerna/otp"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// Session keys of the two-factor steps.
const (
	sessPendingUser = "pending_user_id" // password accepted, code not yet given
	sessPendingAt   = "pending_auth_at"
	sessTOTPSecret  = "totp_setup_secret" // the secret being set up, until confirmed
)

// pendingFor is how long the code step waits after the password step.
const pendingFor = 5 * time.Minute

// completeSignIn makes the session the user's: a new token, and the time of
// sign-in for the checks against password changes.
func (h *Handler) completeSignIn(w http.ResponseWriter, r *http.Request, uid int, at time.Time) bool {
	ctx := r.Context()
	// A new token at sign-in: a token planted before sign-in is worthless after it.
	if err := h.sessions.RenewToken(ctx); err != nil {
		h.serverError(w, r, err)
		return false
	}
	h.sessions.Remove(ctx, sessPendingUser)
	h.sessions.Remove(ctx, sessPendingAt)
	h.sessions.Remove(ctx, sessExternal)
	h.sessions.Remove(ctx, sessThrough)
	h.sessions.Put(ctx, sessUserID, uid)
	h.sessions.Put(ctx, sessAuthAt, at.UnixNano())
	h.sessions.Put(ctx, sessSeenAt, time.Now().UnixNano())
	h.sessions.Remove(ctx, sessTenant)
	return true
}

func (h *Handler) codePage(w http.ResponseWriter, r *http.Request) {
	if h.sessions.GetInt(r.Context(), sessPendingUser) == 0 {
		http.Redirect(w, r, "/logga-in", http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, views.TwoFactorCode(h.page(r, "Tvåstegsinloggning"), views.TwoFactorForm{}))
}

// code is the second step of sign-in: a code from the app or a recovery code.
func (h *Handler) code(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !h.readForm(w, r, 4096) {
		return
	}
	uid := h.sessions.GetInt(ctx, sessPendingUser)
	at := time.Unix(0, h.sessions.GetInt64(ctx, sessPendingAt))
	if uid == 0 || time.Since(at) > pendingFor {
		h.sessions.Remove(ctx, sessPendingUser)
		http.Redirect(w, r, "/logga-in", http.StatusSeeOther)
		return
	}
	err := auth.VerifySecondFactor(ctx, h.pool, h.cfg.TOTPKeys, h.throttle, uid, r.PostFormValue("code"), h.clientAddr(r))
	var f views.TwoFactorForm
	switch {
	case errors.Is(err, auth.ErrBadCode):
		f.Errors.Add("code", "Koden stämmer inte. Skriv de sex siffror som appen visar just nu, eller en reservkod som du inte har använt.")
		h.render(w, r, http.StatusUnprocessableEntity, views.TwoFactorCode(h.page(r, "Tvåstegsinloggning"), f))
		return
	case errors.Is(err, auth.ErrThrottled):
		status, msg := throttled(w, err)
		f.Errors.Add("code", msg)
		h.render(w, r, status, views.TwoFactorCode(h.page(r, "Tvåstegsinloggning"), f))
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	if h.completeSignIn(w, r, uid, at) {
		http.Redirect(w, r, "/", http.StatusSeeOther)
	}
}

// twoFactorPage sets up the authenticator app: a new secret, kept in the
// session until a code confirms that the app has it.
func (h *Handler) twoFactorPage(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	if p.TwoFactor {
		h.render(w, r, http.StatusOK, views.TwoFactorDone(h.page(r, "Tvåstegsinloggning"), nil))
		return
	}
	h.renderSetup(w, r, http.StatusOK, views.Errors{})
}

func (h *Handler) renderSetup(w http.ResponseWriter, r *http.Request, status int, errs views.Errors) {
	ctx := r.Context()
	p := principalFrom(ctx)
	secret := h.sessions.GetString(ctx, sessTOTPSecret)
	var key *otp.Key
	var err error
	if secret == "" {
		if key, err = auth.NewTOTPKey(p.Email); err == nil {
			h.sessions.Put(ctx, sessTOTPSecret, key.String())
		}
	} else {
		key, err = otp.NewKeyFromURL(secret)
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	img, err := key.Image(200, 200)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		h.serverError(w, r, err)
		return
	}
	f := views.TwoFactorForm{Errors: errs, Secret: key.Secret(),
		QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())}
	h.render(w, r, status, views.TwoFactorSetup(h.page(r, "Tvåstegsinloggning"), f))
}

func (h *Handler) enableTwoFactor(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !h.readForm(w, r, 4096) {
		return
	}
	key, err := otp.NewKeyFromURL(h.sessions.GetString(ctx, sessTOTPSecret))
	if err != nil {
		http.Redirect(w, r, "/konto/tvastegs", http.StatusSeeOther)
		return
	}
	codes, err := auth.EnableTwoFactor(ctx, h.pool, h.cfg.TOTPKeys, principalFrom(ctx).UserID, key.Secret(), strings.TrimSpace(r.PostFormValue("code")))
	if errors.Is(err, auth.ErrBadCode) {
		var errs views.Errors
		errs.Add("code", "Koden stämmer inte. Kontrollera att appen visar koden för KAA och skriv de sex siffror den visar just nu.")
		h.renderSetup(w, r, http.StatusUnprocessableEntity, errs)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.sessions.Remove(ctx, sessTOTPSecret)
	h.render(w, r, http.StatusOK, views.TwoFactorDone(h.page(r, "Tvåstegsinloggning"), codes))
}

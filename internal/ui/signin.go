package ui

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/sv"
	"github.com/kaa-plattform/kaa/internal/ui/views"

	"github.com/jackc/pgx/v5"
)

// signInFailed is the one message for every wrong sign-in: it does not tell
// whether the account exists or the password was wrong.
const signInFailed = "Inloggningen misslyckades. Kontrollera e-postadress och lösenord. Efter flera misslyckade försök får du vänta en stund innan du kan försöka igen."

// throttled answers an attempt that the sign-in throttle held back: status
// 429, Retry-After in whole seconds, and a Swedish message saying when to try
// again. It says nothing about whether the account exists: the throttle
// counts typed addresses the same whether or not they have an account.
func throttled(w http.ResponseWriter, err error) (status int, msg string) {
	var te *auth.ThrottledError
	wait := time.Second
	if errors.As(err, &te) {
		wait = max(te.Wait, time.Second)
	}
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	when := sv.Count(secs, "sekund", "sekunder")
	if secs > 90 {
		when = sv.Count((secs+59)/60, "minut", "minuter")
	}
	return http.StatusTooManyRequests, "För många misslyckade försök. Vänta " + when + " och försök sedan igen."
}

func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) {
	if principalFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, views.SignIn(h.page(r, "Logga in"), views.SignInForm{OIDC: h.oidcLabel(), Orgs: h.signInOrgs(r)}))
}

func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !h.readForm(w, r, 4096) {
		return
	}
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	in, err := auth.SignIn(ctx, h.pool, h.throttle, email, password, h.clientAddr(r))
	if errors.Is(err, auth.ErrBadCredentials) || errors.Is(err, auth.ErrThrottled) {
		status, msg := http.StatusUnauthorized, signInFailed
		if errors.Is(err, auth.ErrThrottled) {
			status, msg = throttled(w, err)
		}
		h.render(w, r, status, views.SignIn(h.page(r, "Logga in"), views.SignInForm{Email: email, Error: msg, OIDC: h.oidcLabel(), Orgs: h.signInOrgs(r)}))
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if h.passwordRefused(w, r, in.UserID, email) {
		return
	}
	if in.TwoFactor {
		// The password was right; the session is not the user's until the code is.
		h.askForCode(w, r, in)
		return
	}
	if h.completeSignIn(w, r, in.UserID, in.At) {
		http.Redirect(w, r, "/", http.StatusSeeOther)
	}
}

func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	err := db.InGlobal(ctx, h.pool, 0, func(tx pgx.Tx) error {
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: p.UserID, Action: "session.signout"})
	})
	if err == nil {
		err = h.sessions.Destroy(ctx)
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/logga-in", http.StatusSeeOther)
}

// start sends a user with one place to work straight there, and shows the
// others a choice.
func (h *Handler) start(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	places := len(p.Orgs) + len(p.Projects)
	if p.SystemAdmin {
		places++
	}
	if places == 1 {
		switch {
		case len(p.Orgs) == 1:
			http.Redirect(w, r, "/k/"+p.Orgs[0].Key+"/", http.StatusSeeOther)
		case len(p.Projects) == 1:
			http.Redirect(w, r, "/p/"+p.Projects[0].Key+"/", http.StatusSeeOther)
		default:
			http.Redirect(w, r, "/admin/", http.StatusSeeOther)
		}
		return
	}
	h.render(w, r, http.StatusOK, views.Start(h.page(r, "Start"),
		views.StartView{Orgs: p.Orgs, Projects: p.Projects, SystemAdmin: p.SystemAdmin}))
}

func (h *Handler) passwordPage(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	h.render(w, r, http.StatusOK, views.ChangePassword(h.page(r, "Byt lösenord"), views.PasswordForm{Must: p.MustChangePassword}))
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	if !h.readForm(w, r, 4096) {
		return
	}
	current, next, confirm := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm")
	var errs views.Errors
	if current == "" {
		errs.Add("current", "Skriv ditt nuvarande lösenord.")
	}
	if msg := auth.PasswordProblem(next); msg != "" {
		errs.Add("new", msg)
	} else if next == current {
		errs.Add("new", "Det nya lösenordet måste skilja sig från det nuvarande.")
	}
	if confirm != next {
		errs.Add("confirm", "Lösenorden är inte lika. Skriv det nya lösenordet två gånger.")
	}
	var changedAt time.Time
	status := http.StatusUnprocessableEntity
	if !errs.Any() {
		var err error
		changedAt, err = auth.ChangePassword(ctx, h.pool, h.throttle, p.UserID, current, next, h.clientAddr(r))
		switch {
		case errors.Is(err, auth.ErrWrongPassword):
			errs.Add("current", "Det nuvarande lösenordet stämmer inte.")
		case errors.Is(err, auth.ErrThrottled):
			var msg string
			status, msg = throttled(w, err)
			errs.Add("current", msg)
		case err != nil:
			h.serverError(w, r, err)
			return
		}
	}
	if errs.Any() {
		h.render(w, r, status, views.ChangePassword(h.page(r, "Byt lösenord"),
			views.PasswordForm{Must: p.MustChangePassword, Errors: errs}))
		return
	}
	// Every other session of the user ended with the change; this one goes on
	// with a new token.
	if err := h.sessions.RenewToken(ctx); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.sessions.Put(ctx, sessAuthAt, changedAt.Add(time.Microsecond).UnixNano())
	h.flash(r, "Ditt lösenord är bytt. Du har loggats ut på alla andra enheter.")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (h *Handler) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (h *Handler) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := h.pool.Ping(r.Context()); err != nil {
		h.log.Warn("not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unreachable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}

// oidcLabel is the text of the identity provider's button, "" without one.
func (h *Handler) oidcLabel() string {
	if h.cfg.OIDC.Issuer == "" {
		return ""
	}
	return h.cfg.OIDC.Label
}

// askForCode leaves the signed-in user half-way: the password or the
// provider was right, but the session is not the user's until the
// product's own code is (/logga-in/kod).
func (h *Handler) askForCode(w http.ResponseWriter, r *http.Request, in auth.SignedIn) {
	ctx := r.Context()
	if err := h.sessions.RenewToken(ctx); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.sessions.Put(ctx, sessPendingUser, in.UserID)
	h.sessions.Put(ctx, sessPendingAt, in.At.UnixNano())
	http.Redirect(w, r, "/logga-in/kod", http.StatusSeeOther)
}

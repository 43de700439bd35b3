package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/mail"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// Password reset by e-mail link and an administrator's reset of a second
// factor (docs/design/reset.md).

func (h *Handler) mailConfigured() bool { return h.cfg.Mail.SMTPURL != "" }

// sendMail sends m after the request, from memory: a reset link's token
// is kept nowhere else, so it cannot wait in an outbox, and the answer to
// the visitor must not wait for the SMTP server (nor take longer for an
// address that has an account). A message lost to a failing server is
// logged; the user asks for a new link.
func (h *Handler) sendMail(m mail.Message) {
	if !h.mailConfigured() {
		return
	}
	s, err := mail.New(h.cfg.Mail.SMTPURL, h.cfg.Mail.From)
	if err != nil {
		h.log.Error("mail not sent", "subject", m.Subject, "err", err)
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.Send(ctx, m); err != nil {
			h.log.Error("mail not sent", "subject", m.Subject, "err", err)
		}
	}()
}

func (h *Handler) forgotPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.ForgotPassword(h.page(r, "Glömt lösenordet"), views.ForgotForm{Configured: h.mailConfigured()}))
}

// forgot answers the same whether or not the address has an account.
func (h *Handler) forgot(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 4096) {
		return
	}
	f := views.ForgotForm{Configured: h.mailConfigured()}
	if !f.Configured {
		h.render(w, r, http.StatusOK, views.ForgotPassword(h.page(r, "Glömt lösenordet"), f))
		return
	}
	email, ok := auth.NormalizeEmail(r.PostFormValue("email"))
	f.Email = email
	switch {
	case email == "":
		f.Errors.Add("email", "Skriv e-postadressen som du loggar in med.")
	case !ok:
		f.Errors.Add("email", "Skriv e-postadressen i formen namn@exempel.se.")
	}
	if f.Errors.Any() {
		h.render(w, r, http.StatusUnprocessableEntity, views.ForgotPassword(h.page(r, "Glömt lösenordet"), f))
		return
	}
	link, err := auth.RequestReset(r.Context(), h.pool, auth.ResetThrottle, email, h.clientAddr(r))
	if errors.Is(err, auth.ErrThrottled) {
		status, _ := throttled(w, err)
		f.Errors.Add("email", "För många länkar har begärts för den här adressen eller härifrån. Vänta en stund och försök sedan igen.")
		h.render(w, r, status, views.ForgotPassword(h.page(r, "Glömt lösenordet"), f))
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if link.Token != "" {
		h.sendMail(resetMessage(link.Email, h.cfg.PublicURL+"/glomt-losenord/"+link.Token))
	}
	f.Sent = true
	h.render(w, r, http.StatusOK, views.ForgotPassword(h.page(r, "Glömt lösenordet"), f))
}

// ResetSubject is the subject of the message with a reset link.
const ResetSubject = "Välj ett nytt lösenord i KAA-registret"

func resetMessage(to, link string) mail.Message {
	return mail.Message{To: to, Subject: ResetSubject, Body: fmt.Sprintf(`Hej!

Någon, förhoppningsvis du, har bett om att få välja ett nytt lösenord till ditt konto i KAA-registret. Öppna länken för att välja det:

%s

Länken gäller i %d minuter och kan användas en gång. Du behöver fortfarande koden från appen för tvåstegsinloggning när du loggar in.

Bad du inte om det? Då kan du bortse från brevet: ditt lösenord är oförändrat.
`, link, int(auth.ResetLinkFor.Minutes()))}
}

// resetRefused says in Swedish why a reset link cannot be used, with the status.
func resetRefused(err error) (int, string) {
	switch {
	case errors.Is(err, auth.ErrResetUsed):
		return http.StatusGone, "Länken har redan använts. Varje länk fungerar en gång. Be om en ny länk om du behöver välja ett nytt lösenord igen."
	case errors.Is(err, auth.ErrResetExpired):
		return http.StatusGone, fmt.Sprintf("Länken gäller inte längre: den gällde i %d minuter. Ingenting är ändrat. Be om en ny länk.", int(auth.ResetLinkFor.Minutes()))
	default:
		return http.StatusNotFound, "Länken gäller inte. Kontrollera att du fick med hela länken från e-postmeddelandet, eller be om en ny."
	}
}

func isResetRefusal(err error) bool {
	return errors.Is(err, auth.ErrResetUnknown) || errors.Is(err, auth.ErrResetUsed) || errors.Is(err, auth.ErrResetExpired)
}

func (h *Handler) newPasswordPage(w http.ResponseWriter, r *http.Request) {
	f := views.NewPasswordForm{Action: r.URL.Path}
	status := http.StatusOK
	err := auth.CheckReset(r.Context(), h.pool, chi.URLParam(r, "token"))
	if isResetRefusal(err) {
		status, f.Refused = resetRefused(err)
	} else if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, status, views.NewPassword(h.page(r, "Välj ett nytt lösenord"), f))
}

func (h *Handler) newPassword(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 4096) {
		return
	}
	f := views.NewPasswordForm{Action: r.URL.Path}
	next := r.PostFormValue("new")
	if msg := auth.PasswordProblem(next); msg != "" {
		f.Errors.Add("new", msg)
	} else if r.PostFormValue("confirm") != next {
		f.Errors.Add("confirm", "Lösenorden är inte lika. Skriv samma nya lösenord två gånger.")
	}
	if f.Errors.Any() {
		h.render(w, r, http.StatusUnprocessableEntity, views.NewPassword(h.page(r, "Välj ett nytt lösenord"), f))
		return
	}
	email, err := auth.ResetPassword(r.Context(), h.pool, chi.URLParam(r, "token"), next)
	if isResetRefusal(err) {
		var status int
		status, f.Refused = resetRefused(err)
		h.render(w, r, status, views.NewPassword(h.page(r, "Välj ett nytt lösenord"), f))
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.sendMail(mail.Message{To: email, Subject: "Ditt lösenord i KAA-registret är bytt", Body: `Hej!

Lösenordet till ditt konto i KAA-registret har just bytts med en länk från e-post, och alla dina inloggningar har avslutats.

Var det inte du? Kontakta din kommuns administratör genast.
`})
	// No flash: the visitor is not signed in.
	f.Done = true
	h.render(w, r, http.StatusOK, views.NewPassword(h.page(r, "Lösenordet är bytt"), f))
}

// userResetTwoFactor removes a user's authenticator app, after asking once.
func (h *Handler) userResetTwoFactor(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 4096) {
		return
	}
	id, err := strconv.Atoi(chi.URLParam(r, "user"))
	if err != nil {
		h.notFound(w, r)
		return
	}
	var email string
	err = h.inTenant(r, func(tx db.Tx) (err error) {
		if email, err = auth.ResetTwoFactor(r.Context(), tx, id); err != nil {
			return err
		}
		return unlessConfirmed(r)
	})
	if errors.Is(err, auth.ErrRolesElsewhere) {
		h.renderError(w, r, http.StatusForbidden, "Tvåstegsinloggningen kan inte återställas här",
			"Kontot har behörighet även i en annan organisation eller i ett projekt. Be systemadministratören återställa den.")
		return
	}
	if errors.Is(err, auth.ErrOwnTwoFactor) {
		h.renderError(w, r, http.StatusForbidden, "Du kan inte återställa din egen tvåstegsinloggning",
			"En annan administratör i organisationen kan återställa den åt dig. Har du kvar appen kan du i stället använda en reservkod.")
		return
	}
	if h.asked(w, r, err, func() (c views.Confirm, err error) {
		var u auth.TenantUser
		err = h.inTenant(r, func(tx db.Tx) (err error) { u, err = tenantUser(r, tx); return err })
		return views.Confirm{
			Question:    fmt.Sprintf("Återställa tvåstegsinloggningen för %s?", u.Name),
			Consequence: fmt.Sprintf("%s loggas ut, appen och reservkoderna slutar gälla, och en ny app ställs in vid nästa inloggning. Personen får ett e-postmeddelande om det.", u.Name),
			Yes:         "Ja, återställ",
			Back:        fmt.Sprintf("/k/%s/anvandare/%d", orgFrom(r.Context()).Key, id),
		}, err
	}) {
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.sendMail(mail.Message{To: email, Subject: "Din tvåstegsinloggning i KAA-registret är återställd", Body: fmt.Sprintf(`Hej!

En administratör i %s har återställt din tvåstegsinloggning i KAA-registret. Din gamla app och dina reservkoder gäller inte längre, och du har loggats ut.

Nästa gång du loggar in ställer du in appen på nytt.

Bad du inte om det? Kontakta din kommuns administratör.
`, orgFrom(r.Context()).Name)})
	h.flash(r, "Tvåstegsinloggningen är återställd. Personen är utloggad och ställer in appen på nytt vid nästa inloggning.")
	http.Redirect(w, r, fmt.Sprintf("/k/%s/anvandare/%d", orgFrom(r.Context()).Key, id), http.StatusSeeOther)
}

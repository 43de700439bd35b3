package ui

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/sms"
	"github.com/kaa-plattform/kaa/internal/sv"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// newSMSSender is the configured gateway, or nil when SMS is not set up.
func newSMSSender(pool db.Pool, cfg config.Config) *sms.Sender {
	c := cfg.SMS
	if !c.Configured() {
		return nil
	}
	return &sms.Sender{Pool: pool, ReportURL: cfg.PublicURL + "/sms/46elks/" + c.Token + "/leverans",
		Provider: &sms.Elks{URL: c.URL, Username: c.Username, Password: c.Password, From: c.From, Client: &http.Client{Timeout: c.Timeout}}}
}

// loadSMSCard fills the SMS part of participant p's page.
func (h *Handler) loadSMSCard(r *http.Request, tx db.Tx, p participant.Participant, card *views.SMSCard) (err error) {
	card.Configured, card.Mobile, card.OptedOut = h.sms != nil, p.Mobile != "", p.NoSMS
	if h.sms != nil {
		card.Max = h.sms.Provider.MaxLength()
	}
	if card.Lines, err = sms.ForParticipant(r.Context(), tx, p.ID); err != nil {
		return err
	}
	card.Unmatched, err = sms.UnmatchedCount(r.Context(), tx)
	return err
}

// smsTextError is the Swedish message for a text that cannot be sent, or "".
func smsTextError(err error) string {
	var long *sms.TooLongError
	switch {
	case errors.As(err, &long):
		return fmt.Sprintf("Texten är %s tecken; högst %s. Korta den.", sv.Num(long.Length), sv.Num(long.Max))
	case errors.Is(err, sms.ErrEmpty):
		return "Skriv texten som ska skickas."
	case errors.Is(err, sms.ErrOptedOut):
		return "Personen vill inte ha sms. Inget skickades."
	case errors.Is(err, sms.ErrNoMobile):
		return "Personen har inget mobilnummer. Inget skickades."
	}
	return ""
}

func (h *Handler) smsSend(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, 16<<10) {
		return
	}
	text := r.PostForm.Get("text")
	card := views.SMSCard{Text: text}
	if h.sms == nil {
		h.renderParticipant(w, r, http.StatusUnprocessableEntity, views.Forms{SMS: card})
		return
	}
	o, u := orgFrom(r.Context()), principalFrom(r.Context())
	sent, err := h.sms.Send(r.Context(), o.ID, u.UserID, id, text)
	if msg := smsTextError(err); msg != "" {
		card.Errors.Add("text", msg)
		h.renderParticipant(w, r, http.StatusUnprocessableEntity, views.Forms{SMS: card})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if sent.Status == "sent" {
		h.flash(r, "Sms:et är skickat och loggat som kontakt.")
	} else {
		h.flash(r, "Sms:et kunde inte skickas: sms-tjänsten svarade inte eller sa nej. Kontakten är loggad som ej skickad; försök igen senare.")
	}
	http.Redirect(w, r, fmt.Sprintf("%s/%d#sms", h.participantBase(r), id), http.StatusSeeOther)
}

// smsBulk sends one SMS to the people whose ids the list's form posts;
// those without a mobile or who do not want SMS are skipped and listed.
func (h *Handler) smsBulk(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 64<<10) {
		return
	}
	v := views.SMSBulkView{Back: h.participantBase(r), Text: r.PostForm.Get("text")}
	// The list's form for the marked people (markedIDs: the marked, or the
	// whole page); a malformed id is 0, which no one has.
	v.IDs = markedIDs(r.PostForm)
	if slices.Contains(v.IDs, 0) {
		h.fail(w, r, fmt.Errorf("sms: a malformed id: %w", db.ErrNotFound))
		return
	}
	page := h.page(r, "Sms till flera")
	if h.sms == nil {
		v.Refused = "Sms är inte inställt. Inget skickades."
		h.render(w, r, http.StatusUnprocessableEntity, views.SMSBulk(page, v))
		return
	}
	o, u := orgFrom(r.Context()), principalFrom(r.Context())
	res, err := h.sms.SendMany(r.Context(), o.ID, u.UserID, v.IDs, v.Text)
	v.Result = res
	switch msg := smsTextError(err); {
	case errors.Is(err, sms.ErrNoneGiven):
		v.Refused = "Ingen är markerad. Markera de personer som ska få sms:et i listan."
	case msg != "":
		v.Refused = msg + " Inget skickades."
	case err != nil:
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if v.Refused != "" {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, status, views.SMSBulk(page, v))
}

// smsUnmatched lists the municipality's replies that fit nobody; reading it is audited.
func (h *Handler) smsUnmatched(w http.ResponseWriter, r *http.Request) {
	var v views.SMSUnmatchedView
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		if v.Items, err = sms.UnmatchedList(r.Context(), tx); err != nil {
			return err
		}
		return audit.Record(r.Context(), tx, audit.Event{Action: "sms.read_unmatched", RecordType: "sms", Detail: map[string]any{"count": len(v.Items)}})
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.SMSUnmatched(h.page(r, "Okopplade sms"), v))
}

// smsCallbackOK reports whether the callback carries this installation's
// token. Anything else is "not found": a guess learns nothing.
func (h *Handler) smsCallbackOK(w http.ResponseWriter, r *http.Request) bool {
	if h.sms == nil || subtle.ConstantTimeCompare([]byte(chi.URLParam(r, "token")), []byte(h.cfg.SMS.Token)) != 1 {
		http.NotFound(w, r)
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	return true
}

// smsReport takes the gateway's delivery report.
func (h *Handler) smsReport(w http.ResponseWriter, r *http.Request) {
	if !h.smsCallbackOK(w, r) {
		return
	}
	rep, err := h.sms.Provider.ParseReport(r)
	if err != nil {
		callbackRefused(w, err)
		return
	}
	if err := sms.RecordReport(r.Context(), h.pool, rep); err != nil {
		// The gateway tries again later.
		h.log.Error("sms report", "err", err, "request_id", infoFrom(r.Context()).ID)
		http.Error(w, "", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// smsIncoming takes an SMS the gateway forwards from our number.
func (h *Handler) smsIncoming(w http.ResponseWriter, r *http.Request) {
	if !h.smsCallbackOK(w, r) {
		return
	}
	in, err := h.sms.Provider.ParseIncoming(r)
	if err != nil {
		callbackRefused(w, err)
		return
	}
	if in.Created.IsZero() {
		in.Created = time.Now()
	}
	if err := sms.RecordIncoming(r.Context(), h.pool, in); err != nil {
		h.log.Error("sms incoming", "err", err, "request_id", infoFrom(r.Context()).ID)
		http.Error(w, "", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// callbackRefused answers a callback body that is not what the gateway sends.
func callbackRefused(w http.ResponseWriter, err error) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		http.Error(w, "", http.StatusRequestEntityTooLarge)
		return
	}
	http.Error(w, "", http.StatusBadRequest)
}

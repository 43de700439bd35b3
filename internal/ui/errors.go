package ui

import (
	"errors"
	"net/http"

	"github.com/a-h/templ"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// render writes component with status.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := c.Render(r.Context(), w); err != nil {
		h.log.Error("render", "err", err, "request_id", infoFrom(r.Context()).ID)
	}
}

func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, status int, heading, text string) {
	h.render(w, r, status, views.ErrorPage(h.page(r, heading), heading, text))
}

// notFound is also the answer for another municipality's records: it never
// confirms that they exist.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.renderError(w, r, http.StatusNotFound, "Sidan finns inte",
		"Sidan eller uppgiften du söker finns inte, eller så har du inte behörighet till den. Kontrollera adressen.")
}

func (h *Handler) forbidden(w http.ResponseWriter, r *http.Request) {
	h.renderError(w, r, http.StatusForbidden, "Du saknar behörighet",
		"Din roll ger inte tillgång till den här sidan. Kontakta din kommuns administratör om du behöver den.")
}

// serverError logs err with the request id and shows a generic page.
func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	id := infoFrom(r.Context()).ID
	if h.tooSlow(w, r, err) {
		return
	}
	if db.Unavailable(err) {
		// The database is down or restarting: nothing was saved, and it is
		// worth trying again in a moment rather than calling support.
		h.log.Warn("database unavailable", "err", err, "request_id", id, "method", r.Method, "path", r.URL.Path)
		w.Header().Set("Retry-After", "10")
		h.renderError(w, r, http.StatusServiceUnavailable, "Tjänsten är tillfälligt otillgänglig",
			"Databasen svarar inte just nu, och ingenting har sparats. Vänta en liten stund och försök igen.")
		return
	}
	h.log.Error("internal error", "err", err, "request_id", id, "method", r.Method, "path", r.URL.Path)
	h.renderError(w, r, http.StatusInternalServerError, "Något gick fel",
		"Ett fel uppstod och ingenting har sparats. Försök igen om en stund. Kontakta supporten och uppge felkod "+id+" om felet kvarstår.")
}

// fail answers with the status that err's kind calls for.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, db.ErrNotFound):
		h.notFound(w, r)
	case errors.Is(err, db.ErrConflict):
		h.renderError(w, r, http.StatusConflict, "Uppgiften finns redan", "Det du försökte spara krockar med något som redan finns.")
	default:
		h.serverError(w, r, err)
	}
}

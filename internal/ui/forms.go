package ui

import (
	"errors"
	"net/http"
)

// readForm reads the posted form, of at most limit bytes, into r.PostForm.
// A body that cannot be read (larger than the form allows, or not a form's
// encoding) is answered here, before anything is read or written, and
// readForm returns false: the handler then returns.
func (h *Handler) readForm(w http.ResponseWriter, r *http.Request, limit int64) bool {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		h.badForm(w, r, err)
		return false
	}
	return true
}

// badForm answers a form body that could not be read: 413 when it was too
// large, 400 otherwise. Nothing has been saved, and the page says so.
func (h *Handler) badForm(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Info("unreadable form", "err", err, "request_id", infoFrom(r.Context()).ID, "path", r.URL.Path)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		h.renderError(w, r, http.StatusRequestEntityTooLarge, "Formuläret är för stort",
			"Det du skickade är större än formuläret tar emot, och ingenting har sparats. Korta texterna och försök igen.")
		return
	}
	h.renderError(w, r, http.StatusBadRequest, "Formuläret kunde inte läsas",
		"Det du skickade gick inte att läsa som ett formulär, och ingenting har sparats. Ladda om sidan och försök igen.")
}

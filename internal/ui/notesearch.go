package ui

import (
	"errors"
	"net/http"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// noteSearchPage is the empty search in notes.
func (h *Handler) noteSearchPage(w http.ResponseWriter, r *http.Request) {
	v := views.NoteSearchView{Base: "/k/" + orgFrom(r.Context()).Key}
	h.render(w, r, http.StatusOK, views.NoteSearch(h.page(r, "Sök i anteckningar"), v))
}

// noteSearch searches the municipality's notes and plan texts. The words
// travel in the POST body: they may name a person or tell something about
// one, so they stay out of URLs and logs.
func (h *Handler) noteSearch(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 4096) {
		return
	}
	ctx := r.Context()
	v := views.NoteSearchView{Base: "/k/" + orgFrom(ctx).Key, Query: r.PostForm.Get("q"), Searched: true}
	page := h.page(r, "Sök i anteckningar")
	q, err := participant.CheckNoteQuery(v.Query)
	if err == nil {
		err = h.inTenant(r, func(tx db.Tx) (err error) {
			v.Result, err = participant.SearchNotes(ctx, tx, q)
			return err
		})
	}
	switch {
	case errors.Is(err, participant.ErrNoteQueryEmpty), errors.Is(err, participant.ErrNoteQueryTooLong), errors.Is(err, participant.ErrNoteQueryNoWords):
		v.Errors.Add("q", err.Error())
		h.render(w, r, http.StatusUnprocessableEntity, views.NoteSearch(page, v))
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	page.Announce = views.NoteResultText(v.Result) + "."
	h.render(w, r, http.StatusOK, views.NoteSearch(page, v))
}

package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/personnummer"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

func (h *Handler) unidentifiedBase(r *http.Request) string {
	return h.importBase(r) + "/saknar-personnummer"
}

// unidentifiedPage lists the queue "Saknar giltigt personnummer".
func (h *Handler) unidentifiedPage(w http.ResponseWriter, r *http.Request) {
	h.renderUnidentified(w, r, http.StatusOK, nil, nil)
}

func (h *Handler) renderUnidentified(w http.ResponseWriter, r *http.Request, status int, values map[string]string, errs views.Errors) {
	v := views.UnidentifiedView{Base: h.unidentifiedBase(r), Import: h.importBase(r), Values: values, Errors: errs}
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		v.Rows, err = participant.Unidentified(r.Context(), tx)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, views.UnidentifiedPage(h.page(r, "Saknar giltigt personnummer"), v))
}

// unidentifiedResolve registers a queued row with the personnummer typed
// in, or finds the person already registered, and removes the row.
func (h *Handler) unidentifiedResolve(w http.ResponseWriter, r *http.Request) {
	uid, ok := h.postedID(w, r, "uid", 4096)
	if !ok {
		return
	}
	field := fmt.Sprintf("pnr_%d", uid)
	pnr := strings.TrimSpace(r.PostForm.Get(field))
	if pnr == "" {
		var errs views.Errors
		errs.Add(field, "Skriv personnumret eller samordningsnumret.")
		h.renderUnidentified(w, r, http.StatusUnprocessableEntity, map[string]string{field: pnr}, errs)
		return
	}
	var id int64
	var created bool
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		id, created, err = participant.ResolveUnidentified(r.Context(), tx, uid, pnr, today())
		return err
	})
	for _, pe := range []error{personnummer.ErrFormat, personnummer.ErrDate, personnummer.ErrCheckDigit, personnummer.ErrFuture, personnummer.ErrSerial} {
		if errors.Is(err, pe) {
			var errs views.Errors
			errs.Add(field, personnummer.Message(err))
			h.renderUnidentified(w, r, http.StatusUnprocessableEntity, map[string]string{field: pnr}, errs)
			return
		}
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if created {
		h.flash(r, "Personen är registrerad och borttagen ur kön.")
	} else {
		h.flash(r, "Personen fanns redan i registret. Raden är borttagen ur kön; inget i personens uppgifter har ändrats.")
	}
	http.Redirect(w, r, fmt.Sprintf("%s/%d", h.participantBase(r), id), http.StatusSeeOther)
}

// unidentifiedDismiss removes a queued row after the question.
func (h *Handler) unidentifiedDismiss(w http.ResponseWriter, r *http.Request) {
	uid, ok := h.postedID(w, r, "uid", 4096)
	if !ok {
		return
	}
	err := h.inTenant(r, func(tx db.Tx) error {
		if err := participant.DismissUnidentified(r.Context(), tx, uid); err != nil {
			return err
		}
		return unlessConfirmed(r)
	})
	if h.asked(w, r, err, func() (views.Confirm, error) {
		return views.Confirm{
			Question:    "Ta bort raden ur kön?",
			Consequence: "Ingen registreras och raden med reservnumret tas bort. Kommer personen på en senare lista hamnar den i kön igen.",
			Yes:         "Ja, ta bort raden",
			Back:        h.unidentifiedBase(r),
		}, nil
	}) {
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Raden är borttagen ur kön.")
	http.Redirect(w, r, h.unidentifiedBase(r), http.StatusSeeOther)
}

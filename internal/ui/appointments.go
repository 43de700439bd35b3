package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// parseAppointmentForm reads and checks a booking: what, a date and a time
// (Swedish time), a short note, and whether it was already held.
func parseAppointmentForm(r *http.Request) (participant.Appointment, bool, views.ContactForm) {
	f := views.ContactForm{Values: map[string]string{}}
	for _, k := range []string{"kind", "due_on", "due_time", "note", "held", "responsible"} {
		f.Values[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	v := f.Values
	a := participant.Appointment{Kind: v["kind"], Note: v["note"]}
	if !codes.AppointmentKind.Has(a.Kind) {
		f.Errors.Add("kind", "Välj vad som ska göras.")
	}
	day, err := time.Parse("2006-01-02", v["due_on"])
	if err != nil {
		f.Errors.Add("due_on", "Skriv datumet som ÅÅÅÅ-MM-DD.")
	}
	clock, err := time.Parse("15:04", v["due_time"])
	if err != nil {
		f.Errors.Add("due_time", "Skriv klockslaget som TT:MM, till exempel 10:00.")
	}
	if !f.Errors.Any() || (f.Errors.For("due_on") == "" && f.Errors.For("due_time") == "") {
		loc := participant.Local(time.Now()).Location()
		a.DueAt = time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc)
	}
	if v["responsible"] != "" {
		// Empty: the one who books. A number that is no coordinator here is
		// refused by the domain.
		if n, err := strconv.Atoi(v["responsible"]); err == nil && n > 0 {
			a.Responsible = n
		} else {
			f.Errors.Add("responsible", "Välj en samordnare i listan.")
		}
	}
	if len([]rune(a.Note)) > participant.AppointmentNoteMax {
		f.Errors.Add("note", "Högst 200 tecken. Skriv kort, till exempel platsen.")
	}
	return a, v["held"] == "yes", f
}

func (h *Handler) appointmentCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, 16<<10) {
		return
	}
	a, held, f := parseAppointmentForm(r)
	if !f.Errors.Any() {
		err = h.inTenant(r, func(tx db.Tx) error {
			_, err := participant.BookAppointment(ctx, tx, id, a, held, time.Now())
			return err
		})
		if errors.Is(err, participant.ErrNotCoordinator) {
			f.Errors.Add("responsible", "Välj en samordnare i listan.")
		} else if errors.Is(err, participant.ErrAppointmentPast) {
			f.Errors.Add("due_on", "Tiden har redan varit. Välj en tid framåt, eller kryssa i ”Redan genomfört” om mötet redan har hållits.")
		} else if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if f.Errors.Any() {
		h.renderParticipant(w, r, http.StatusUnprocessableEntity, views.Forms{Appointment: f})
		return
	}
	if held {
		h.flash(r, "Mötet är registrerat som genomfört.")
	} else {
		h.flash(r, "Bokningen är sparad och syns i Att göra.")
	}
	http.Redirect(w, r, fmt.Sprintf("%s/%d#bokat", h.participantBase(r), id), http.StatusSeeOther)
}

func (h *Handler) appointmentDone(w http.ResponseWriter, r *http.Request) {
	h.closeAppointment(w, r, participant.AppointmentDone, "Markerat som genomfört.")
}

func (h *Handler) appointmentCancel(w http.ResponseWriter, r *http.Request) {
	h.closeAppointment(w, r, participant.AppointmentCancelled, "Bokningen är inställd.")
}

func (h *Handler) closeAppointment(w http.ResponseWriter, r *http.Request, outcome, done string) {
	ctx := r.Context()
	// The form first: an unreadable body is answered as such, whatever the path.
	if !h.readForm(w, r, 1<<10) {
		return
	}
	id, err1 := pathID(r, "id")
	aid, err2 := pathID(r, "aid")
	if err := errors.Join(err1, err2); err != nil {
		h.fail(w, r, err)
		return
	}
	err := h.inTenant(r, func(tx db.Tx) error {
		return participant.CloseAppointment(ctx, tx, id, aid, outcome, time.Now())
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, done)
	http.Redirect(w, r, fmt.Sprintf("%s/%d#bokat", h.participantBase(r), id), http.StatusSeeOther)
}

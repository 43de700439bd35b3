package ui

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

func (h *Handler) enrolmentCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, 8<<10) {
		return
	}
	f := views.ContactForm{Values: map[string]string{
		"enrol": r.PostForm.Get("enrol"), "starts_on": strings.TrimSpace(r.PostForm.Get("starts_on")), "registration_reason": r.PostForm.Get("registration_reason"),
		"labour_market": r.PostForm.Get("labour_market"), "education": r.PostForm.Get("education"),
	}}
	now := today()
	e := participant.Enrolment{Kind: "kaa", RegistrationReason: f.Values["registration_reason"]}
	switch f.Values["enrol"] {
	case "kaa":
	case "":
		f.Errors.Add("enrol", "Välj KAA-registret eller ett delprojekt.")
	default:
		e.Kind = "project"
		sub := atoiOr0(f.Values["enrol"])
		e.SubprojectID = &sub
		e.RegistrationReason = ""
		// ESF+ counts every project participant by these at entry.
		e.LabourMarket, e.Education = esfEntry(f.Values, &f.Errors)
	}
	switch {
	case e.Kind != "kaa":
	case e.RegistrationReason == "":
		f.Errors.Add("registration_reason", "Välj orsak till registrering. Vet du inte, välj ”Uppgift saknas”.")
	case !slices.Contains(participant.RegistrationReasons, e.RegistrationReason):
		f.Errors.Add("registration_reason", "Välj ett av alternativen.")
	}
	if d, msg := parseDate(f.Values["starts_on"], now, true); msg != "" {
		f.Errors.Add("starts_on", msg)
	} else {
		e.StartsOn = d
	}
	if !f.Errors.Any() {
		err := h.inTenant(r, func(tx db.Tx) error {
			p, err := participant.Get(ctx, tx, id)
			if err != nil {
				return err
			}
			if msg := participant.EnrolAgeProblem(e.Kind, p.BirthDate, e.StartsOn); msg != "" {
				f.Errors.Add("enrol", msg)
				return nil
			}
			_, err = participant.Enrol(ctx, tx, id, e)
			return err
		})
		switch {
		case errors.Is(err, participant.ErrOpenKAA):
			f.Errors.Add("enrol", "Personen är redan registrerad i KAA-registret. Avregistrera först, eller häv en avregistrering som blev fel.")
		case errors.Is(err, db.ErrNotFound) && e.Kind == "project":
			f.Errors.Add("enrol", "Välj ett av kommunens delprojekt.")
		case err != nil:
			h.fail(w, r, err)
			return
		}
	}
	if f.Errors.Any() {
		h.renderParticipant(w, r, http.StatusUnprocessableEntity, views.Forms{EnrolForm: f})
		return
	}
	if e.Kind == "kaa" {
		h.flash(r, "Registreringen är sparad.")
	} else {
		h.flash(r, "Deltagandet i projektet är sparat.")
	}
	http.Redirect(w, r, fmt.Sprintf("%s/%d", h.participantBase(r), id), http.StatusSeeOther)
}

// enrolmentReason corrects the reason for registration of a KAA enrolment
// (the SCB page's checks sent coordinators here).
func (h *Handler) enrolmentReason(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err1 := pathID(r, "id")
	eid, err2 := pathID(r, "eid")
	if err := errors.Join(err1, err2); err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, 4096) {
		return
	}
	field := fmt.Sprintf("registration_reason_%d", eid)
	reason := r.PostFormValue(field)
	if !slices.Contains(participant.RegistrationReasons, reason) {
		f := views.ContactForm{Values: map[string]string{field: reason}}
		f.Errors.Add(field, "Välj orsak till registrering i listan.")
		h.renderParticipant(w, r, http.StatusUnprocessableEntity, views.Forms{End: f, EndID: eid})
		return
	}
	if err := h.inTenant(r, func(tx db.Tx) error { return participant.SetRegistrationReason(ctx, tx, id, eid, reason) }); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Orsaken till registrering är sparad.")
	http.Redirect(w, r, fmt.Sprintf("%s/%d", h.participantBase(r), id), http.StatusSeeOther)
}

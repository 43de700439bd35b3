package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/sv"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// endForm reads the end of enrolment eid from the form: the fields carry
// the enrolment's id, as every enrolment on the page has its own form.
func endForm(r *http.Request, eid int64) (participant.End, views.ContactForm) {
	f := views.ContactForm{Values: map[string]string{}}
	for _, k := range []string{"ends_on", "end_reason", "end_note", "moved_to", "correction_reason", "correction"} {
		name := fmt.Sprintf("%s_%d", k, eid)
		f.Values[name] = strings.TrimSpace(r.PostForm.Get(name))
	}
	v := func(k string) string { return f.Values[fmt.Sprintf("%s_%d", k, eid)] }
	e := participant.End{Reason: v("end_reason"), Note: v("end_note"), MovedTo: v("moved_to")}
	on, msg := parseDate(v("ends_on"), today(), true)
	if msg != "" {
		f.Errors.Add(fmt.Sprintf("ends_on_%d", eid), "Slutdatum: "+msg)
	}
	e.On = on
	return e, f
}

// endRequest reads the ids and the end form of a request to end or
// correct an enrolment; false when it has already answered.
func (h *Handler) endRequest(w http.ResponseWriter, r *http.Request) (id, eid int64, end participant.End, f views.ContactForm, ok bool) {
	id, err1 := pathID(r, "id")
	eid, err2 := pathID(r, "eid")
	if err := errors.Join(err1, err2); err != nil {
		h.fail(w, r, err)
		return 0, 0, end, f, false
	}
	if !h.readForm(w, r, 8<<10) {
		return 0, 0, end, f, false
	}
	end, f = endForm(r, eid)
	return id, eid, end, f, true
}

// enrolmentKind is the kind of enrolment eid of participant id.
func enrolmentKind(ctx context.Context, tx db.Tx, id, eid int64) (string, error) {
	es, err := participant.Enrolments(ctx, tx, id)
	if err != nil {
		return "", err
	}
	for _, e := range es {
		if e.ID == eid {
			return e.Kind, nil
		}
	}
	return "", fmt.Errorf("enrolment %d: %w", eid, db.ErrNotFound)
}

// addProblems puts what the participant package found wrong next to the
// fields of enrolment eid.
func addProblems(f *views.ContactForm, eid int64, err error) bool {
	var p participant.Problems
	if !errors.As(err, &p) {
		return false
	}
	for _, k := range []string{"ends_on", "end_reason", "end_note", "moved_to", "correction_reason", "reopen"} {
		if msg, ok := p[k]; ok && f.Errors.For(fmt.Sprintf("%s_%d", k, eid)) == "" {
			f.Errors.Add(fmt.Sprintf("%s_%d", k, eid), msg)
		}
	}
	return true
}

// endDescription is how an end reads in a question: the reason, the text
// of "Annan orsak", the municipality moved to.
func endDescription(kind string, e participant.End) string {
	s := "”" + views.EndLabel(kind, e.Reason) + "”"
	if e.Reason == "other" && e.Note != "" {
		s += " (" + e.Note + ")"
	}
	if kind == "kaa" && e.Reason == "moved" {
		s += " till " + codes.MunicipalityName(e.MovedTo)
	}
	return s
}

// enrolmentEnd avregistrerar from the KAA register, or ends a project
// enrolment, after a confirmation that says what follows.
func (h *Handler) enrolmentEnd(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, eid, end, f, ok := h.endRequest(w, r)
	if !ok {
		return
	}
	own := orgFrom(ctx).Key
	var kind string
	err := h.inTenant(r, func(tx db.Tx) error {
		var err error
		if kind, err = enrolmentKind(ctx, tx, id, eid); err != nil {
			return err
		}
		err = participant.EndEnrolment(ctx, tx, id, eid, end, own)
		if err != nil || f.Errors.Any() {
			return err
		}
		return unlessConfirmed(r)
	})
	switch {
	case h.asked(w, r, err, func() (views.Confirm, error) {
		var name string
		err := h.inTenant(r, func(tx db.Tx) (err error) { _, name, err = h.participantName(r, tx); return err })
		c := views.Confirm{Back: fmt.Sprintf("%s/%d", h.participantBase(r), id)}
		fix := " Blev det fel kan det rättas eller hävas på personens sida; både rättelsen och det ursprungliga sparas."
		if kind == "kaa" {
			c.Question = "Avregistrera " + name + " ur KAA-registret?"
			c.Consequence = fmt.Sprintf("%s avregistreras %s med orsaken %s.", name, sv.ProseDate(end.On), endDescription(kind, end))
			if end.Reason == "moved" {
				m := codes.MunicipalityName(end.MovedTo)
				c.Consequence += fmt.Sprintf(" Uppgifterna om personen följer inte med till %s, inte heller om %s använder det här registret: varje kommun har sitt eget register. Efter avregistreringen kan du ge den unga ett flyttbrev, och med den ungas samtycke skicka %s en underrättelse med namn, personnummer och flyttdatum.", m, m, m)
			}
			c.Yes = "Ja, avregistrera"
		} else {
			c.Question = "Avsluta deltagandet för " + name + "?"
			c.Consequence = fmt.Sprintf("Deltagandet slutar %s med orsaken %s, och uppföljningarna efter avslut planeras in.", sv.ProseDate(end.On), endDescription(kind, end))
			c.Yes = "Ja, avsluta deltagandet"
		}
		c.Consequence += fix
		return c, err
	}):
		return
	case addProblems(&f, eid, err):
	case err != nil:
		h.fail(w, r, err)
		return
	case !f.Errors.Any():
		if kind == "kaa" && end.Reason == "moved" {
			// Straight on to the letter and the consent (docs/design/moves.md).
			h.flash(r, "Avregistreringen är sparad. Här kan du ge den unga ett flyttbrev, eller spara den ungas samtycke till en underrättelse.")
			http.Redirect(w, r, fmt.Sprintf("%s/%d/flytt", h.participantBase(r), id), http.StatusSeeOther)
			return
		}
		if kind == "kaa" {
			h.flash(r, "Avregistreringen är sparad.")
		} else {
			h.flash(r, "Deltagandet är avslutat.")
		}
		http.Redirect(w, r, fmt.Sprintf("%s/%d", h.participantBase(r), id), http.StatusSeeOther)
		return
	}
	h.renderParticipant(w, r, http.StatusUnprocessableEntity, views.Forms{End: f, EndID: eid})
}

// enrolmentCorrect corrects an avregistrering (or the end of a project
// enrolment): opens it again, or changes date, reason, text or
// municipality, with a required reason. The original is kept.
func (h *Handler) enrolmentCorrect(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, eid, end, f, ok := h.endRequest(w, r)
	if !ok {
		return
	}
	reopen := f.Values[fmt.Sprintf("correction_%d", eid)] == "reopen"
	to := &end
	if reopen {
		to = nil
		f.Errors = nil // the end fields do not count when the end is undone
	}
	var kind string
	err := h.inTenant(r, func(tx db.Tx) error {
		var err error
		if kind, err = enrolmentKind(ctx, tx, id, eid); err != nil {
			return err
		}
		// An unreadable date is the zero date, which CorrectEnd refuses as
		// before the start: nothing is written, and the other problems
		// are said in the same round.
		return participant.CorrectEnd(ctx, tx, id, eid, to, f.Values[fmt.Sprintf("correction_reason_%d", eid)], orgFrom(ctx).Key, today())
	})
	switch {
	case addProblems(&f, eid, err):
	case errors.Is(err, participant.ErrNotEnded):
		f.Errors.Add(fmt.Sprintf("correction_reason_%d", eid), "Registreringen är redan öppen: det finns ingen avregistrering att rätta.")
	case err != nil:
		h.fail(w, r, err)
		return
	case !f.Errors.Any():
		switch {
		case reopen && kind == "kaa":
			h.flash(r, "Avregistreringen är hävd: personen är registrerad i KAA-registret igen.")
		case reopen:
			h.flash(r, "Deltagandet är öppnat igen.")
		default:
			h.flash(r, "Rättelsen är sparad.")
		}
		http.Redirect(w, r, fmt.Sprintf("%s/%d", h.participantBase(r), id), http.StatusSeeOther)
		return
	}
	h.renderParticipant(w, r, http.StatusUnprocessableEntity, views.Forms{Correct: f, CorrectID: eid})
}

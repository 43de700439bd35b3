package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/org"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/sv"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// parseContactForm reads and checks a contact; when may not be in the future.
func parseContactForm(r *http.Request, now time.Time) (participant.Contact, views.ContactForm) {
	f := views.ContactForm{Values: map[string]string{}}
	for _, k := range []string{"channel", "direction", "reached", "occurred_at", "method", "note", "reason", "occupation"} {
		f.Values[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	v := f.Values
	c := participant.Contact{Channel: v["channel"], Direction: v["direction"], Method: v["method"], Note: v["note"], Reached: v["reached"] == "yes"}
	if !slices.Contains(participant.Channels, c.Channel) {
		f.Errors.Add("channel", "Välj hur kontakten togs.")
	}
	if c.Direction != "outgoing" && c.Direction != "incoming" {
		f.Errors.Add("direction", "Välj om det var du eller personen som tog kontakt.")
	}
	if v["reached"] != "yes" && v["reached"] != "no" {
		f.Errors.Add("reached", "Välj om du nådde personen.")
	}
	c.Occupation = v["occupation"]
	if c.Occupation != "" && c.Occupation != "unknown" && !slices.Contains(participant.Occupations, c.Occupation) {
		f.Errors.Add("occupation", "Välj sysselsättning i listan, eller Okänd.")
	}
	if c.Method != "" && !slices.Contains(participant.Methods, c.Method) {
		f.Errors.Add("method", "Välj en metod i listan.")
	}
	if len([]rune(c.Note)) > 2000 {
		f.Errors.Add("note", "Anteckningen får ha högst 2 000 tecken. Skriv kort.")
	}
	local := participant.Local(now)
	if v["occurred_at"] == "" {
		c.OccurredAt = now
		v["occurred_at"] = local.Format("2006-01-02T15:04")
	} else if t, err := time.ParseInLocation("2006-01-02T15:04", v["occurred_at"], local.Location()); err != nil {
		f.Errors.Add("occurred_at", "Skriv tidpunkten som ÅÅÅÅ-MM-DD TT:MM.")
	} else if t.After(now.Add(time.Minute)) {
		f.Errors.Add("occurred_at", "Tidpunkten ligger i framtiden. En kontakt loggas när den har ägt rum.")
	} else {
		c.OccurredAt = t
	}
	return c, f
}

// freshContact is what an empty contact form holds: an outgoing attempt now,
// not (yet) reaching the person, by channel.
func freshContact(channel string) map[string]string {
	return map[string]string{"direction": "outgoing", "reached": "no", "channel": channel,
		"occurred_at": participant.Local(time.Now()).Format("2006-01-02T15:04")}
}

func (h *Handler) contactCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, 16<<10) {
		return
	}
	c, f := parseContactForm(r, time.Now())
	if f.Errors.Any() {
		h.renderParticipant(w, r, http.StatusUnprocessableEntity, views.Forms{Contact: f})
		return
	}
	err = h.inTenant(r, func(tx db.Tx) error {
		_, err := participant.LogContact(ctx, tx, id, c)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if r.Header.Get("HX-Request") == "true" {
		// htmx swaps in a fresh form and the timeline. The form's first line
		// says what was saved and takes the focus, so a screen reader reads
		// it once (the live region is for updates that leave the focus).
		saved := fmt.Sprintf("Kontakten (%s) är sparad kl. %s och syns i tidslinjen. Logga nästa kontakt här.",
			strings.ToLower(views.Label("channel", c.Channel)), participant.Local(time.Now()).Format("15:04"))
		h.renderParticipant(w, r, http.StatusOK, views.Forms{Contact: views.ContactForm{Saved: saved, Values: freshContact(c.Channel)}})
		return
	}
	h.flash(r, "Kontakten är sparad.")
	http.Redirect(w, r, fmt.Sprintf("%s/%d", h.participantBase(r), id), http.StatusSeeOther)
}

func (h *Handler) contactEdit(w http.ResponseWriter, r *http.Request) {
	h.renderContactEdit(w, r, http.StatusOK, nil)
}

func (h *Handler) renderContactEdit(w http.ResponseWriter, r *http.Request, status int, form *views.ContactForm) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := views.ContactEditView{Base: fmt.Sprintf("%s/%d", h.participantBase(r), id)}
	err = h.inTenant(r, func(tx db.Tx) error {
		p, err := participant.Get(ctx, tx, id)
		if err != nil {
			return err
		}
		v.Name = p.FirstName + " " + p.LastName
		if v.Contact, v.Amendments, err = participant.GetContact(ctx, tx, id, cid); err != nil {
			return err
		}
		v.Original, err = participant.OriginalContact(ctx, tx, id, cid)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.InPlace = participant.CanEditInPlace(v.Contact, principalFrom(ctx).UserID, time.Now())
	if form != nil {
		v.Form = *form
	} else {
		c := v.Contact
		v.Form.Values = map[string]string{"channel": c.Channel, "direction": c.Direction, "reached": map[bool]string{true: "yes", false: "no"}[c.Reached],
			"occurred_at": participant.Local(c.OccurredAt).Format("2006-01-02T15:04"), "method": c.Method, "note": c.Note, "occupation": c.Occupation}
	}
	h.render(w, r, status, views.ContactEdit(h.page(r, "Kontakt"), v))
}

func (h *Handler) contactUpdate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err1 := pathID(r, "id")
	cid, err2 := pathID(r, "cid")
	if err := errors.Join(err1, err2); err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, 16<<10) {
		return
	}
	now := time.Now()
	c, f := parseContactForm(r, now)
	reason := f.Values["reason"]
	if len([]rune(reason)) > 500 {
		f.Errors.Add("reason", "Högst 500 tecken.")
	}
	var amended bool
	if !f.Errors.Any() {
		err := h.inTenant(r, func(tx db.Tx) (err error) {
			amended, err = participant.CorrectContact(ctx, tx, id, cid, c, reason, now)
			return err
		})
		if errors.Is(err, participant.ErrReasonNeeded) {
			f.Errors.Add("reason", "Skriv varför kontakten rättas. Originalet finns kvar att läsa.")
		} else if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if f.Errors.Any() {
		h.renderContactEdit(w, r, http.StatusUnprocessableEntity, &f)
		return
	}
	if amended {
		h.flash(r, "Rättelsen är sparad. Den ursprungliga kontakten finns kvar att läsa.")
	} else {
		h.flash(r, "Kontakten är rättad.")
	}
	http.Redirect(w, r, fmt.Sprintf("%s/%d", h.participantBase(r), id), http.StatusSeeOther)
}

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
			if msg := enrolAgeProblem(e.Kind, p.BirthDate, e.StartsOn); msg != "" {
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
				c.Consequence += fmt.Sprintf(" Uppgifterna om personen följer inte med till %s, inte heller om %s använder det här registret: varje kommun har sitt eget register, och personuppgifter lämnar aldrig kommunen.", m, m)
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

func (h *Handler) queues(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o := orgFrom(ctx)
	v := views.QueuesView{Base: "/k/" + o.Key, Mine: r.URL.Query().Get("alla") == ""}
	who := principalFrom(ctx).UserID
	if !v.Mine {
		who = 0
	}
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		var s participant.Settings
		v.Queues, s, err = participant.Queues(ctx, tx, who, time.Now())
		v.NoContactDays = s.NoContactDays
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.Queues(h.page(r, "Att göra"), v))
}

func (h *Handler) settings(w http.ResponseWriter, r *http.Request) {
	var s participant.Settings
	var require bool
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		if s, err = participant.GetSettings(r.Context(), tx); err != nil {
			return err
		}
		require, err = org.RequiresTwoFactor(r.Context(), tx)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.Settings(h.page(r, "Inställningar"), views.SettingsView{Action: r.URL.Path,
		Retention: strings.TrimSuffix(r.URL.Path, "installningar") + "gallring", NoContactDays: fmt.Sprint(s.NoContactDays), RequireTwoFactor: require}))
}

func (h *Handler) saveSettings(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 4096) {
		return
	}
	field := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	v := views.SettingsView{Action: r.URL.Path, Retention: strings.TrimSuffix(r.URL.Path, "installningar") + "gallring",
		NoContactDays: field("no_contact_days"), RequireTwoFactor: r.PostFormValue("require_two_factor") == "1"}
	days := atoiOr0(v.NoContactDays)
	if days < 1 || days > 365 {
		v.Errors.Add("no_contact_days", "Skriv ett antal dagar mellan 1 och 365.")
	}
	if v.Errors.Any() {
		h.render(w, r, http.StatusUnprocessableEntity, views.Settings(h.page(r, "Inställningar"), v))
		return
	}
	err := h.inTenant(r, func(tx db.Tx) error {
		if err := participant.SaveSettings(r.Context(), tx, participant.Settings{NoContactDays: days}); err != nil {
			return err
		}
		return org.SetRequiresTwoFactor(r.Context(), tx, v.RequireTwoFactor)
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Inställningarna är sparade.")
	http.Redirect(w, r, r.URL.Path, http.StatusSeeOther)
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

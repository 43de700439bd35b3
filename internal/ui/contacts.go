package ui

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

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
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	r.ParseForm()
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
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	r.ParseForm()
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
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	r.ParseForm()
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
			f.Errors.Add("enrol", "Personen är redan inskriven i KAA-registret. Avsluta den inskrivningen först.")
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
	h.flash(r, "Inskrivningen är sparad.")
	http.Redirect(w, r, fmt.Sprintf("%s/%d", h.participantBase(r), id), http.StatusSeeOther)
}

func (h *Handler) enrolmentEnd(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err1 := pathID(r, "id")
	eid, err2 := pathID(r, "eid")
	if err := errors.Join(err1, err2); err != nil {
		h.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	r.ParseForm()
	endsField, reasonField := fmt.Sprintf("ends_on_%d", eid), fmt.Sprintf("end_reason_%d", eid)
	f := views.ContactForm{Values: map[string]string{
		endsField: strings.TrimSpace(r.PostForm.Get(endsField)), reasonField: r.PostForm.Get(reasonField)}}
	endsOn, msg := parseDate(f.Values[endsField], today(), true)
	if msg != "" {
		f.Errors.Add(endsField, "Slutdatum: "+msg)
	}
	reason := f.Values[reasonField]
	if !slices.Contains(participant.Deregistrations, reason) && !slices.Contains(participant.ProjectEnds, reason) {
		f.Errors.Add(reasonField, "Välj varför inskrivningen avslutas.")
	}
	if !f.Errors.Any() {
		err := h.inTenant(r, func(tx db.Tx) error {
			if err := participant.EndEnrolment(ctx, tx, id, eid, endsOn, reason); err != nil {
				return err
			}
			return unlessConfirmed(r)
		})
		switch {
		case h.asked(w, r, err, func() (views.Confirm, error) {
			var name string
			err := h.inTenant(r, func(tx db.Tx) (err error) { _, name, err = h.participantName(r, tx); return err })
			return views.Confirm{
				Question: "Avsluta inskrivningen för " + name + "?",
				Consequence: fmt.Sprintf("Inskrivningen slutar %s med orsaken ”%s”, och uppföljningarna efter avslut planeras in. Ett avslut går inte att ångra här: blev det fel, skriv in personen på nytt.",
					sv.ProseDate(endsOn), views.Label("end_reason", reason)),
				Yes:  "Ja, avsluta inskrivningen",
				Back: fmt.Sprintf("%s/%d", h.participantBase(r), id),
			}, err
		}):
			return
		case errors.Is(err, participant.ErrEndBeforeStart):
			f.Errors.Add(endsField, "Slutdatum: inskrivningen kan inte sluta innan den började.")
		case err != nil:
			h.fail(w, r, err)
			return
		default:
			h.flash(r, "Inskrivningen är avslutad.")
			http.Redirect(w, r, fmt.Sprintf("%s/%d", h.participantBase(r), id), http.StatusSeeOther)
			return
		}
	}
	h.renderParticipant(w, r, http.StatusUnprocessableEntity, views.Forms{End: f, EndID: eid})
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
	var ret participant.Retention
	var require bool
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		if s, err = participant.GetSettings(r.Context(), tx); err != nil {
			return err
		}
		if ret, err = participant.GetRetention(r.Context(), tx); err != nil {
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
		NoContactDays: fmt.Sprint(s.NoContactDays), KAAMonths: fmt.Sprint(ret.KAAMonths),
		ProjectMonths: fmt.Sprint(ret.ProjectMonths), UnenrolledMonths: fmt.Sprint(ret.UnenrolledMonths), RequireTwoFactor: require}))
}

func (h *Handler) saveSettings(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	field := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	v := views.SettingsView{Action: r.URL.Path, NoContactDays: field("no_contact_days"),
		KAAMonths: field("kaa_months"), ProjectMonths: field("project_months"), UnenrolledMonths: field("unenrolled_months"),
		RequireTwoFactor: r.PostFormValue("require_two_factor") == "1"}
	days := atoiOr0(v.NoContactDays)
	if days < 1 || days > 365 {
		v.Errors.Add("no_contact_days", "Skriv ett antal dagar mellan 1 och 365.")
	}
	months := func(name, value string) int {
		n := atoiOr0(value)
		if n < 1 || n > 240 {
			v.Errors.Add(name, "Skriv ett antal månader mellan 1 och 240.")
		}
		return n
	}
	ret := participant.Retention{KAAMonths: months("kaa_months", v.KAAMonths), ProjectMonths: months("project_months", v.ProjectMonths),
		UnenrolledMonths: months("unenrolled_months", v.UnenrolledMonths)}
	if v.Errors.Any() {
		h.render(w, r, http.StatusUnprocessableEntity, views.Settings(h.page(r, "Inställningar"), v))
		return
	}
	var due participant.Erased
	err := h.inTenant(r, func(tx db.Tx) error {
		before, err := participant.GetRetention(r.Context(), tx)
		if err != nil {
			return err
		}
		if err := participant.SaveSettings(r.Context(), tx, participant.Settings{NoContactDays: days}); err != nil {
			return err
		}
		if err := participant.SaveRetention(r.Context(), tx, ret); err != nil {
			return err
		}
		if err := org.SetRequiresTwoFactor(r.Context(), tx, v.RequireTwoFactor); err != nil {
			return err
		}
		if ret.KAAMonths >= before.KAAMonths && ret.ProjectMonths >= before.ProjectMonths && ret.UnenrolledMonths >= before.UnenrolledMonths {
			return nil
		}
		// Shorter times erase people sooner, some perhaps at the next daily
		// run: ask once, saying how many the new policy would erase now.
		if unlessConfirmed(r) == nil {
			return nil
		}
		if due, err = participant.RunRetention(r.Context(), tx, today(), true); err != nil {
			return err
		}
		return errUnconfirmed
	})
	if h.asked(w, r, err, func() (views.Confirm, error) {
		c := views.Confirm{Question: "Korta tiderna för gallring?", Yes: "Ja, spara inställningarna", Back: r.URL.Path}
		switch n := due.Total(); n {
		case 0:
			c.Consequence = "Ingen gallras i dag med de nya tiderna, men framöver tas uppgifter bort tidigare."
		case 1:
			c.Consequence = "Med de nya tiderna gallras en person vid nästa gallring, inom ett dygn."
		default:
			c.Consequence = fmt.Sprintf("Med de nya tiderna gallras %s vid nästa gallring, inom ett dygn.", sv.Count(n, "person", "personer"))
		}
		c.Consequence += " Namn, personnummer, kontaktuppgifter och anteckningar tas då bort och kan inte återställas. Går du tillbaka sparas ingen av ändringarna i formuläret."
		return c, nil
	}) {
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Inställningarna är sparade.")
	http.Redirect(w, r, r.URL.Path, http.StatusSeeOther)
}

// enrolmentReason corrects the reason for registration of a KAA enrolment
// (the SCB report's completeness panel sends coordinators here).
func (h *Handler) enrolmentReason(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err1 := pathID(r, "id")
	eid, err2 := pathID(r, "eid")
	if err := errors.Join(err1, err2); err != nil {
		h.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
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

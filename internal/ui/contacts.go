package ui

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// parseContactForm reads and checks a contact; when may not be in the future.
func parseContactForm(r *http.Request, now time.Time) (participant.Contact, views.ContactForm) {
	f := views.ContactForm{Values: map[string]string{}}
	for _, k := range []string{"channel", "direction", "reached", "occurred_at", "method", "note", "reason", "occupation", "party"} {
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
	if v["party"] == "" { // a form from before parties were recorded
		v["party"] = participant.PartyYoungPerson
	}
	c.Party = v["party"]
	if !slices.Contains(participant.Parties, c.Party) {
		f.Errors.Add("party", "Välj vem du hade kontakt med.")
	}
	if v["reached"] != "yes" && v["reached"] != "no" {
		f.Errors.Add("reached", "Välj om du nådde den unga.")
	} else if c.Reached && !participant.CanReach(c.Party) {
		f.Errors.Add("reached", "Bara en kontakt med den unga själv räknas som att den unga är nådd. Välj Nej och skriv i anteckningen vad ni kom fram till, eller välj ”Den unga” om den unga var med.")
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
	return map[string]string{"direction": "outgoing", "reached": "no", "channel": channel, "party": participant.PartyYoungPerson,
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
			"occurred_at": participant.Local(c.OccurredAt).Format("2006-01-02T15:04"), "method": c.Method, "note": c.Note, "occupation": c.Occupation, "party": c.Party}
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

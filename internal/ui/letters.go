package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/letter"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// parseLetterForm reads the chosen letter and, for an invitation, the
// meeting; a meeting may not be in the past.
func parseLetterForm(form url.Values) (letter.Request, views.LetterForm) {
	f := views.LetterForm{Values: map[string]string{}}
	for _, k := range []string{"letter", "meeting_date", "meeting_time", "meeting_place"} {
		f.Values[k] = strings.TrimSpace(form.Get(k))
	}
	v := f.Values
	r := letter.Request{Kind: v["letter"], MeetingTime: v["meeting_time"], MeetingPlace: v["meeting_place"]}
	if !codes.Letter.Has(r.Kind) {
		f.Errors.Add("letter", "Välj vilket brev du vill skriva.")
		return r, f
	}
	if r.Kind != letter.Meeting {
		return r, f
	}
	if d, err := time.Parse("2006-01-02", v["meeting_date"]); err != nil {
		f.Errors.Add("meeting_date", "Skriv dagen för mötet som ÅÅÅÅ-MM-DD.")
	} else if d.Before(today()) {
		f.Errors.Add("meeting_date", "Dagen har redan varit. Välj en dag från och med i dag.")
	} else {
		r.MeetingDate = d
	}
	if _, err := time.Parse("15:04", v["meeting_time"]); err != nil {
		f.Errors.Add("meeting_time", "Skriv tiden som TT:MM, till exempel 14:30.")
	}
	if n := len([]rune(r.MeetingPlace)); n == 0 {
		f.Errors.Add("meeting_place", "Skriv var ni ses, till exempel en adress eller ”Ungdomens hus, Storgatan 3”.")
	} else if n > 200 {
		f.Errors.Add("meeting_place", "Platsen får ha högst 200 tecken.")
	}
	return r, f
}

// letterPage is where a coordinator chooses a letter and fills it in; with
// a letter chosen (the form's preview button, a GET) it shows the letter as
// it will print.
func (h *Handler) letterPage(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("letter") == "" {
		h.renderLetterPage(w, r, http.StatusOK, views.LetterForm{Values: map[string]string{}}, nil)
		return
	}
	req, f := parseLetterForm(r.URL.Query())
	if f.Errors.Any() {
		h.renderLetterPage(w, r, http.StatusUnprocessableEntity, f, nil)
		return
	}
	h.renderLetterPage(w, r, http.StatusOK, f, &req)
}

// renderLetterPage shows the letter form with what was typed, and the
// letter preview when there is one.
func (h *Handler) renderLetterPage(w http.ResponseWriter, r *http.Request, status int, f views.LetterForm, preview *letter.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := views.LetterPageView{Base: fmt.Sprintf("%s/%d", h.participantBase(r), id), Form: f}
	err = h.inTenant(r, func(tx db.Tx) error {
		p, err := participant.Get(ctx, tx, id)
		if err != nil {
			return err
		}
		v.Name = p.FirstName + " " + p.LastName
		v.Offered = letter.Offered(p.BirthDate, today())
		v.Adult = participant.Age(p.BirthDate, today()) >= letter.GuardianAge
		sender, err := letter.Sender(ctx, tx, id)
		if err != nil {
			return err
		}
		v.NoPhone = sender.Phone == ""
		if preview != nil {
			if err := letter.Allowed(preview.Kind, p.BirthDate, today()); err != nil {
				v.Form.Errors.Add("letter", guardianRefusal)
				status = http.StatusUnprocessableEntity
				return nil
			}
			l := letter.Compose(*preview, letter.Person{FirstName: p.FirstName, LastName: p.LastName, Street: p.Street,
				PostalCode: p.PostalCode, City: p.City, BirthDate: p.BirthDate}, sender, orgFrom(ctx).Name, today())
			v.Preview = &l
		}
		return nil
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, views.LetterPage(h.page(r, "Skriv brev"), v))
}

const guardianRefusal = "Brev till vårdnadshavare skickas bara när den unga är under 18 år. Den som har fyllt 18 får breven själv."

// letterPrint prints a letter: it logs the letter as a contact and shows it
// ready for paper, in one step, so that every printed letter is in the log.
func (h *Handler) letterPrint(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, 8<<10) {
		return
	}
	req, f := parseLetterForm(r.PostForm)
	if f.Errors.Any() {
		h.renderLetterPage(w, r, http.StatusUnprocessableEntity, f, nil)
		return
	}
	var l letter.Letter
	err = h.inTenant(r, func(tx db.Tx) (err error) {
		l, err = letter.Print(ctx, tx, id, req, orgFrom(ctx).Name, time.Now())
		return err
	})
	if errors.Is(err, letter.ErrGuardianAdult) {
		f.Errors.Add("letter", guardianRefusal)
		h.renderLetterPage(w, r, http.StatusUnprocessableEntity, f, nil)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// A neutral title: a name would stay in the browser history.
	h.render(w, r, http.StatusOK, views.LetterPrint(h.page(r, "Brev"), views.LetterPrintView{Base: fmt.Sprintf("%s/%d", h.participantBase(r), id), Letter: l}))
}

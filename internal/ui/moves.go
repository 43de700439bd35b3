package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/moves"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// noticeRefused is what the sender is told when the new municipality gets
// no notice in the product.
const noticeRefused = "Kommunen tar inte emot underrättelser i systemet – ge den unga flyttbrevet."

// notMoved makes "the person did not move" a page that is not found.
func notMoved(err error) error {
	if errors.Is(err, moves.ErrNotMoved) {
		return fmt.Errorf("%w: %w", db.ErrNotFound, err)
	}
	return err
}

// postedID reads the id in the path parameter name and a form of at most
// max bytes; false when it has already answered.
func (h *Handler) postedID(w http.ResponseWriter, r *http.Request, name string, max int64) (int64, bool) {
	id, err := pathID(r, name)
	if err != nil {
		h.fail(w, r, err)
		return 0, false
	}
	return id, h.readForm(w, r, max)
}

// moveShow is the page of a move: the letter and the consent to a notice.
func (h *Handler) moveShow(w http.ResponseWriter, r *http.Request) {
	h.renderMove(w, r, http.StatusOK, views.ContactForm{Values: map[string]string{"given_on": views.Date(today())}})
}

func (h *Handler) renderMove(w http.ResponseWriter, r *http.Request, status int, consent views.ContactForm) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := views.MoveView{Base: fmt.Sprintf("%s/%d", h.participantBase(r), id), Consent: consent}
	err = h.inTenant(r, func(tx db.Tx) error {
		p, err := participant.Get(ctx, tx, id)
		if err != nil {
			return err
		}
		v.Name = p.FirstName + " " + p.LastName
		v.Move, err = moves.Latest(ctx, tx, id)
		return err
	})
	if err != nil {
		h.fail(w, r, notMoved(err))
		return
	}
	h.render(w, r, status, views.MovePage(h.page(r, "Flytt"), v))
}

// moveLetter shows the handover letter with what the young person chose,
// for printing; the printing is audited.
func (h *Handler) moveLetter(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := h.postedID(w, r, "id", 4096)
	if !ok {
		return
	}
	on := func(k string) bool { return r.PostForm.Get(k) == "1" }
	ch := moves.Choices{Name: on("name"), MoveDate: on("move_date"), Coordinator: on("coordinator"), Goals: on("goals")}
	var l moves.Letter
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		l, err = moves.PrintLetter(ctx, tx, id, ch, orgFrom(ctx).Name)
		return err
	})
	if err != nil {
		h.fail(w, r, notMoved(err))
		return
	}
	h.render(w, r, http.StatusOK, views.MoveLetter(h.page(r, "Till dig som flyttar"), fmt.Sprintf("%s/%d", h.participantBase(r), id), l))
}

// moveConsent records the young person's consent to a notice and sends it.
func (h *Handler) moveConsent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := h.postedID(w, r, "id", 4096)
	if !ok {
		return
	}
	f := views.ContactForm{Values: map[string]string{}}
	for _, k := range []string{"given_by", "given_on", "method"} {
		f.Values[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	c := moves.Consent{GivenBy: f.Values["given_by"], Method: f.Values["method"]}
	on, msg := parseDate(f.Values["given_on"], today(), true)
	c.GivenOn = on
	if msg != "" {
		f.Errors.Add("given_on", "Datum då samtycket gavs: "+msg)
		c.GivenOn = today() // the other fields are still checked
	}
	for _, k := range []string{"given_by", "given_on", "method"} {
		if m, ok := moves.CheckConsent(c, today())[k]; ok && f.Errors.For(k) == "" {
			f.Errors.Add(k, m)
		}
	}
	if f.Errors.Any() {
		h.renderMove(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	var outcome string
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		outcome, err = moves.RecordConsent(ctx, tx, id, c, today())
		return err
	})
	if err != nil {
		h.fail(w, r, notMoved(err))
		return
	}
	switch outcome {
	case moves.Sent:
		h.flash(r, "Samtycket är sparat och underrättelsen är skickad till den nya kommunen.")
	case moves.AlreadySent:
		h.flash(r, "Samtycket är sparat. Underrättelsen var redan skickad.")
	default:
		h.flash(r, "Samtycket är sparat. "+noticeRefused)
	}
	http.Redirect(w, r, fmt.Sprintf("%s/%d/flytt", h.participantBase(r), id), http.StatusSeeOther)
}

// noticeRegister opens the form for a new participant filled in from a
// notice, with the reason "Inflyttad till kommunen"; saving it marks the
// notice registered (participantCreate).
func (h *Handler) noticeRegister(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	nid, ok := h.postedID(w, r, "nid", 1024)
	if !ok {
		return
	}
	var n moves.Notice
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		n, err = moves.Open(ctx, tx, nid)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderParticipantForm(w, r, http.StatusOK, views.ParticipantFormView{Values: map[string]string{
		"personnummer": n.Personnummer, "first_name": n.FirstName, "last_name": n.LastName,
		"gender": "not_stated", "identified_on": views.Date(today()), "enrol": "kaa", "upper_secondary": "",
		"registration_reason": "moved_in", "source": "other", "move_notice": fmt.Sprint(n.ID),
	}}, 0)
}

// noticeDismiss marks a notice dismissed, with a reason.
func (h *Handler) noticeDismiss(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	nid, ok := h.postedID(w, r, "nid", 4096)
	if !ok {
		return
	}
	field := fmt.Sprintf("dismiss_reason_%d", nid)
	err := h.inTenant(r, func(tx db.Tx) error {
		return moves.Dismiss(ctx, tx, nid, r.PostForm.Get(field))
	})
	var p moves.Problems
	switch {
	case errors.As(err, &p):
		var errs views.Errors
		errs.Add(field, p["dismiss_reason"])
		h.renderQueues(w, r, http.StatusUnprocessableEntity, errs)
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Underrättelsen är avfärdad.")
	http.Redirect(w, r, "/k/"+orgFrom(ctx).Key+"/att-gora", http.StatusSeeOther)
}

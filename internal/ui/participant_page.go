package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// participantShow is the participant page: facts, enrolments, quick contact and timeline.
func (h *Handler) participantShow(w http.ResponseWriter, r *http.Request) {
	h.renderParticipant(w, r, http.StatusOK, views.Forms{})
}

func (h *Handler) renderParticipant(w http.ResponseWriter, r *http.Request, status int, forms views.Forms) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := time.Now()
	v := views.ParticipantView{Base: fmt.Sprintf("%s/%d", h.participantBase(r), id), Forms: forms,
		UserID: principalFrom(ctx).UserID, Now: now, Today: views.Date(today()), Own: orgFrom(ctx).Key}
	if o := orgFrom(ctx); auth.HasAny(o.Roles, tenantAdmin) {
		// Since the person was identified: everyone who has read them.
		v.AccessLog = fmt.Sprintf("/k/%s/loggkontroll?%s", o.Key, url.Values{"deltagare": {fmt.Sprint(id)}, "fran": {"2000-01-01"}}.Encode())
	}
	if v.Contact.Values == nil {
		v.Contact.Values = freshContact("sms")
	}
	v.Agenda = views.AgendaBox{Form: forms.Appointment, Now: now}
	if v.Agenda.Form.Values == nil {
		v.Agenda.Form.Values = views.FreshAppointment(now)
	}
	if v.EnrolForm.Values == nil {
		v.EnrolForm.Values = map[string]string{"enrol": "kaa", "starts_on": views.Date(today())}
	}
	err = h.inTenant(r, func(tx db.Tx) (err error) {
		if v.Page, err = participant.LoadPage(ctx, tx, id); err != nil {
			return err
		}
		v.Agenda.Items = v.Appointments
		if v.Agenda.Coordinators, err = participant.Coordinators(ctx, tx); err != nil {
			return err
		}
		return h.loadSMSCard(r, tx, v.P, &v.SMS)
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Age = participant.Age(v.P.BirthDate, today())
	v.Turns20 = v.P.BirthDate.AddDate(20, 0, 0)
	// A neutral title: a name would stay in the browser history.
	page := h.page(r, "Deltagare")
	page.Announce = forms.Announce
	h.render(w, r, status, views.ParticipantPage(page, v))
}

// participantName reads participant {id} for a page about them.
func (h *Handler) participantName(r *http.Request, tx db.Tx) (int64, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, "", err
	}
	p, err := participant.Get(r.Context(), tx, id)
	if err != nil {
		return 0, "", err
	}
	return id, p.FirstName + " " + p.LastName, nil
}

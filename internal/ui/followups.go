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

func (h *Handler) followUpPage(w http.ResponseWriter, r *http.Request) {
	h.renderFollowUp(w, r, http.StatusOK, nil, nil)
}

func (h *Handler) renderFollowUp(w http.ResponseWriter, r *http.Request, status int, values map[string]string, errs views.Errors) {
	v := views.FollowUpView{Values: values, Errors: errs}
	err := h.inTenant(r, func(tx db.Tx) error {
		id, name, err := h.participantName(r, tx)
		if err != nil {
			return err
		}
		fid, err := pathID(r, "fid")
		if err != nil {
			return err
		}
		v.Base, v.Name = fmt.Sprintf("%s/%d", h.participantBase(r), id), name
		if v.F, err = participant.GetFollowUp(r.Context(), tx, id, fid); err != nil {
			return err
		}
		v.History, err = participant.FollowUpRevisions(r.Context(), tx, fid)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Values == nil {
		v.Values = followUpValues(v.F)
	}
	h.render(w, r, status, views.FollowUpPage(h.page(r, "Uppföljning"), v))
}

// followUpValues fills the form from a recorded follow-up, or today's date.
func followUpValues(f participant.FollowUp) map[string]string {
	v := map[string]string{"done_on": views.Date(today())}
	if f.DoneOn == nil {
		return v
	}
	v["done_on"] = views.Date(*f.DoneOn)
	v["occupation"] = *f.Occupation
	for k, b := range map[string]*bool{"job_searching": f.JobSearching, "in_education": f.InEducation, "qualification": f.Qualification, "employed": f.Employed} {
		if b != nil && *b {
			v[k] = "yes"
		}
	}
	for k, a := range map[string]*string{"long_term_goal": f.LongTermGoal, "clear_plan": f.ClearPlan, "respect": f.Respect, "no_barrier": f.NoBarrier} {
		if a != nil {
			v[k] = *a
		}
	}
	return v
}

func (h *Handler) recordFollowUp(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 8<<10) {
		return
	}
	values := map[string]string{}
	for _, k := range []string{"done_on", "occupation", "job_searching", "in_education", "qualification", "employed", "long_term_goal", "clear_plan", "respect", "no_barrier"} {
		values[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	var errs views.Errors
	var f participant.FollowUp
	if d, msg := parseDate(values["done_on"], today(), true); msg != "" {
		errs.Add("done_on", msg)
	} else {
		f.DoneOn = &d
	}
	if occ := values["occupation"]; slices.Contains(participant.FollowUpOccupations, occ) {
		f.Occupation = &occ
	} else {
		errs.Add("occupation", "Välj var personen är nu. Gick personen inte att nå, välj det.")
	}
	flag := func(k string) *bool { b := values[k] == "yes"; return &b }
	f.JobSearching, f.InEducation, f.Qualification, f.Employed = flag("job_searching"), flag("in_education"), flag("qualification"), flag("employed")
	answer := func(k string) *string {
		a := values[k]
		if a == "" {
			a = "no_answer"
		}
		if !slices.Contains(participant.SurveyAnswers, a) {
			errs.Add(k, "Välj ja, nej eller vill inte svara.")
		}
		return &a
	}
	f.LongTermGoal, f.ClearPlan, f.Respect, f.NoBarrier = answer("long_term_goal"), answer("clear_plan"), answer("respect"), answer("no_barrier")
	if errs.Any() {
		h.renderFollowUp(w, r, http.StatusUnprocessableEntity, values, errs)
		return
	}
	var id int64
	err := h.inTenant(r, func(tx db.Tx) error {
		var err error
		if id, _, err = h.participantName(r, tx); err != nil {
			return err
		}
		fid, err := pathID(r, "fid")
		if err != nil {
			return err
		}
		existing, err := participant.GetFollowUp(r.Context(), tx, id, fid)
		if err != nil {
			return err
		}
		f.Kind = existing.Kind
		return participant.RecordFollowUp(r.Context(), tx, id, fid, f)
	})
	if errors.Is(err, participant.ErrNotDue) {
		errs.Add("done_on", "Uppföljningen kan inte göras innan inskrivningen avslutades.")
		h.renderFollowUp(w, r, http.StatusUnprocessableEntity, values, errs)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Uppföljningen är sparad.")
	http.Redirect(w, r, fmt.Sprintf("%s/%d", h.participantBase(r), id), http.StatusSeeOther)
}

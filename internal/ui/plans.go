package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

func (h *Handler) planPage(w http.ResponseWriter, r *http.Request) {
	v := views.PlanView{}
	err := h.inTenant(r, func(tx db.Tx) error {
		id, name, err := h.participantName(r, tx)
		if err != nil {
			return err
		}
		v.Base, v.Name = fmt.Sprintf("%s/%d", h.participantBase(r), id), name
		v.Versions, err = participant.Plans(r.Context(), tx, id)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.PlanPage(h.page(r, "Handlingsplan"), v))
}

func (h *Handler) planPrint(w http.ResponseWriter, r *http.Request) {
	var name string
	var plans []participant.Plan
	var people []participant.ContactPerson
	err := h.inTenant(r, func(tx db.Tx) error {
		id, n, err := h.participantName(r, tx)
		if err != nil {
			return err
		}
		name = n
		plans, err = participant.Plans(r.Context(), tx, id)
		if err == nil && len(plans) == 0 {
			err = fmt.Errorf("no plan: %w", db.ErrNotFound)
		}
		if err != nil {
			return err
		}
		people, err = participant.ContactPersons(r.Context(), tx, id)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.PlanPrint(h.page(r, "Min plan"), name, plans[0], people))
}

func (h *Handler) planEdit(w http.ResponseWriter, r *http.Request) {
	v := views.PlanFormView{Values: map[string]string{}}
	err := h.inTenant(r, func(tx db.Tx) error {
		id, name, err := h.participantName(r, tx)
		if err != nil {
			return err
		}
		v.Base, v.Name = fmt.Sprintf("%s/%d", h.participantBase(r), id), name
		if v.InProject, err = participant.InProject(r.Context(), tx, id); err != nil {
			return err
		}
		plans, err := participant.Plans(r.Context(), tx, id)
		if err != nil {
			return err
		}
		if len(plans) > 0 { // a revision starts from the current version
			planValues(plans[0], v.Values)
			v.Values["base_version"] = strconv.Itoa(plans[0].Version)
			v.Goals, v.Measures = len(plans[0].Goals), len(plans[0].Measures)
		} else {
			// A first plan is followed up in three months unless the
			// coordinator and the young person agree on another day.
			v.Values["follow_up_on"] = views.Date(today().AddDate(0, 3, 0))
		}
		return nil
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Goals, v.Measures = v.Goals+3, v.Measures+2
	h.render(w, r, http.StatusOK, views.PlanForm(h.page(r, "Handlingsplan"), v))
}

func (h *Handler) savePlan(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 128<<10) {
		return
	}
	var id int64
	var name string
	var inProject bool
	if err := h.inTenant(r, func(tx db.Tx) (err error) {
		if id, name, err = h.participantName(r, tx); err != nil {
			return err
		}
		inProject, err = participant.InProject(r.Context(), tx, id)
		return err
	}); err != nil {
		h.fail(w, r, err)
		return
	}
	pl, f := parsePlanForm(r, today(), inProject)
	if f.Errors.Any() {
		f.Base, f.Name = fmt.Sprintf("%s/%d", h.participantBase(r), id), name
		h.render(w, r, http.StatusUnprocessableEntity, views.PlanForm(h.page(r, "Handlingsplan"), f))
		return
	}
	err := h.inTenant(r, func(tx db.Tx) error {
		_, err := participant.SavePlan(r.Context(), tx, id, atoiOr0(r.PostForm.Get("base_version")), pl)
		return err
	})
	var stale *participant.StaleError
	if errors.As(err, &stale) {
		f.Base, f.Name = fmt.Sprintf("%s/%d", h.participantBase(r), id), name
		f.Errors.Add("goal_text_0", staleMessage(stale))
		h.render(w, r, http.StatusConflict, views.PlanForm(h.page(r, "Handlingsplan"), f))
		return
	}
	if errors.Is(err, participant.ErrCareOutsideProject) { // the project enrolment went meanwhile
		f.Base, f.Name, f.InProject = fmt.Sprintf("%s/%d", h.participantBase(r), id), name, false
		f.Errors.Add("goal_text_0", "Socialtjänsten och hälso- och sjukvården kan bara stå som ansvariga för den som är med i ett projekt.")
		h.render(w, r, http.StatusUnprocessableEntity, views.PlanForm(h.page(r, "Handlingsplan"), f))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Planen är sparad som en ny version.")
	http.Redirect(w, r, fmt.Sprintf("%s/%d/plan", h.participantBase(r), id), http.StatusSeeOther)
}

func staleMessage(e *participant.StaleError) string {
	return fmt.Sprintf("%s sparade version %d %s medan du skrev. Öppna den senaste versionen och gör dina ändringar där, så skrivs inget över.",
		e.By, e.Version, views.DateTime(e.At))
}

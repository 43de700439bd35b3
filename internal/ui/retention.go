package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// retention shows the municipality's gallringsbeslut and the form for a new one.
func (h *Handler) retention(w http.ResponseWriter, r *http.Request) {
	v := views.RetentionView{Action: r.URL.Path, Values: map[string]string{}}
	if err := h.loadRetention(r, &v, true); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.RetentionPage(h.page(r, "Gallring"), v))
}

// loadRetention fills v with the decisions and what the one in force would
// erase today; with prefill, the form starts from the times in force (or
// those saved before decisions existed), never from a default of ours.
func (h *Handler) loadRetention(r *http.Request, v *views.RetentionView, prefill bool) error {
	v.Mode = string(h.cfg.Retention)
	return h.inTenant(r, func(tx db.Tx) (err error) {
		ctx := r.Context()
		if v.Decisions, err = participant.Decisions(ctx, tx); err != nil {
			return err
		}
		times, ok := participant.Retention{}, false
		if len(v.Decisions) > 0 {
			times, ok = v.Decisions[0].Retention, true
			if v.Due, err = participant.DueUnder(ctx, tx, today(), times); err != nil {
				return err
			}
		} else if times, ok, err = participant.EarlierTimes(ctx, tx); err != nil {
			return err
		}
		if prefill && ok {
			v.Values["kaa_months"] = fmt.Sprint(times.KAAMonths)
			v.Values["project_months"] = fmt.Sprint(times.ProjectMonths)
			v.Values["unenrolled_months"] = fmt.Sprint(times.UnenrolledMonths)
		}
		return nil
	})
}

// saveRetention previews or records a new gallringsbeslut. Recording one
// under which someone's data would go at the next run asks first.
func (h *Handler) saveRetention(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 4096) {
		return
	}
	v := views.RetentionView{Action: r.URL.Path, Values: map[string]string{}}
	for _, k := range []string{"reference", "decided_on", "decided_by", "kaa_months", "project_months", "unenrolled_months"} {
		v.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	months := func(name string) int {
		n := atoiOr0(v.Values[name])
		if n < 1 || n > 240 {
			v.Errors.Add(name, "Skriv ett antal månader mellan 1 och 240.")
		}
		return n
	}
	preview := r.PostFormValue("action") == "preview"
	var d participant.Decision
	if !preview {
		switch n := len([]rune(v.Values["reference"])); {
		case n == 0:
			v.Errors.Add("reference", "Skriv beslutets diarienummer.")
		case n > 100:
			v.Errors.Add("reference", "Diarienumret får vara högst 100 tecken.")
		}
		var msg string
		if d.DecidedOn, msg = parseDate(v.Values["decided_on"], today(), true); msg != "" {
			if v.Values["decided_on"] == "" {
				msg = "Skriv beslutsdatumet."
			} else if strings.HasPrefix(msg, "Datumet ligger i framtiden") {
				msg = "Beslutsdatumet ligger i framtiden. Ett gallringsbeslut registreras när det är fattat."
			}
			v.Errors.Add("decided_on", msg)
		}
		switch n := len([]rune(v.Values["decided_by"])); {
		case n == 0:
			v.Errors.Add("decided_by", "Skriv vilken nämnd som fattade beslutet.")
		case n > 200:
			v.Errors.Add("decided_by", "Namnet får vara högst 200 tecken.")
		}
	}
	d.Reference, d.DecidedBy = v.Values["reference"], v.Values["decided_by"]
	d.Retention = participant.Retention{KAAMonths: months("kaa_months"), ProjectMonths: months("project_months"), UnenrolledMonths: months("unenrolled_months")}
	if v.Errors.Any() {
		h.renderRetention(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	if preview {
		err := h.inTenant(r, func(tx db.Tx) error {
			due, err := participant.DueUnder(r.Context(), tx, today(), d.Retention)
			v.Preview = &due
			return err
		})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.renderRetention(w, r, http.StatusOK, v)
		return
	}
	var due participant.Erased
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		if _, err := participant.RecordDecision(r.Context(), tx, d); err != nil {
			return err
		}
		// A decision starts erasure, perhaps of someone at the next run:
		// ask once, saying how many it covers today.
		if unlessConfirmed(r) == nil {
			return nil
		}
		if due, err = participant.DueUnder(r.Context(), tx, today(), d.Retention); err != nil {
			return err
		}
		return errUnconfirmed
	})
	if h.asked(w, r, err, func() (views.Confirm, error) {
		c := views.Confirm{Question: "Registrera gallringsbeslutet?", Yes: "Ja, registrera beslutet", Back: r.URL.Path}
		c.Consequence = fmt.Sprintf("Enligt beslutet ska i dag %s gallras.", views.DueSentence(due))
		if due.Total() == 0 {
			c.Consequence = "Enligt beslutet gallras ingen i dag, men framöver tas uppgifterna bort när tiden i beslutet har gått ut."
		} else if h.cfg.Retention == config.RetentionErase {
			c.Consequence += " Det sker vid nästa gallring, inom ett dygn."
		} else {
			c.Consequence += " Servern gallrar inte automatiskt just nu, men det sker när driften slår på gallringen eller kör den."
		}
		c.Consequence += " Namn, personnummer, kontaktuppgifter och anteckningar tas då bort och kan inte återställas."
		return c, nil
	}) {
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Gallringsbeslutet är registrerat.")
	http.Redirect(w, r, r.URL.Path, http.StatusSeeOther)
}

func (h *Handler) renderRetention(w http.ResponseWriter, r *http.Request, status int, v views.RetentionView) {
	if err := h.loadRetention(r, &v, false); err != nil && !errors.Is(err, db.ErrNotFound) {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, views.RetentionPage(h.page(r, "Gallring"), v))
}

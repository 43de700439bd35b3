package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

func (h *Handler) handoverBase(r *http.Request) string {
	return "/k/" + orgFrom(r.Context()).Key + "/overlamning"
}

func (h *Handler) handoverPage(w http.ResponseWriter, r *http.Request) {
	h.renderHandover(w, r, http.StatusOK, atoiOr0(r.URL.Query().Get("fran")), views.HandoverView{})
}

// renderHandover shows the page for coordinator from (0: none chosen yet),
// with what form holds after a refusal.
func (h *Handler) renderHandover(w http.ResponseWriter, r *http.Request, status, from int, form views.HandoverView) {
	ctx := r.Context()
	v := form
	v.Action = h.handoverBase(r)
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		if v.Holders, err = participant.Holders(ctx, tx); err != nil {
			return err
		}
		for i := range v.Holders {
			if v.Holders[i].ID == from {
				v.From = &v.Holders[i]
			}
		}
		if v.From == nil {
			return nil
		}
		if v.Caseload, err = participant.Caseload(ctx, tx, from); err != nil {
			return err
		}
		coords, err := participant.Coordinators(ctx, tx)
		for _, c := range coords {
			if c.ID != from {
				v.Targets = append(v.Targets, c)
			}
		}
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, views.Handover(h.page(r, "Överlämning"), v))
}

func (h *Handler) handover(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 64<<10) {
		return
	}
	from := atoiOr0(r.PostForm.Get("fran"))
	v := views.HandoverView{Note: strings.TrimSpace(r.PostForm.Get("notering")), Selected: map[int64]bool{}, To: map[int]bool{}}
	var ids []int64
	for _, s := range r.PostForm["id"] {
		id, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		ids = append(ids, max(id, 0)) // not a number: 0, which no one has, so the handover is refused
		v.Selected[id] = true
	}
	var to []int
	for _, s := range r.PostForm["till"] {
		id := atoiOr0(s)
		to = append(to, id)
		v.To[id] = true
	}
	if len(ids) == 0 {
		v.Errors.Add("id", "Du har inte markerat någon ungdom. Markera dem som ska flyttas.")
	}
	if len(to) == 0 {
		v.Errors.Add("till", "Välj minst en samordnare som tar över.")
	}
	switch n := len([]rune(v.Note)); {
	case n == 0:
		v.Errors.Add("notering", "Skriv varför ungdomarna flyttas. Anteckningen sparas i loggen.")
	case n > 500:
		v.Errors.Add("notering", "Anteckningen får ha högst 500 tecken. Skriv kort.")
	}
	if !v.Errors.Any() {
		var got map[int]int
		err := h.inTenant(r, func(tx db.Tx) (err error) {
			got, err = participant.Handover(r.Context(), tx, from, ids, to, v.Note)
			return err
		})
		switch {
		case err == nil:
			moved := 0
			for _, n := range got {
				moved += n
			}
			h.flash(r, fmt.Sprintf("Klart: %s har fått en ny ansvarig samordnare.", views.YoungPeople(moved)))
			http.Redirect(w, r, fmt.Sprintf("%s?fran=%d", h.handoverBase(r), from), http.StatusSeeOther)
			return
		case errors.Is(err, participant.ErrNoneSelected):
			v.Errors.Add("id", "Du har inte markerat någon ungdom. Markera dem som ska flyttas.")
		case errors.Is(err, participant.ErrUnknownSelected):
			v.Errors.Add("id", "Några av de markerade har inte den här samordnaren som ansvarig, eller finns inte i kommunens register. Ingenting är flyttat. Ladda om sidan och försök igen.")
		case errors.Is(err, participant.ErrNotCoordinator):
			v.Errors.Add("till", "Välj samordnare i listan. Den som lämnar över kan inte ta över själv.")
		case errors.Is(err, participant.ErrNoteNeeded):
			v.Errors.Add("notering", "Skriv varför ungdomarna flyttas. Anteckningen sparas i loggen.")
		default:
			h.fail(w, r, err)
			return
		}
	}
	h.renderHandover(w, r, http.StatusUnprocessableEntity, from, v)
}

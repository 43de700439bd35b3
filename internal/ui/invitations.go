package ui

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/org"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

func (h *Handler) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	h.answerInvitation(w, r, true)
}

func (h *Handler) declineInvitation(w http.ResponseWriter, r *http.Request) {
	h.answerInvitation(w, r, false)
}

// answerInvitation accepts or declines, after asking once, a project's
// invitation of the URL's organisation. A project that has not invited it
// does not exist here (404). The answer is in the organisation's audit log.
func (h *Handler) answerInvitation(w http.ResponseWriter, r *http.Request, accept bool) {
	ctx := r.Context()
	o := orgFrom(ctx)
	if !h.readForm(w, r, 4<<10) {
		return
	}
	var p org.Project
	err := h.inTenant(r, func(tx db.Tx) error {
		var err error
		if p, err = org.InvitationOf(ctx, tx, chi.URLParam(r, "project")); err != nil {
			return err
		}
		if accept {
			err = org.Accept(ctx, tx, p)
		} else {
			err = org.Decline(ctx, tx, p)
		}
		if err != nil {
			return err
		}
		return unlessConfirmed(r)
	})
	if h.asked(w, r, err, func() (views.Confirm, error) {
		c := views.Confirm{Back: "/k/" + o.Key + "/"}
		if accept {
			c.Question = fmt.Sprintf("Gå med i %s?", p.Name)
			c.Consequence = fmt.Sprintf("%s äger projektet. %s", p.Owner, views.JoiningShares(o.Name))
			c.Yes = "Ja, gå med i projektet"
		} else {
			c.Question = fmt.Sprintf("Tacka nej till %s?", p.Name)
			c.Consequence = fmt.Sprintf("%s blir inte med i projektet, och inget av era uppgifter delas med det. %s kan bjuda in er igen.", o.Name, p.Owner)
			c.Yes = "Ja, tacka nej"
		}
		return c, nil
	}) {
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if accept {
		h.flash(r, fmt.Sprintf("%s är med i %s.", o.Name, p.Name))
	} else {
		h.flash(r, fmt.Sprintf("Ni har tackat nej till %s.", p.Name))
	}
	http.Redirect(w, r, "/k/"+o.Key+"/", http.StatusSeeOther)
}

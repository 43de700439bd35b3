package ui

import (
	"net/http"
	"time"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/moves"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/ss12000"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

func (h *Handler) queues(w http.ResponseWriter, r *http.Request) {
	h.renderQueues(w, r, http.StatusOK, nil)
}

// renderQueues renders Att göra, with movedInErrs next to the notices of
// people who moved here.
func (h *Handler) renderQueues(w http.ResponseWriter, r *http.Request, status int, movedInErrs views.Errors) {
	ctx := r.Context()
	o := orgFrom(ctx)
	v := views.QueuesView{Base: "/k/" + o.Key, Mine: r.URL.Query().Get("alla") == "", MovedInErrors: movedInErrs, Now: time.Now()}
	who := principalFrom(ctx).UserID
	if !v.Mine {
		who = 0
	}
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		var s participant.Settings
		v.Queues, s, err = participant.Queues(ctx, tx, who, time.Now())
		v.NoContactDays = s.NoContactDays
		if err != nil {
			return err
		}
		if v.MovedIn, err = moves.Notices(ctx, tx); err != nil {
			return err
		}
		if v.Unidentified, err = participant.UnidentifiedCount(ctx, tx); err != nil {
			return err
		}
		v.SchoolSystems, err = ss12000.List(ctx, tx)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, views.Queues(h.page(r, "Att göra"), v))
}

package ui

import (
	"fmt"
	"time"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/sv"
	"net/http"

	"github.com/kaa-plattform/kaa/internal/digest"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

const digestPath = "/konto/sammanfattning"

// digestPage is the user's setting of the daily e-mail summary.
func (h *Handler) digestPage(w http.ResponseWriter, r *http.Request) {
	v := views.DigestView{Action: digestPath, Configured: h.cfg.Mail.SMTPURL != ""}
	var err error
	if v.On, err = digest.Wanted(r.Context(), h.pool, principalFrom(r.Context()).UserID); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.DigestSettings(h.page(r, "Daglig sammanfattning"), v))
}

func (h *Handler) saveDigest(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 1<<10) {
		return
	}
	on := r.PostForm.Get("digest") == "yes"
	if err := digest.SetWanted(r.Context(), h.pool, principalFrom(r.Context()).UserID, on); err != nil {
		h.fail(w, r, err)
		return
	}
	if on {
		h.flash(r, "Du får den dagliga sammanfattningen.")
	} else {
		h.flash(r, "Du får inte längre den dagliga sammanfattningen.")
	}
	http.Redirect(w, r, digestPath, http.StatusSeeOther)
}

// dueBadge puts on the menu's Att göra link the count of the signed-in
// coordinator's booked items due today or late: one query on an index.
// Without it (the database busy) the link shows no count.
func (h *Handler) dueBadge(r *http.Request, l *views.Link) {
	var c participant.DueCounts
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		c, err = participant.CountDue(r.Context(), tx, principalFrom(r.Context()).UserID, time.Now())
		return err
	})
	if err != nil {
		h.log.Warn("due count", "err", err, "request_id", infoFrom(r.Context()).ID)
		return
	}
	if n := c.Total(); n > 0 {
		l.Badge = n
		l.BadgeLabel = fmt.Sprintf("%s i dag eller försenade", sv.Count(n, "sak att göra", "saker att göra"))
	}
}

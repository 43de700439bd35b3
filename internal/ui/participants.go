package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/sv"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// today is the date in Sweden, at midnight UTC, as dates are stored.
func today() time.Time { return participant.Today() }

func (h *Handler) participantBase(r *http.Request) string {
	return "/k/" + orgFrom(r.Context()).Key + "/deltagare"
}

// filterFrom reads the list's filters from the URL (never a name or number:
// those come only in the search form's POST body); "visa=mina" narrows it to
// the people user is a responsible coordinator for.
func filterFrom(q url.Values, user int) participant.Filter {
	f := participant.Filter{
		Status:        q.Get("status"),
		Enrolment:     q.Get("inskrivning"),
		SubprojectID:  atoiOr0(q.Get("delprojekt")),
		CoordinatorID: atoiOr0(q.Get("samordnare")),
		MinAge:        atoiOr0(q.Get("alder_min")),
		MaxAge:        atoiOr0(q.Get("alder_max")),
		Reason:        q.Get("orsak"),
		NoContactDays: atoiOr0(q.Get("ingen_kontakt")),
		Sort:          q.Get("sortera"),
		Page:          atoiOr0(q.Get("sida")),
	}
	if q.Get("visa") == "mina" {
		f.Mine = user
	}
	if !slices.Contains(participant.Statuses, f.Status) {
		f.Status = ""
	}
	if !slices.Contains(participant.RegistrationReasons, f.Reason) {
		f.Reason = ""
	}
	// Ages beyond a lifetime would put dates outside what PostgreSQL stores.
	f.MinAge, f.MaxAge, f.NoContactDays = min(f.MinAge, 130), min(f.MaxAge, 130), min(f.NoContactDays, 36500)
	return f
}

// listQuery keeps only the known, non-empty filter parameters.
func listQuery(q url.Values) url.Values {
	out := url.Values{}
	for _, k := range []string{"visa", "status", "inskrivning", "delprojekt", "samordnare", "alder_min", "alder_max", "orsak", "ingen_kontakt", "sortera", "sida"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			out.Set(k, v)
		}
	}
	return out
}

func (h *Handler) participants(w http.ResponseWriter, r *http.Request) {
	if !h.queryInBounds(w, r, r.URL.Query()) {
		return
	}
	h.renderList(w, r, http.StatusOK, r.URL.Query(), "", nil)
}

// participantSearch is the list with a search by name or personnummer, which
// travels in the POST body so it never lands in a URL or a log.
func (h *Handler) participantSearch(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 8192) {
		return
	}
	h.renderList(w, r, http.StatusOK, r.PostForm, r.PostForm.Get("q"), nil)
}

// renderList shows the list filtered by q; with bulk, as it was when an
// action for the marked people was refused.
func (h *Handler) renderList(w http.ResponseWriter, r *http.Request, status int, q url.Values, search string, bulk *views.BulkForm) {
	ctx := r.Context()
	f := filterFrom(q, principalFrom(ctx).UserID)
	f.Search = strings.TrimSpace(search)
	now := today()
	v := views.ListView{Base: h.participantBase(r), Query: listQuery(q), Filter: f,
		AgeOf: func(p participant.Participant) int { return participant.Age(p.BirthDate, now) }}
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		if v.Result, err = participant.List(ctx, tx, f, now); err != nil {
			return err
		}
		if v.Coordinators, err = participant.Coordinators(ctx, tx); err != nil {
			return err
		}
		if v.Names, err = participant.ResponsibleNames(ctx, tx); err != nil {
			return err
		}
		v.Subprojects, err = participant.Subprojects(ctx, tx)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page := h.page(r, "Deltagare")
	if bulk != nil {
		v.Bulk = *bulk
	} else if r.Method == http.MethodPost {
		// A search as you type: screen readers hear how many it found, from
		// the live region htmx updates in place (not the table itself).
		page.Announce = fmt.Sprintf("%s deltagare matchar sökningen.", sv.Num(v.Result.Total))
	}
	h.render(w, r, status, views.ParticipantList(page, v))
}

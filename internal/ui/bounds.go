package ui

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"

	"github.com/kaa-plattform/kaa/internal/scb"
)

// maxPeriodYears is how far back a dashboard's period may start: the register
// is young, and a period decades back would only make PostgreSQL search.
const maxPeriodYears = 10

var halfYearRe = regexp.MustCompile(`^(\d{4})-([12])$`)

// listSorts are the orders the participant list knows (participant.Filter.Sort).
var listSorts = []string{"", "name", "identified", "last_contact", "age"}

// queryInBounds answers a page's query that asks for what the page does not
// offer, a period or an order typed into the address, with 422 and a
// Swedish sentence instead of guessing what was meant; it returns false
// then, and the handler returns. TestQueryOutOfBounds.
func (h *Handler) queryInBounds(w http.ResponseWriter, r *http.Request, q url.Values) bool {
	if msg := queryProblem(q); msg != "" {
		h.renderError(w, r, http.StatusUnprocessableEntity, "Adressen frågar efter något sidan inte visar", msg)
		return false
	}
	return true
}

// queryProblem is what is wrong with q's period (?period=) and order
// (?sortera=), or "".
func queryProblem(q url.Values) string {
	if p := q.Get("period"); p != "" && p != "12m" {
		// Any year, so that 1975-1 is told it is too far back rather
		// than that it is not a period.
		m := halfYearRe.FindStringSubmatch(p)
		var h scb.HalfYear
		if m != nil {
			h.Year, _ = strconv.Atoi(m[1])
			h.Half, _ = strconv.Atoi(m[2])
		}
		now := today()
		switch {
		case m == nil:
			return "Perioden ska vara ett halvår, till exempel " + scb.Current(now).String() + ", eller de senaste tolv månaderna. Välj en period i listan på sidan."
		case h.Start().After(now):
			return "Perioden " + h.Label() + " har inte börjat än. Välj en period i listan på sidan."
		case h.End().Before(now.AddDate(-maxPeriodYears, 0, 0)):
			return "Perioden " + h.Label() + " ligger mer än tio år bakåt. Välj en period från de senaste tio åren."
		}
	}
	if !slices.Contains(listSorts, q.Get("sortera")) {
		return "Listan kan sorteras efter namn, när personen identifierades, hur länge sedan den senaste kontakten var eller ålder. Välj ordning under ”Filtrera och sortera”."
	}
	return ""
}

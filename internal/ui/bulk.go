package ui

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/sv"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// markedIDs reads the people marked in the list's form, each once: every "sidan" value
// (the rows of the page) when "alla" is checked, else the checked "id"
// values. A value that is not a number stays in as 0, which no one has, so
// the action is refused rather than done for fewer than were asked.
func markedIDs(form url.Values) []int64 {
	vals := form["id"]
	if form.Get("alla") == "1" {
		vals = form["sidan"]
	}
	var ids []int64
	for _, s := range vals {
		id, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		ids = append(ids, max(id, 0))
	}
	return slices.Compact(slices.Sorted(slices.Values(ids)))
}

// readBulk reads the list's form for the marked people.
func readBulk(r *http.Request) ([]int64, views.BulkForm) {
	f := views.BulkForm{Values: map[string]string{}, Selected: map[int64]bool{}}
	for _, k := range []string{"alla", "ansvarig", "satt", "kanal", "datum", "notering", "ny_orsak"} {
		f.Values[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	ids := markedIDs(r.PostForm)
	for _, s := range r.PostForm["id"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			f.Selected[id] = true
		}
	}
	if len(ids) == 0 {
		f.Errors.Add("id", "Du har inte markerat någon. Kryssa för personerna i listan, eller Alla på den här sidan, och försök igen.")
	}
	return ids, f
}

// bulkDo runs one action for the marked people in one transaction. A
// refusal re-renders the list, as filtered, with the reason next to the
// field (422, nothing written); success goes back to the list with done's
// message.
func (h *Handler) bulkDo(w http.ResponseWriter, r *http.Request, f views.BulkForm, act func(db.Tx) error, done string) {
	if !f.Errors.Any() {
		err := h.inTenant(r, act)
		var noReg *participant.NoRegistrationError
		switch {
		case err == nil:
			h.flash(r, done)
			to := h.participantBase(r)
			if q := listQuery(r.PostForm).Encode(); q != "" {
				to += "?" + q
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		case errors.Is(err, participant.ErrNoneSelected):
			f.Errors.Add("id", "Du har inte markerat någon. Kryssa för personerna i listan, eller Alla på den här sidan, och försök igen.")
		case errors.Is(err, participant.ErrUnknownSelected):
			f.Errors.Add("id", "Några av de markerade finns inte i kommunens register. Ingenting är ändrat. Ladda om listan och försök igen.")
		case errors.Is(err, participant.ErrNotCoordinator):
			f.Errors.Add("ansvarig", "Välj en samordnare i listan.")
		case errors.As(err, &noReg):
			f.Errors.Add("ny_orsak", "Ingen är ändrad: de här har ingen pågående registrering i KAA-registret: "+
				strings.Join(noReg.Names, ", ")+". Ta bort markeringen för dem och försök igen.")
		default:
			h.fail(w, r, err)
			return
		}
	}
	h.renderList(w, r, http.StatusUnprocessableEntity, listQuery(r.PostForm), "", &f)
}

// people is "1 person" or "n personer".
func people(n int) string {
	if n == 1 {
		return "1 person"
	}
	return sv.Num(n) + " personer"
}

func (h *Handler) bulkAssign(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 64<<10) {
		return
	}
	ids, f := readBulk(r)
	coordinator := atoiOr0(f.Values["ansvarig"])
	if coordinator == 0 {
		f.Errors.Add("ansvarig", "Välj vilken samordnare de markerade ska få.")
	}
	if f.Values["satt"] != "add" && f.Values["satt"] != "replace" {
		f.Errors.Add("satt", "Välj om samordnaren ska läggas till eller ersätta de nuvarande.")
	}
	h.bulkDo(w, r, f, func(tx db.Tx) error {
		return participant.AssignMany(r.Context(), tx, ids, coordinator, f.Values["satt"] == "replace")
	}, "Ansvarig samordnare är ändrad för "+people(len(ids))+".")
}

func (h *Handler) bulkContact(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 64<<10) {
		return
	}
	ids, f := readBulk(r)
	now := time.Now()
	c := participant.Contact{Channel: f.Values["kanal"], Direction: "outgoing", Note: f.Values["notering"], OccurredAt: now}
	if c.Channel != "sms" && c.Channel != "letter" {
		f.Errors.Add("kanal", "Välj sms eller brev.")
	}
	local := participant.Local(now)
	if d := f.Values["datum"]; d != "" {
		t, err := time.ParseInLocation("2006-01-02", d, local.Location())
		switch {
		case err != nil:
			f.Errors.Add("datum", "Skriv datumet som ÅÅÅÅ-MM-DD.")
		case t.After(local):
			f.Errors.Add("datum", "Datumet ligger i framtiden. Logga utskicket när det har skickats.")
		case t.Format("2006-01-02") != local.Format("2006-01-02"):
			c.OccurredAt = t.Add(12 * time.Hour) // an earlier day: at noon, as the hour is not known
		}
	}
	if len([]rune(c.Note)) > 200 {
		f.Errors.Add("notering", "Anteckningen får ha högst 200 tecken. Skriv kort.")
	}
	h.bulkDo(w, r, f, func(tx db.Tx) error {
		return participant.LogContactMany(r.Context(), tx, ids, c)
	}, "Utskicket är loggat som en kontakt för "+people(len(ids))+".")
}

func (h *Handler) bulkReason(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 64<<10) {
		return
	}
	ids, f := readBulk(r)
	if !slices.Contains(participant.RegistrationReasons, f.Values["ny_orsak"]) {
		f.Errors.Add("ny_orsak", "Välj en orsak i listan.")
	}
	h.bulkDo(w, r, f, func(tx db.Tx) error {
		return participant.SetReasonMany(r.Context(), tx, ids, f.Values["ny_orsak"])
	}, "Orsaken till registrering är satt för "+people(len(ids))+".")
}

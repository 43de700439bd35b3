package ui

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

func (h *Handler) mappingPage(w http.ResponseWriter, r *http.Request) {
	h.renderMapping(w, r, http.StatusOK, views.ContactForm{})
}

func (h *Handler) renderMapping(w http.ResponseWriter, r *http.Request, status int, form views.ContactForm) {
	v := views.MappingView{Form: form}
	err := h.inTenant(r, func(tx db.Tx) error {
		id, name, err := h.participantName(r, tx)
		if err != nil {
			return err
		}
		v.Base, v.Name = fmt.Sprintf("%s/%d", h.participantBase(r), id), name
		if v.InProject, err = participant.InProject(r.Context(), tx, id); err != nil {
			return err
		}
		v.Versions, err = participant.Mappings(r.Context(), tx, id)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Form.Values == nil {
		v.Form.Values = map[string]string{"mapped_on": views.Date(today()), "direction": "undecided"}
		if len(v.Versions) > 0 { // a revision starts from the current version
			m := v.Versions[0]
			v.Form.Values = map[string]string{"mapped_on": views.Date(today()), "strengths": m.Strengths, "challenges": m.Challenges,
				"direction": m.Direction, "direction_note": m.DirectionNote, "referral_to": m.ReferralTo,
				"base_version": strconv.Itoa(m.Version)}
		}
	}
	h.render(w, r, status, views.MappingPage(h.page(r, "Kartläggning"), v))
}

func (h *Handler) saveMapping(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 32<<10) {
		return
	}
	f := views.ContactForm{Values: map[string]string{}}
	for _, k := range []string{"mapped_on", "strengths", "challenges", "direction", "direction_note", "referral_to", "base_version"} {
		f.Values[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	m := participant.Mapping{Strengths: f.Values["strengths"], Challenges: f.Values["challenges"],
		Direction: f.Values["direction"], DirectionNote: f.Values["direction_note"], ReferralTo: f.Values["referral_to"]}
	if d, msg := parseDate(f.Values["mapped_on"], today(), true); msg != "" {
		f.Errors.Add("mapped_on", msg)
	} else {
		m.MappedOn = d
	}
	for _, t := range []struct {
		key string
		max int
	}{{"strengths", 2000}, {"challenges", 2000}, {"direction_note", 1000}} {
		if len([]rune(f.Values[t.key])) > t.max {
			f.Errors.Add(t.key, fmt.Sprintf("Högst %d tecken. Skriv kort.", t.max))
		}
	}
	if !slices.Contains(participant.Directions, m.Direction) {
		f.Errors.Add("direction", "Välj vad personen vill: studier, arbete, annat eller inte bestämt.")
	}
	if m.ReferralTo != "" && !slices.Contains(participant.ReferralTargets, m.ReferralTo) {
		f.Errors.Add("referral_to", "Välj i listan.")
	}
	m.ReferralMade = m.ReferralTo != ""
	if f.Errors.Any() {
		h.renderMapping(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	var id int64
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		if id, err = pathID(r, "id"); err != nil {
			return err
		}
		_, err = participant.SaveMapping(r.Context(), tx, id, atoiOr0(r.PostForm.Get("base_version")), m)
		return err
	})
	var stale *participant.StaleError
	if errors.As(err, &stale) {
		f.Errors.Add("mapped_on", staleMessage(stale))
		h.renderMapping(w, r, http.StatusConflict, f)
		return
	}
	if errors.Is(err, participant.ErrCareOutsideProject) {
		f.Errors.Add("referral_to", "En remiss till elevhälsan, socialtjänsten, hälso- och sjukvården eller ungdomsmottagningen får bara registreras för den som är med i ett projekt. KAA-registret får inte innehålla uppgifter om hälsa eller vård: välj Arbetsförmedlingen, Annan eller Ingen.")
		h.renderMapping(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if errors.Is(err, participant.ErrNotesOutsideProject) {
		for _, k := range []string{"strengths", "challenges"} {
			if f.Values[k] != "" {
				f.Errors.Add(k, "Styrkor och utmaningar skrivs bara för den som är med i ett projekt. KAA-registret får bara innehålla sysselsättning och åtgärder: töm fältet.")
			}
		}
		h.renderMapping(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Kartläggningen är sparad.")
	http.Redirect(w, r, fmt.Sprintf("%s/%d/kartlaggning", h.participantBase(r), id), http.StatusSeeOther)
}

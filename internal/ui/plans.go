package ui

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// participantName reads participant {id} for a page about them.
func (h *Handler) participantName(r *http.Request, tx db.Tx) (int64, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, "", err
	}
	p, err := participant.Get(r.Context(), tx, id)
	if err != nil {
		return 0, "", err
	}
	return id, p.FirstName + " " + p.LastName, nil
}

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
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	r.ParseForm()
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
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.PlanPrint(h.page(r, "Min plan"), name, plans[0]))
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

// planValues fills a plan editor's fields from a plan.
func planValues(pl participant.Plan, v map[string]string) {
	index := map[int]int{} // position -> row
	for i, g := range pl.Goals {
		index[g.Position] = i
		v[fmt.Sprintf("goal_text_%d", i)] = g.Text
		v[fmt.Sprintf("goal_status_%d", i)] = g.Status
		if g.Parent != nil {
			v[fmt.Sprintf("goal_parent_%d", i)] = strconv.Itoa(index[*g.Parent])
		}
	}
	for i, m := range pl.Measures {
		v[fmt.Sprintf("measure_type_%d", i)] = m.Type
		v[fmt.Sprintf("measure_description_%d", i)] = m.Description
		v[fmt.Sprintf("measure_responsible_%d", i)] = m.Responsible
		v[fmt.Sprintf("measure_unit_%d", i)] = m.ResponsibleUnit
		v[fmt.Sprintf("measure_starts_%d", i)] = optDate(m.StartsOn)
		v[fmt.Sprintf("measure_ends_%d", i)] = optDate(m.EndsOn)
		v[fmt.Sprintf("measure_follow_up_%d", i)] = optDate(m.FollowUpOn)
		if m.EndReason != nil {
			v[fmt.Sprintf("measure_end_reason_%d", i)] = *m.EndReason
		}
		for _, g := range m.Goals {
			if row, ok := index[g]; ok {
				v[fmt.Sprintf("measure_goal_%d_%d", i, row)] = "1"
			}
		}
	}
	v["follow_up_on"] = optDate(pl.FollowUpOn)
	v["agreed_on"] = optDate(pl.AgreedOn)
}

func optDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return views.Date(*t)
}

// parsePlanForm reads the editor's rows into a plan; empty rows are dropped.
// Health care is responsible for an åtgärd only of a project participant
// (inProject).
func parsePlanForm(r *http.Request, now time.Time, inProject bool) (participant.Plan, views.PlanFormView) {
	f := views.PlanFormView{Values: map[string]string{}, InProject: inProject}
	for k, vs := range r.PostForm {
		if len(vs) > 0 {
			f.Values[k] = strings.TrimSpace(vs[0])
		}
	}
	val := func(format string, i int) string { return f.Values[fmt.Sprintf(format, i)] }
	f.Goals, f.Measures = min(atoiOr0(f.Values["goal_rows"]), 50), min(atoiOr0(f.Values["measure_rows"]), 50)
	var pl participant.Plan
	position := map[int]int{} // row -> position of a kept goal
	for i := 0; i < f.Goals; i++ {
		text := val("goal_text_%d", i)
		if text == "" {
			continue
		}
		g := participant.Goal{Position: len(pl.Goals) + 1, Text: text, Status: val("goal_status_%d", i)}
		field := fmt.Sprintf("goal_text_%d", i)
		if len([]rune(text)) > 500 {
			f.Errors.Add(field, fmt.Sprintf("Mål %d: högst 500 tecken.", i+1))
		}
		if g.Status == "" {
			g.Status = "not_started"
		} else if !slices.Contains(participant.GoalStatuses, g.Status) {
			f.Errors.Add(fmt.Sprintf("goal_status_%d", i), fmt.Sprintf("Mål %d: välj ett läge i listan.", i+1))
		}
		if p := val("goal_parent_%d", i); p != "" {
			row, err := strconv.Atoi(p)
			pos, kept := position[row]
			switch {
			case err != nil || row >= i || !kept:
				f.Errors.Add(fmt.Sprintf("goal_parent_%d", i), fmt.Sprintf("Mål %d: ett delmål hör till ett mål ovanför som har text.", i+1))
			case pl.Goals[pos-1].Parent != nil:
				f.Errors.Add(fmt.Sprintf("goal_parent_%d", i), fmt.Sprintf("Mål %d: ett delmål kan inte höra till ett annat delmål.", i+1))
			default:
				g.Parent = &pos
			}
		}
		position[i] = g.Position
		pl.Goals = append(pl.Goals, g)
	}
	for i := 0; i < f.Measures; i++ {
		m := participant.Measure{Type: val("measure_type_%d", i), Description: val("measure_description_%d", i),
			Responsible: val("measure_responsible_%d", i), ResponsibleUnit: val("measure_unit_%d", i)}
		goals := measureGoalRows(f, i)
		if m.Type == "" && m.Description == "" && m.Responsible == "" && m.ResponsibleUnit == "" && len(goals) == 0 &&
			val("measure_starts_%d", i) == "" && val("measure_ends_%d", i) == "" && val("measure_follow_up_%d", i) == "" {
			continue
		}
		n := i + 1
		field := func(name string) string { return fmt.Sprintf("measure_%s_%d", name, i) }
		if !slices.Contains(participant.MeasureTypes, m.Type) {
			f.Errors.Add(field("type"), fmt.Sprintf("Åtgärd %d: välj typ av åtgärd.", n))
		}
		if !slices.Contains(participant.Responsibles, m.Responsible) {
			f.Errors.Add(field("responsible"), fmt.Sprintf("Åtgärd %d: välj vem som ansvarar.", n))
		} else if slices.Contains(codes.CareResponsibles, m.Responsible) && !inProject {
			f.Errors.Add(field("responsible"), fmt.Sprintf("Åtgärd %d: socialtjänsten och hälso- och sjukvården kan bara stå som ansvariga för den som är med i ett projekt. KAA-registret får inte innehålla uppgifter om vård: en åtgärd som kommunen genomför står som Kommunen.", n))
		} else if participant.NamedResponsible(m.Responsible) && m.ResponsibleUnit == "" {
			f.Errors.Add(field("unit"), fmt.Sprintf("Åtgärd %d: skriv namnet på aktören som ansvarar, till exempel skolans namn.", n))
		}
		if len([]rune(m.Description)) > 500 {
			f.Errors.Add(field("description"), fmt.Sprintf("Åtgärd %d: högst 500 tecken.", n))
		}
		if len([]rune(m.ResponsibleUnit)) > 200 {
			f.Errors.Add(field("unit"), fmt.Sprintf("Åtgärd %d: högst 200 tecken.", n))
		}
		m.StartsOn = plannedDate(&f, field("starts"), val("measure_starts_%d", i), now, fmt.Sprintf("Åtgärd %d: skriv startdatum som ÅÅÅÅ-MM-DD, inom fem år.", n))
		m.FollowUpOn = plannedDate(&f, field("follow_up"), val("measure_follow_up_%d", i), now, fmt.Sprintf("Åtgärd %d: skriv uppföljningsdatum som ÅÅÅÅ-MM-DD, inom fem år.", n))
		if m.FollowUpOn != nil && m.StartsOn != nil && m.FollowUpOn.Before(*m.StartsOn) {
			f.Errors.Add(field("follow_up"), fmt.Sprintf("Åtgärd %d: uppföljningsdatum före startdatum.", n))
		}
		if d, msg := parseDate(val("measure_ends_%d", i), now, false); msg != "" {
			f.Errors.Add(field("ends"), fmt.Sprintf("Åtgärd %d, slutdatum: %s", n, msg))
		} else if !d.IsZero() {
			m.EndsOn = &d
			if m.StartsOn != nil && d.Before(*m.StartsOn) {
				f.Errors.Add(field("ends"), fmt.Sprintf("Åtgärd %d: slutdatum före startdatum.", n))
			}
		}
		reason := val("measure_end_reason_%d", i)
		switch {
		case reason == "declined" && m.StartsOn != nil:
			// A declined åtgärd never started (SCB's check declined_started):
			// it has no start date, and its end date is the day it was
			// declined. The young person stays in KAA.
			f.Errors.Add(field("starts"), fmt.Sprintf("Åtgärd %d: en åtgärd som den unga tackade nej till har inget startdatum – den påbörjades aldrig. Började den unga och slutade sedan: välj Avbruten.", n))
		case reason == "declined" && m.EndsOn == nil:
			f.Errors.Add(field("ends"), fmt.Sprintf("Åtgärd %d: skriv dagen den unga tackade nej som slutdatum.", n))
		case m.EndsOn != nil && !slices.Contains(participant.MeasureEndReasons, reason):
			f.Errors.Add(field("end_reason"), fmt.Sprintf("Åtgärd %d: välj varför åtgärden slutade.", n))
		case m.EndsOn == nil && reason != "":
			f.Errors.Add(field("ends"), fmt.Sprintf("Åtgärd %d: skriv när åtgärden slutade.", n))
		case m.EndsOn != nil:
			m.EndReason = &reason
		}
		if m.EndsOn == nil && m.FollowUpOn == nil {
			f.Errors.Add(field("follow_up"), fmt.Sprintf("Åtgärd %d: skriv när åtgärden ska följas upp.", n))
		}
		for _, row := range goals {
			pos, kept := position[row]
			if !kept {
				f.Errors.Add(field("goals"), fmt.Sprintf("Åtgärd %d: kan bara kopplas till ett mål med text i den här planen.", n))
				break
			}
			m.Goals = append(m.Goals, pos)
		}
		m.Position = len(pl.Measures) + 1
		pl.Measures = append(pl.Measures, m)
	}
	if len(pl.Goals) == 0 {
		f.Errors.Add("goal_text_0", "Skriv minst ett mål tillsammans med den unga.")
	}
	if s := f.Values["follow_up_on"]; s != "" {
		if d, err := time.Parse(time.DateOnly, s); err != nil || !plausible(d, now) {
			f.Errors.Add("follow_up_on", "Skriv datumet som ÅÅÅÅ-MM-DD, inom fem år.")
		} else {
			pl.FollowUpOn = &d
		}
	} else {
		f.Errors.Add("follow_up_on", "Skriv när planen ska följas upp.")
	}
	if d, msg := parseDate(f.Values["agreed_on"], now, false); msg != "" {
		f.Errors.Add("agreed_on", msg)
	} else if !d.IsZero() {
		pl.AgreedOn = &d
	}
	pl.ChangeNote = f.Values["change_note"]
	if len([]rune(pl.ChangeNote)) > 500 {
		f.Errors.Add("change_note", "Högst 500 tecken.")
	}
	return pl, f
}

func (h *Handler) savePlan(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 128<<10)
	r.ParseForm()
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

// measureGoalRows are the goal rows the boxes of åtgärd i tick
// (measure_goal_<i>_<row>), in order; a row that is no number is -1.
func measureGoalRows(f views.PlanFormView, i int) []int {
	prefix := fmt.Sprintf("measure_goal_%d_", i)
	var rows []int
	for k, v := range f.Values {
		if rest, ok := strings.CutPrefix(k, prefix); ok && v != "" {
			row, err := strconv.Atoi(rest)
			if err != nil {
				row = -1
			}
			rows = append(rows, row)
		}
	}
	slices.Sort(rows)
	return slices.Compact(rows)
}

// plannedDate parses an optional planned date within five years of now, and
// adds msg to the form's errors under field when it is not one.
func plannedDate(f *views.PlanFormView, field, s string, now time.Time, msg string) *time.Time {
	if s == "" {
		return nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || !plausible(d, now) {
		f.Errors.Add(field, msg)
		return nil
	}
	return &d
}

// plausible reports whether a planned date lies within five years of now.
func plausible(d, now time.Time) bool {
	return d.After(now.AddDate(-5, 0, 0)) && d.Before(now.AddDate(5, 0, 0))
}

func staleMessage(e *participant.StaleError) string {
	return fmt.Sprintf("%s sparade version %d %s medan du skrev. Öppna den senaste versionen och gör dina ändringar där, så skrivs inget över.",
		e.By, e.Version, views.DateTime(e.At))
}

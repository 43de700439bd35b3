package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

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

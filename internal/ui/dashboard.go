package ui

import (
	"cmp"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/dashboard"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/scb"
	"github.com/kaa-plattform/kaa/internal/sv"
	"github.com/kaa-plattform/kaa/internal/table"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// dashboardPeriod reads ?period= ("2026-2" for a half-year, "12m" for the
// last twelve months); the default is the current half-year.
func dashboardPeriod(q url.Values) (dashboard.Period, string, string) {
	now := today()
	if q.Get("period") == "12m" {
		return dashboard.Period{From: now.AddDate(-1, 0, 1), To: now}, "12m", "De senaste tolv månaderna"
	}
	h, ok := scb.ParseHalfYear(q.Get("period"))
	if !ok {
		h = scb.Current(now)
	}
	label := "Perioden är " + h.Label()
	return dashboard.Period{From: h.Start(), To: h.End()}, h.String(), label
}

func pct(n, of int) string {
	if of == 0 {
		return "–"
	}
	return fmt.Sprintf("%d %%", int(math.Round(100*float64(n)/float64(of))))
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// dashboardView computes the municipality's dashboard for the request.
func (h *Handler) dashboardView(r *http.Request) (views.DashboardView, error) {
	ctx := r.Context()
	o := orgFrom(ctx)
	q := r.URL.Query()
	period, key, label := dashboardPeriod(q)
	v := views.DashboardView{Base: "/k/" + o.Key + "/statistik", Period: key, PeriodLabel: label, Subproject: atoiOr0(q.Get("delprojekt"))}
	for hy, i := scb.Current(today()), 0; i < 4; hy, i = hy.Prev(), i+1 {
		v.Periods = append(v.Periods, views.Option{Value: hy.String(), Label: "Halvåret " + hy.Label()})
	}
	v.Periods = append(v.Periods, views.Option{Value: "12m", Label: "De senaste tolv månaderna"})
	query := url.Values{"period": {key}}
	if v.Subproject != 0 {
		query.Set("delprojekt", fmt.Sprint(v.Subproject))
	}
	v.Query = query.Encode()
	var m dashboard.Municipality
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		if v.Subprojects, err = participant.Subprojects(ctx, tx); err != nil {
			return err
		}
		m, err = dashboard.BuildMunicipality(ctx, tx, period, v.Subproject, today())
		return err
	})
	if err != nil {
		return v, err
	}
	csvURL := func(id string) string { return fmt.Sprintf("%s/tabell/%s?%s", v.Base, id, v.Query) }
	median := func(d *float64) string {
		if d == nil {
			return "–"
		}
		return sv.Count(int(math.Round(*d)), "dag", "dagar")
	}
	identified := sv.Num(m.Identified)
	if m.Planned > 0 {
		identified += fmt.Sprintf(" (planerat %s, %s av målet)", sv.Num(m.Planned), pct(m.Identified, m.Planned))
	}
	women, men := 0, 0
	for _, g := range m.Genders {
		switch g.Gender {
		case "woman":
			women = g.Count
		case "man":
			men = g.Count
		}
	}
	balance := "–"
	if women+men > 0 {
		s := share(women, women+men)
		balance = fmt.Sprintf("%s kvinnor av kvinnor och män: ", pct(women, women+men))
		if s >= 40 && s <= 60 {
			balance += "inom 40–60 %"
		} else {
			balance += "utanför 40–60 %"
		}
	}
	gaps := "–"
	if hy, ok := scb.ParseHalfYear(key); ok {
		var n int
		if err := h.inTenant(r, func(tx db.Tx) (err error) { n, err = scb.FindingCount(ctx, tx, hy, today()); return err }); err != nil {
			return v, err
		}
		gaps = fmt.Sprintf("%s att rätta i halvårsrapporten till SCB", sv.Num(n))
	}
	v.Key = []views.Target{
		{Label: "Identifierade under perioden", Value: identified},
		{Label: "Registrerade i KAA eller inskrivna i projekt någon gång under perioden", Value: sv.Num(m.Population)},
		{Label: "Median från identifierad till första kontaktförsök", Value: median(m.MedianDaysAttempt)},
		{Label: "Median från identifierad till första kontakt som nådde fram", Value: median(m.MedianDaysReached)},
		{Label: "Könsfördelning", Value: balance},
		{Label: "Luckor i SCB-rapporten", Value: gaps},
		{Label: "Kontakter med okänd sysselsättning", Value: fmt.Sprintf("%s (%s av %s)", pct(m.OccupationUnknown, m.ContactsInPeriod), sv.Num(m.OccupationUnknown), sv.Num(m.ContactsInPeriod))},
	}

	list := views.Figure{ID: "kaa-lista", Kind: "line", Title: "KAA-listans storlek vid varje månads slut", Head: []string{"Månad", "Antal"}, CSV: csvURL("kaa-lista")}
	for _, mc := range m.ListSize {
		list.Bars = append(list.Bars, views.Bar{Label: views.MonthLabel(mc), Value: float64(mc.Count), Text: sv.Num(mc.Count)})
		list.Rows = append(list.Rows, []table.Cell{table.M(mc.Month), table.N(mc.Count)})
	}
	if n := len(m.ListSize); n > 0 {
		list.Summary = fmt.Sprintf("Listan hade %s för två år sedan och %s nu.", sv.Count(m.ListSize[0].Count, "ungdom", "ungdomar"), sv.Num(m.ListSize[n-1].Count))
	}

	shares := views.Figure{ID: "andelar", Title: "Andel av de registrerade och projektdeltagarna under perioden", Head: []string{"Andel", "Antal", "Procent"}, CSV: csvURL("andelar")}
	counts := m.Indicators()
	for _, ind := range dashboard.Shares {
		n := counts[ind.Key]
		shares.Bars = append(shares.Bars, views.Bar{Label: ind.Label, Value: share(n, m.Population), Text: pct(n, m.Population)})
		shares.Rows = append(shares.Rows, []table.Cell{table.T(ind.Label), table.N(n), table.Pct(n, m.Population)})
	}
	shares.Summary = fmt.Sprintf("Av %s har %s haft kontaktförsök, %s nåtts och %s en handlingsplan.",
		sv.Count(m.Population, "registrerad eller projektdeltagare", "registrerade och projektdeltagare"), pct(m.Contacted, m.Population), pct(m.Reached, m.Population), pct(m.WithPlan, m.Population))

	channels := views.Figure{ID: "kanaler", Title: "Hur ofta kontakten nådde fram, per kanal", Head: []string{"Kanal", "Försök", "Nådda", "Andel nådda"}, CSV: csvURL("kanaler")}
	for _, c := range m.Channels {
		channels.Bars = append(channels.Bars, views.Bar{Label: views.Label("channel", c.Channel), Value: share(c.Reached, c.Attempts), Text: pct(c.Reached, c.Attempts)})
		channels.Rows = append(channels.Rows, []table.Cell{table.T(views.Label("channel", c.Channel)), table.N(c.Attempts), table.N(c.Reached), table.Pct(c.Reached, c.Attempts)})
	}
	if len(m.Channels) > 0 {
		channels.Summary = fmt.Sprintf("%s nådde fram oftast: %s av försöken.", views.Label("channel", m.Channels[0].Channel), pct(m.Channels[0].Reached, m.Channels[0].Attempts))
	} else {
		channels.Summary = "Inga kontakter under perioden."
	}

	byGender := views.Figure{ID: "kon", Title: "Registrerade och projektdeltagare efter kön", Head: []string{"Kön", "Antal", "Andel"}, CSV: csvURL("kon"), Summary: balance}
	// Women, men, non-binary, not stated: the order of the form and of the
	// outcomes chart's legend, not of the codes.
	slices.SortStableFunc(m.Genders, func(a, b dashboard.Cell) int {
		return cmp.Compare(slices.Index(genders, a.Gender), slices.Index(genders, b.Gender))
	})
	for _, g := range m.Genders {
		byGender.Bars = append(byGender.Bars, views.Bar{Label: views.Label("gender", g.Gender), Value: float64(g.Count), Text: sv.Num(g.Count)})
		byGender.Rows = append(byGender.Rows, []table.Cell{table.T(views.Label("gender", g.Gender)), table.N(g.Count), table.Pct(g.Count, m.Population)})
	}

	outcomes := views.Figure{ID: "utfall", Kind: "stacked", Legend: []string{"Kvinnor", "Män", "Icke-binära", "Ej angivet"}, Title: "Var de unga var vid uppföljningarna", Head: []string{"Uppföljning och sysselsättning", "Kvinnor", "Män", "Icke-binära", "Ej angivet", "Totalt"}, CSV: csvURL("utfall")}
	byCat := map[string]map[string]int{}
	for _, c := range m.Outcomes {
		if byCat[c.Category] == nil {
			byCat[c.Category] = map[string]int{}
		}
		byCat[c.Category][c.Gender] += c.Count
	}
	cats := make([]string, 0, len(byCat))
	for c := range byCat {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	// At exit before six months after, each in Swedish order of the occupation.
	sv.SortBy(cats, func(c string) string {
		kind, occ, _ := strings.Cut(c, ":")
		return kind + " " + views.Label("occupation", occ)
	})
	for _, c := range cats {
		g := byCat[c]
		total := g["woman"] + g["man"] + g["non_binary"] + g["not_stated"]
		kind, occ, _ := strings.Cut(c, ":")
		label := views.Label("followup_short", kind) + ": " + views.Label("occupation", occ)
		outcomes.Stacks = append(outcomes.Stacks, views.Stack{Label: label, Text: sv.Num(total),
			Parts: []float64{float64(g["woman"]), float64(g["man"]), float64(g["non_binary"]), float64(g["not_stated"])}})
		outcomes.Rows = append(outcomes.Rows, []table.Cell{table.T(label), table.N(g["woman"]), table.N(g["man"]), table.N(g["non_binary"]), table.N(g["not_stated"]), table.N(total)})
	}
	done := map[string]int{}
	for _, c := range m.Outcomes {
		kind, _, _ := strings.Cut(c.Category, ":")
		done[kind] += c.Count
	}
	outcomes.Summary = fmt.Sprintf("Uppföljningar under perioden: %s vid avslut och %s sex månader efter avslut.", sv.Num(done["exit"]), sv.Num(done["six_months"]))

	survey := views.Figure{ID: "enkat", Title: "De ungas egna svar vid avslut, mot målen i #KlarFramtid", Head: []string{"Fråga och kön", "Ja", "Svarade", "Andel ja", "Mål", "Uppnått"}, CSV: csvURL("enkat")}
	// #KlarFramtid's goals, the project targets' defaults (dashboard.Targets).
	targets := map[string]float64{}
	for _, q := range codes.SurveyQuestion.Keys() {
		t, _ := dashboard.SurveyTarget(q)
		targets[q] = t.Goal
	}
	answered, reached := 0, 0 // questions × genders with answers, and of them those that reach the target
	slices.SortStableFunc(m.Survey, func(a, b dashboard.SurveyShare) int {
		return cmp.Or(cmp.Compare(slices.Index(codes.SurveyQuestion.Keys(), a.Question), slices.Index(codes.SurveyQuestion.Keys(), b.Question)),
			cmp.Compare(slices.Index(genders, a.Gender), slices.Index(genders, b.Gender)))
	})
	for _, s := range m.Survey {
		label := views.Label("survey_question", s.Question) + ", " + views.Label("gender_plural", s.Gender)
		met := "–"
		if s.Answered > 0 {
			met = yesNo(share(s.Yes, s.Answered) >= targets[s.Question])
			answered++
			if met == "ja" {
				reached++
			}
		}
		survey.Bars = append(survey.Bars, views.Bar{Label: label, Value: share(s.Yes, s.Answered), Text: pct(s.Yes, s.Answered)})
		survey.Rows = append(survey.Rows, []table.Cell{table.T(label), table.N(s.Yes), table.N(s.Answered), table.Pct(s.Yes, s.Answered), table.T(fmt.Sprintf("minst %.0f %%", targets[s.Question])), table.T(met)})
	}
	survey.Summary = fmt.Sprintf("%s av %s mål nåddes, räknat för kvinnor och män var för sig.", sv.Num(reached), sv.Num(answered))
	if answered == 0 {
		survey.Summary = "Ingen svarade på frågorna vid avslut under perioden."
	}

	v.Figures = []views.Figure{list, shares, channels, byGender, outcomes, survey}
	return v, nil
}

func (h *Handler) municipalityDashboard(w http.ResponseWriter, r *http.Request) {
	if !h.queryInBounds(w, r, r.URL.Query()) {
		return
	}
	v, err := h.dashboardView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.Dashboard(h.page(r, "Statistik"), v))
}

// dashboardTable downloads the numbers of one chart as CSV.
func (h *Handler) dashboardTable(w http.ResponseWriter, r *http.Request) {
	if !h.queryInBounds(w, r, r.URL.Query()) {
		return
	}
	v, err := h.dashboardView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id := chi.URLParam(r, "table")
	for _, f := range v.Figures {
		if f.ID != id {
			continue
		}
		h.writeTable(w, r, fmt.Sprintf("kaa-statistik-%s-%s", id, v.Period), "Statistik",
			table.Table{Title: f.Title + ", " + orgFrom(r.Context()).Name, Period: v.PeriodLabel, Head: f.Head, Rows: f.Rows})
		return
	}
	h.notFound(w, r)
}

package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/kaa-plattform/kaa/internal/dashboard"
	"github.com/kaa-plattform/kaa/internal/org"
	"github.com/kaa-plattform/kaa/internal/scb"
	"github.com/kaa-plattform/kaa/internal/sv"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// The rows of the umbrella's main table, in order; the genders also sum to
// the participants of each municipality.
var (
	umbrellaRows = [][2]string{
		{"participants", "Deltagare under perioden"}, {"identified", "Identifierade under perioden"},
		{"contacted", "Minst ett kontakttillfälle"}, {"reached", "Nådda"}, {"with_plan", "Med handlingsplan"},
		{"gender_woman", "Kvinnor"}, {"gender_man", "Män"}, {"gender_non_binary", "Icke-binära"}, {"gender_not_stated", "Kön ej angivet"},
	}
	surveyQuestions = []string{"long_term_goal", "clear_plan", "respect", "no_barrier"}
	surveyTargets   = map[string]string{"long_term_goal": "survey_long_term_goal_min", "clear_plan": "survey_clear_plan_min",
		"respect": "survey_respect_min", "no_barrier": "survey_no_access_barrier_min"}
)

func (h *Handler) umbrellaView(r *http.Request) (views.UmbrellaView, error) {
	ctx := r.Context()
	pr := projectFrom(ctx)
	period, key, label := dashboardPeriod(r.URL.Query())
	v := views.UmbrellaView{Base: "/p/" + pr.Key + "/paraply", ProjectName: pr.Name, Period: key, PeriodLabel: label}
	for hy, i := scb.Current(today()), 0; i < 4; hy, i = hy.Prev(), i+1 {
		v.Periods = append(v.Periods, views.Option{Value: hy.String(), Label: "Halvåret " + hy.Label()})
	}
	v.Periods = append(v.Periods, views.Option{Value: "12m", Label: "De senaste tolv månaderna"})
	members, err := org.Members(ctx, h.pool, pr.ID)
	if err != nil {
		return v, err
	}
	targets, err := org.Targets(ctx, h.pool, pr.ID)
	if err != nil {
		return v, err
	}
	ids := make([]int, len(members))
	head := []string{"Indikator"}
	for i, m := range members {
		ids[i] = m.ID
		head = append(head, m.Name)
	}
	head = append(head, "Hela projektet")
	u, err := dashboard.BuildUmbrella(ctx, h.pool, principalFrom(ctx).UserID, pr.ID, ids, period, today())
	if err != nil {
		return v, err
	}
	csvURL := func(id string) string {
		return fmt.Sprintf("%s/tabell/%s?%s", v.Base, id, url.Values{"period": {key}}.Encode())
	}

	// One matrix for the main table: rows × (municipalities + total); the
	// genders also sum to the participants.
	cols := len(ids) + 1
	mainKeys := keysOf(umbrellaRows)
	mm := suppressRows(u, ids, mainKeys, [][]string{append([]string{"participants"}, mainKeys[5:9]...)})
	counts, hide := mm.counts, mm.hide
	main := mm.table(head, "indikatorer", "Indikatorer per kommun", csvURL("indikatorer"), umbrellaRows)
	// Shares only where both counts are shown.
	shares := views.UmbrellaTable{ID: "andelar", Caption: "Andelar per kommun", Head: head, CSV: csvURL("andelar")}
	for _, r := range []int{2, 3, 4} {
		line := []string{umbrellaRows[r][1] + " (andel)"}
		for c := 0; c < cols; c++ {
			if hide[r][c] || hide[0][c] {
				line = append(line, "–")
			} else {
				line = append(line, pct(counts[r][c], counts[0][c]))
			}
		}
		shares.Rows = append(shares.Rows, line)
	}
	balance := []string{"Andel kvinnor av kvinnor och män"}
	for c := 0; c < cols; c++ {
		w, m := counts[5][c], counts[6][c]
		if hide[5][c] || hide[6][c] || w+m == 0 {
			balance = append(balance, "–")
		} else {
			balance = append(balance, pct(w, w+m))
		}
	}
	shares.Rows = append(shares.Rows, balance)

	// The exit survey: yes, no and answered per question and gender.
	survey := views.UmbrellaTable{ID: "enkat", Caption: "Svar vid avslut: andel ja", Head: head, CSV: csvURL("enkat")}
	outcome := map[string]string{}
	for _, q := range surveyQuestions {
		for _, g := range []string{"woman", "man"} {
			sc := make([][]int, 3) // yes, no, answered
			for i := range sc {
				sc[i] = make([]int, cols)
			}
			for c, id := range ids {
				yes, answered := u.Count(id, fmt.Sprintf("survey_%s_%s_yes", q, g)), u.Count(id, fmt.Sprintf("survey_%s_%s_answered", q, g))
				sc[0][c], sc[1][c], sc[2][c] = yes, answered-yes, answered
				sc[0][cols-1] += yes
				sc[1][cols-1] += answered - yes
				sc[2][cols-1] += answered
			}
			var sg [][][2]int
			for r := 0; r < 3; r++ {
				g := make([][2]int, cols)
				for c := range g {
					g[c] = [2]int{r, c}
				}
				sg = append(sg, g)
			}
			for c := 0; c < cols; c++ {
				sg = append(sg, [][2]int{{0, c}, {1, c}, {2, c}})
			}
			sh := dashboard.Suppressed(sc, sg)
			line := []string{views.Label("survey_question", q) + ", " + views.Label("gender_plural", g)}
			for c := 0; c < cols; c++ {
				text := "–"
				if sc[2][c] > 0 && !sh[0][c] && !sh[1][c] {
					text = pct(sc[0][c], sc[2][c])
				}
				line = append(line, text)
			}
			survey.Rows = append(survey.Rows, line)
			outcome[q+"/"+g] = line[len(line)-1]
		}
	}
	// Medians only where at least five people stand behind them (the function leaves the rest out).
	for _, md := range []struct{ key, label string }{{"median_attempt_days", "Median dagar till första kontaktförsök"}, {"median_reached_days", "Median dagar till första kontakt som nådde fram"}} {
		line := []string{md.label}
		for _, id := range ids {
			if n, ok := u.Counts[id][md.key]; ok {
				line = append(line, sv.Num(n))
			} else {
				line = append(line, "–")
			}
		}
		shares.Rows = append(shares.Rows, append(line, "–"))
	}
	// The channels' attempts sum to the contacts of the period: suppressed
	// together, or a hidden channel could be worked out from the total.
	channelRows := prefixed(u, "channel_", func(k string) string {
		// channel_<code>_<attempts|reached>; codes have underscores too (home_visit).
		rest := strings.TrimPrefix(k, "channel_")
		i := strings.LastIndex(rest, "_")
		ch, what := rest[:max(i, 0)], rest[i+1:]
		return views.Label("channel", ch) + map[string]string{"attempts": ", försök", "reached": ", nådda"}[what]
	})
	contactRows := [][2]string{{"contacts", "Kontakter under perioden"}, {"contacts_unknown", "… med okänd sysselsättning"}}
	contactKeys := keysOf(append(contactRows, channelRows...))
	var attempts []string
	for _, k := range contactKeys {
		if strings.HasSuffix(k, "_attempts") {
			attempts = append(attempts, k)
		}
	}
	cm := suppressRows(u, ids, contactKeys, [][]string{append([]string{"contacts"}, attempts...)})
	channels := cm.table(head, "kanaler", "Kontaktförsök och nådda per kanal", csvURL("kanaler"), channelRows)
	outcomeRows := prefixed(u, "outcome_", func(k string) string {
		rest := strings.TrimPrefix(k, "outcome_")
		kind := "exit"
		if strings.HasPrefix(rest, "six_months_") {
			kind, rest = "six_months", strings.TrimPrefix(rest, "six_months_")
		} else {
			rest = strings.TrimPrefix(rest, "exit_")
		}
		i := strings.LastIndex(rest, "_")
		if strings.HasSuffix(rest, "_non_binary") || strings.HasSuffix(rest, "_not_stated") {
			i = strings.LastIndex(rest[:i], "_")
		}
		return views.Label("followup_short", kind) + ": " + views.Label("occupation", rest[:i]) + ", " + views.Label("gender_plural", rest[i+1:])
	})
	outcomes := suppressRows(u, ids, keysOf(outcomeRows), nil).table(head, "utfall", "Var de unga var vid uppföljningarna, efter kön", csvURL("utfall"), outcomeRows)
	unknown := cm.table(head, "sysselsattning", "Kontakter och okänd sysselsättning", csvURL("sysselsattning"), contactRows)
	list, listChart := umbrellaList(u, ids, head, csvURL("kaa-lista"))
	v.Tables = []views.UmbrellaTable{main, shares, list, survey, channels, outcomes, unknown}

	chart := views.Figure{ID: "deltagare", Title: "Deltagare per kommun under perioden"}
	for c, m := range members {
		chart.Bars = append(chart.Bars, shownBar(m.Name, counts[0][c], hide[0][c]))
	}
	chart.Summary = fmt.Sprintf("Projektet hade %s deltagare under perioden.", dashboard.Show(counts[0][cols-1], hide[0][cols-1]))
	v.Charts = []views.Figure{chart, listChart}

	for _, t := range targets {
		switch t.Indicator {
		case "planned_participants":
			// The target is for the project's whole life: count everyone from its start.
			full, err := org.ProjectByKey(ctx, h.pool, pr.Key)
			if err != nil {
				return v, err
			}
			life, err := dashboard.ProjectParticipants(ctx, h.pool, principalFrom(ctx).UserID, pr.ID, dashboard.Period{From: full.StartsOn, To: today()})
			if err != nil {
				return v, err
			}
			n := 0
			for _, id := range ids {
				n += life[id]
			}
			v.Targets = append(v.Targets, []string{"Planerade deltagare under hela projektet", sv.Num(int(t.Target)),
				fmt.Sprintf("%s sedan projektets start", dashboard.Show(n, n > 0 && n < dashboard.MinCell)), yesNo(float64(n) >= t.Target)})
		case "women_share_min":
			v.Targets = append(v.Targets, []string{"Andel kvinnor, minst", fmt.Sprintf("%.0f %%", t.Target), balance[len(balance)-1],
				yesNo(balance[len(balance)-1] != "–" && share(counts[5][cols-1], counts[5][cols-1]+counts[6][cols-1]) >= t.Target)})
		case "women_share_max":
			v.Targets = append(v.Targets, []string{"Andel kvinnor, högst", fmt.Sprintf("%.0f %%", t.Target), balance[len(balance)-1],
				yesNo(balance[len(balance)-1] != "–" && share(counts[5][cols-1], counts[5][cols-1]+counts[6][cols-1]) <= t.Target)})
		}
		for _, q := range surveyQuestions {
			if surveyTargets[q] != t.Indicator {
				continue
			}
			for _, g := range []string{"woman", "man"} {
				got := outcome[q+"/"+g]
				met := "–"
				if got != "–" {
					var n float64
					fmt.Sscanf(got, "%f", &n)
					met = yesNo(n >= t.Target)
				}
				v.Targets = append(v.Targets, []string{views.Label("survey_question", q) + ", " + views.Label("gender_plural", g), fmt.Sprintf("minst %.0f %%", t.Target), got, met})
			}
		}
	}
	return v, nil
}

// umbrellaList is the members' KAA lists at the end of each month, a row
// per month summing to the project's, and a chart of the project's list.
func umbrellaList(u dashboard.Umbrella, ids []int, head []string, csv string) (views.UmbrellaTable, views.Figure) {
	cols := len(ids) + 1
	counts := make([][]int, len(u.Months))
	groups := make([][][2]int, len(u.Months))
	for r := range u.Months {
		counts[r] = make([]int, cols)
		for c := 0; c < cols; c++ {
			if c < len(ids) {
				counts[r][c] = u.List[ids[c]][r]
				counts[r][cols-1] += counts[r][c]
			}
			groups[r] = append(groups[r], [2]int{r, c})
		}
	}
	hide := dashboard.Suppressed(counts, groups)
	t := views.UmbrellaTable{ID: "kaa-lista", Caption: "KAA-listans storlek vid varje månads slut", Head: append([]string{"Månad"}, head[1:]...), CSV: csv}
	f := views.Figure{ID: "kaa-lista", Kind: "line", Title: "Projektkommunernas KAA-listor tillsammans vid varje månads slut"}
	for r, m := range u.Months {
		label := views.MonthLabel(dashboard.MonthCount{Month: m})
		line := []string{label}
		for c := 0; c < cols; c++ {
			line = append(line, dashboard.Show(counts[r][c], hide[r][c]))
		}
		t.Rows = append(t.Rows, line)
		f.Bars = append(f.Bars, shownBar(label, counts[r][cols-1], hide[r][cols-1]))
	}
	if n := len(u.Months); n > 0 {
		f.Summary = fmt.Sprintf("Listorna hade tillsammans %s ungdomar för två år sedan och %s nu.",
			dashboard.Show(counts[0][cols-1], hide[0][cols-1]), dashboard.Show(counts[n-1][cols-1], hide[n-1][cols-1]))
	}
	return t, f
}

// shownBar is a bar of a count that may be hidden: a hidden count draws no bar.
func shownBar(label string, n int, hidden bool) views.Bar {
	value := float64(n)
	if hidden {
		value = 0
	}
	return views.Bar{Label: label, Value: value, Text: dashboard.Show(n, hidden)}
}

func yesNo(b bool) string {
	if b {
		return "ja"
	}
	return "nej"
}

func (h *Handler) umbrella(w http.ResponseWriter, r *http.Request) {
	v, err := h.umbrellaView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.Umbrella(h.page(r, "Projektparaply"), v))
}

func (h *Handler) umbrellaTable(w http.ResponseWriter, r *http.Request) {
	v, err := h.umbrellaView(r)
	h.downloadTable(w, r, err, "paraply", v.Period, v.Tables)
}

// downloadTable writes the table {table} of tables as CSV or .xlsx, named
// after the page and the period; a table the page does not have is not found.
func (h *Handler) downloadTable(w http.ResponseWriter, r *http.Request, err error, page, period string, tables []views.UmbrellaTable) {
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id := chi.URLParam(r, "table")
	for _, t := range tables {
		if t.ID == id {
			h.writeTable(w, r, fmt.Sprintf("%s-%s-%s", page, id, period), t.Head, t.Rows)
			return
		}
	}
	h.notFound(w, r)
}

// prefixed lists, in Swedish order of their labels, the indicators starting with prefix that
// any member has, with their labels.
func prefixed(u dashboard.Umbrella, prefix string, label func(string) string) [][2]string {
	seen := map[string]bool{}
	for _, counts := range u.Counts {
		for k := range counts {
			if strings.HasPrefix(k, prefix) {
				seen[k] = true
			}
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys) // a stable start, for labels that are the same
	out := make([][2]string, len(keys))
	for i, k := range keys {
		out[i] = [2]string{k, label(k)}
	}
	sv.SortBy(out, func(row [2]string) string { return row[1] })
	return out
}

func keysOf(rows [][2]string) []string {
	keys := make([]string, len(rows))
	for i, row := range rows {
		keys[i] = row[0]
	}
	return keys
}

// cells are counts per member with the project total in the last column,
// suppressed together.
type cells struct {
	row    map[string]int
	counts [][]int
	hide   [][]bool
}

// suppressRows reads the indicators keys per member of u, adds the project
// total, and hides 1–4 as "<5" and, where a shown total would reveal a hidden
// cell, a second one. Each row sums to its total; each of sums is a row that
// is, in every column, the sum of the rows after it.
func suppressRows(u dashboard.Umbrella, ids []int, keys []string, sums [][]string) cells {
	cols := len(ids) + 1
	m := cells{row: map[string]int{}, counts: make([][]int, len(keys))}
	var groups [][][2]int
	for r, k := range keys {
		m.row[k] = r
		m.counts[r] = make([]int, cols)
		g := make([][2]int, cols)
		for c := range g {
			if c < len(ids) {
				m.counts[r][c] = u.Count(ids[c], k)
				m.counts[r][cols-1] += m.counts[r][c]
			}
			g[c] = [2]int{r, c}
		}
		groups = append(groups, g)
	}
	for _, sum := range sums {
		for c := 0; c < cols; c++ {
			var g [][2]int
			for _, k := range sum {
				g = append(g, [2]int{m.row[k], c})
			}
			groups = append(groups, g)
		}
	}
	m.hide = dashboard.Suppressed(m.counts, groups)
	return m
}

// table shows the rows (indicator, label) of m, which must hold them.
func (m cells) table(head []string, id, caption, csv string, rows [][2]string) views.UmbrellaTable {
	t := views.UmbrellaTable{ID: id, Caption: caption, Head: head, CSV: csv}
	for _, row := range rows {
		r := m.row[row[0]]
		line := []string{row[1]}
		for c := range m.counts[r] {
			line = append(line, dashboard.Show(m.counts[r][c], m.hide[r][c]))
		}
		t.Rows = append(t.Rows, line)
	}
	return t
}

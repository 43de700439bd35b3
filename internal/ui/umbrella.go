package ui

import (
	"fmt"
	"math"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/dashboard"
	"github.com/kaa-plattform/kaa/internal/org"
	"github.com/kaa-plattform/kaa/internal/scb"
	"github.com/kaa-plattform/kaa/internal/sv"
	"github.com/kaa-plattform/kaa/internal/table"
	"github.com/kaa-plattform/kaa/internal/ui/views"
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

	// The indicators, what sums to what and what is hidden are
	// internal/dashboard's, by name; this only renders.
	participants := dashboard.Participants.Key
	woman, man := dashboard.GenderOf("woman").Key, dashboard.GenderOf("man").Key
	mainRows := dashboard.Main()
	mt := u.Table(dashboard.Keys(mainRows), append([]string{participants}, dashboard.Keys(dashboard.Genders())...))
	main := shownTable(mt, head, "indikatorer", "Indikatorer per kommun", csvURL("indikatorer"), mainRows)
	// Shares only where both counts are shown.
	shares := views.UmbrellaTable{ID: "andelar", Caption: "Andelar per kommun", Head: head, CSV: csvURL("andelar")}
	for _, ind := range dashboard.Shares {
		line := []table.Cell{table.T(ind.Label + " (andel)")}
		for _, c := range mt.Cols {
			if mt.Hidden(ind.Key, c) || mt.Hidden(participants, c) {
				line = append(line, table.Hidden(table.Dash))
			} else {
				line = append(line, table.Pct(mt.Count(ind.Key, c), mt.Count(participants, c)))
			}
		}
		shares.Rows = append(shares.Rows, line)
	}
	balance := []table.Cell{table.T("Andel kvinnor av kvinnor och män")}
	for _, c := range mt.Cols {
		w, m := mt.Count(woman, c), mt.Count(man, c)
		switch {
		case mt.Hidden(woman, c) || mt.Hidden(man, c):
			balance = append(balance, table.Hidden(table.Dash))
		default:
			balance = append(balance, table.Pct(w, w+m))
		}
	}
	shares.Rows = append(shares.Rows, balance)

	// The exit survey: yes, no and answered per question and gender, the
	// answered the sum of yes and no.
	survey := views.UmbrellaTable{ID: "enkat", Caption: "Svar vid avslut: andel ja", Head: head, CSV: csvURL("enkat")}
	outcome := map[string]table.Cell{}
	for _, q := range codes.SurveyQuestion.Keys() {
		for _, g := range dashboard.SurveyGenders {
			st := dashboard.NewTable([]string{"yes", "no", "answered"}, ids, func(row string, member int) int {
				yes, answered := u.Count(member, dashboard.SurveyYes(q, g)), u.Count(member, dashboard.SurveyAnswered(q, g))
				return map[string]int{"yes": yes, "no": answered - yes, "answered": answered}[row]
			}, []string{"answered", "yes", "no"})
			line := []table.Cell{table.T(views.Label("survey_question", q) + ", " + views.Label("gender_plural", g))}
			for _, c := range st.Cols {
				switch {
				case st.Hidden("yes", c) || st.Hidden("no", c):
					line = append(line, table.Hidden(table.Dash))
				default:
					line = append(line, table.Pct(st.Count("yes", c), st.Count("answered", c)))
				}
			}
			survey.Rows = append(survey.Rows, line)
			outcome[q+"/"+g] = line[len(line)-1]
		}
	}
	// Medians only where at least five people stand behind them (the function leaves the rest out).
	for _, md := range []dashboard.Indicator{dashboard.MedianAttempt, dashboard.MedianReached} {
		line := []table.Cell{table.T(md.Label)}
		for _, id := range ids {
			if n, ok := u.Counts[id][md.Key]; ok {
				line = append(line, table.N(n))
			} else {
				line = append(line, table.Missing())
			}
		}
		shares.Rows = append(shares.Rows, append(line, table.Missing()))
	}
	// The channels' attempts sum to the contacts of the period: suppressed
	// together, or a hidden channel could be worked out from the total.
	channelRows := u.Present(dashboard.Channels())
	contactRows := []dashboard.Indicator{dashboard.Contacts, dashboard.ContactsUnknown}
	attempts := []string{dashboard.Contacts.Key}
	for _, ind := range channelRows {
		for _, ch := range codes.Channel.Keys() {
			if ind.Key == dashboard.ChannelAttempts(ch).Key {
				attempts = append(attempts, ind.Key)
			}
		}
	}
	ct := u.Table(dashboard.Keys(append(contactRows, channelRows...)), attempts)
	channels := shownTable(ct, head, "kanaler", "Kontaktförsök och nådda per kanal", csvURL("kanaler"), channelRows)
	outcomeRows := u.Present(dashboard.Outcomes())
	outcomes := shownTable(u.Table(dashboard.Keys(outcomeRows)), head, "utfall", "Var de unga var vid uppföljningarna, efter kön", csvURL("utfall"), outcomeRows)
	unknown := shownTable(ct, head, "sysselsattning", "Kontakter och okänd sysselsättning", csvURL("sysselsattning"), contactRows)
	list, listChart := umbrellaList(u, head, csvURL("kaa-lista"))
	v.Tables = []views.UmbrellaTable{main, shares, list, survey, channels, outcomes, unknown}

	chart := views.Figure{ID: "deltagare", Title: "Deltagare per kommun under perioden"}
	for _, m := range members {
		chart.Bars = append(chart.Bars, shownBar(m.Name, mt.Count(participants, m.ID), mt.Hidden(participants, m.ID)))
	}
	chart.Summary = fmt.Sprintf("Projektet hade %s deltagare under perioden.", mt.Text(participants, dashboard.Total))
	v.Charts = []views.Figure{chart, listChart}

	women, womenAndMen := mt.Count(woman, dashboard.Total), mt.Count(woman, dashboard.Total)+mt.Count(man, dashboard.Total)
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
			v.Targets = append(v.Targets, []string{"Andel kvinnor, minst", fmt.Sprintf("%.0f %%", t.Target), balance[len(balance)-1].String(),
				yesNo(balance[len(balance)-1].Kind == table.Share && share(women, womenAndMen) >= t.Target)})
		case "women_share_max":
			v.Targets = append(v.Targets, []string{"Andel kvinnor, högst", fmt.Sprintf("%.0f %%", t.Target), balance[len(balance)-1].String(),
				yesNo(balance[len(balance)-1].Kind == table.Share && share(women, womenAndMen) <= t.Target)})
		}
		for _, q := range codes.SurveyQuestion.Keys() {
			if st, ok := dashboard.SurveyTarget(q); !ok || st.Key != t.Indicator {
				continue
			}
			for _, g := range dashboard.SurveyGenders {
				got := outcome[q+"/"+g]
				met := "–"
				if got.Kind == table.Share {
					met = yesNo(math.Round(100*got.N) >= t.Target) // as the page shows it: whole percent
				}
				v.Targets = append(v.Targets, []string{views.Label("survey_question", q) + ", " + views.Label("gender_plural", g), fmt.Sprintf("minst %.0f %%", t.Target), got.String(), met})
			}
		}
	}
	return v, nil
}

// umbrellaList is the members' KAA lists at the end of each month, a row
// per month summing to the project's, and a chart of the project's list.
func umbrellaList(u dashboard.Umbrella, head []string, csv string) (views.UmbrellaTable, views.Figure) {
	months := make([]string, len(u.Months))
	at := map[string]int{}
	for i, m := range u.Months {
		months[i] = m.Format("2006-01")
		at[months[i]] = i
	}
	lt := dashboard.NewTable(months, u.Orgs, func(month string, member int) int { return u.List[member][at[month]] })
	t := views.UmbrellaTable{ID: "kaa-lista", Caption: "KAA-listans storlek vid varje månads slut", Head: append([]string{"Månad"}, head[1:]...), CSV: csv}
	f := views.Figure{ID: "kaa-lista", Kind: "line", Title: "Projektkommunernas KAA-listor tillsammans vid varje månads slut"}
	for i, m := range u.Months {
		label := views.MonthLabel(dashboard.MonthCount{Month: m})
		line := []table.Cell{table.M(m)}
		for _, c := range lt.Cols {
			line = append(line, shownCell(lt, months[i], c))
		}
		t.Rows = append(t.Rows, line)
		f.Bars = append(f.Bars, shownBar(label, lt.Count(months[i], dashboard.Total), lt.Hidden(months[i], dashboard.Total)))
	}
	if n := len(months); n > 0 {
		f.Summary = fmt.Sprintf("Listorna hade tillsammans %s ungdomar för två år sedan och %s nu.",
			lt.Text(months[0], dashboard.Total), lt.Text(months[n-1], dashboard.Total))
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
	if !h.queryInBounds(w, r, r.URL.Query()) {
		return
	}
	v, err := h.umbrellaView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.Umbrella(h.page(r, "Projektparaply"), v))
}

func (h *Handler) umbrellaTable(w http.ResponseWriter, r *http.Request) {
	if !h.queryInBounds(w, r, r.URL.Query()) {
		return
	}
	v, err := h.umbrellaView(r)
	h.downloadTable(w, r, err, "paraply", "Projektparaply", v.Period, v.PeriodLabel, v.Tables)
}

// downloadTable writes the table {table} of tables as CSV or .xlsx, named
// after the page and the period; a table the page does not have is not found.
func (h *Handler) downloadTable(w http.ResponseWriter, r *http.Request, err error, page, sheetName, period, periodLabel string, tables []views.UmbrellaTable) {
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id := chi.URLParam(r, "table")
	for _, t := range tables {
		if t.ID == id {
			h.writeTable(w, r, fmt.Sprintf("%s-%s-%s", page, id, period), sheetName,
				table.Table{Title: t.Caption + ", " + projectFrom(r.Context()).Name, Period: periodLabel, Head: t.Head, Rows: t.Rows})
			return
		}
	}
	h.notFound(w, r)
}

// shownCell is a count of t, or the count suppressed as the page shows it.
func shownCell(t dashboard.Table, row string, col int) table.Cell {
	if t.Hidden(row, col) {
		return table.Hidden(t.Text(row, col))
	}
	return table.N(t.Count(row, col))
}

// shownTable renders rows of t (which must hold them): the label, then each
// column's count as shown.
func shownTable(t dashboard.Table, head []string, id, caption, csv string, rows []dashboard.Indicator) views.UmbrellaTable {
	out := views.UmbrellaTable{ID: id, Caption: caption, Head: head, CSV: csv}
	for _, row := range rows {
		line := []table.Cell{table.T(row.Label)}
		for _, c := range t.Cols {
			line = append(line, shownCell(t, row.Key, c))
		}
		out.Rows = append(out.Rows, line)
	}
	return out
}

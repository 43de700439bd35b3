package ui

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/kaa-plattform/kaa/internal/dashboard"
	"github.com/kaa-plattform/kaa/internal/org"
	"github.com/kaa-plattform/kaa/internal/scb"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// The ESF+ common indicators, in the tables the page shows. Each table's
// first indicator is the whole its parts add up to; the parts not shown
// (unknown status, age over 29, unknown education) still count in the
// suppression, so that nothing shown gives a small one away.
var esfTables = []struct {
	id, caption string
	rows        [][2]string
	sums        [][]string // a total, then the parts that add up to it
	hidden      []string   // in the sums, not shown
}{
	{id: "deltagare", caption: "Deltagare vid start, efter ställning på arbetsmarknaden, ålder och utbildning",
		rows: [][2]string{{"participants", "Deltagare"}, {"unemployed", "Arbetslösa, även långtidsarbetslösa"}, {"long_term_unemployed", "Långtidsarbetslösa"},
			{"inactive", "Utanför arbetskraften"}, {"employed", "Sysselsatta, även egna företagare"}, {"under_18", "Under 18 år"}, {"age_18_29", "18–29 år"},
			{"isced_0_2", "Grundskola eller kortare (ISCED 0–2)"}, {"isced_3_4", "Gymnasium (ISCED 3–4)"}, {"isced_5_8", "Eftergymnasial (ISCED 5–8)"}},
		sums: [][]string{{"participants", "unemployed", "inactive", "employed", "status_unknown"}, {"participants", "under_18", "age_18_29", "age_30_plus"},
			{"participants", "isced_0_2", "isced_3_4", "isced_5_8", "education_unknown"}},
		hidden: []string{"status_unknown", "age_30_plus", "education_unknown"}},
	{id: "resultat", caption: "Resultat vid avslut (uppföljningar vid avslut under perioden)",
		rows: [][2]string{{"exits", "Uppföljda vid avslut"}, {"job_searching", "Söker arbete"}, {"in_education", "I utbildning"},
			{"qualification", "Har fått en kvalifikation"}, {"employed_at_exit", "I arbete, även egna företagare"}}},
	{id: "sex-manader", caption: "Resultat sex månader efter avslut (uppföljningar under perioden)",
		rows: [][2]string{{"six_months", "Uppföljda sex månader efter avslut"}, {"employed_six_months", "I arbete, även egna företagare"}}},
}

var esfGenders = [][2]string{{"woman", "kvinnor"}, {"man", "män"}, {"non_binary", "icke-binära"}, {"not_stated", "kön ej angivet"}, {"all", "totalt"}}

func (h *Handler) esfView(r *http.Request) (views.ESFView, error) {
	ctx := r.Context()
	pr := projectFrom(ctx)
	period, key, label := dashboardPeriod(r.URL.Query())
	v := views.ESFView{Base: "/p/" + pr.Key + "/esf", ProjectName: pr.Name, Period: key, PeriodLabel: label}
	for hy, i := scb.Current(today()), 0; i < 4; hy, i = hy.Prev(), i+1 {
		v.Periods = append(v.Periods, views.Option{Value: hy.String(), Label: "Halvåret " + hy.Label()})
	}
	v.Periods = append(v.Periods, views.Option{Value: "12m", Label: "De senaste tolv månaderna"})
	members, err := org.Members(ctx, h.pool, pr.ID)
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
	u, err := dashboard.BuildESF(ctx, h.pool, principalFrom(ctx).UserID, pr.ID, ids, period)
	if err != nil {
		return v, err
	}
	for _, t := range esfTables {
		// Every indicator by gender: the genders add up to "all", and each
		// of the table's sums holds gender by gender.
		var keys []string
		var rows [][2]string
		var sums [][]string
		for _, ind := range append(keysOf(t.rows), t.hidden...) {
			sum := []string{ind + "_all"}
			for _, g := range esfGenders {
				keys = append(keys, ind+"_"+g[0])
				if g[0] != "all" {
					sum = append(sum, ind+"_"+g[0])
				}
			}
			sums = append(sums, sum)
		}
		for _, row := range t.rows {
			for _, g := range esfGenders {
				rows = append(rows, [2]string{row[0] + "_" + g[0], row[1] + ", " + g[1]})
			}
		}
		for _, s := range t.sums {
			for _, g := range esfGenders {
				var sum []string
				for _, ind := range s {
					sum = append(sum, ind+"_"+g[0])
				}
				sums = append(sums, sum)
			}
		}
		csv := fmt.Sprintf("%s/tabell/%s?%s", v.Base, t.id, url.Values{"period": {key}}.Encode())
		v.Tables = append(v.Tables, suppressRows(u, ids, keys, sums).table(head, t.id, t.caption, csv, rows))
	}
	return v, nil
}

func (h *Handler) esf(w http.ResponseWriter, r *http.Request) {
	v, err := h.esfView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.ESF(h.page(r, "ESF+-indikatorer"), v))
}

func (h *Handler) esfTable(w http.ResponseWriter, r *http.Request) {
	v, err := h.esfView(r)
	h.downloadTable(w, r, err, "esf", v.Period, v.Tables)
}

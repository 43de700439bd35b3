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
	// The tables and how they sum are dashboard.ESFTables'; this only renders.
	for _, t := range dashboard.ESFTables {
		table, rows := t.Table(u)
		csv := fmt.Sprintf("%s/tabell/%s?%s", v.Base, t.ID, url.Values{"period": {key}}.Encode())
		v.Tables = append(v.Tables, shownTable(table, head, t.ID, t.Caption, csv, rows))
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
	h.downloadTable(w, r, err, "esf", "ESF+-indikatorer", v.Period, v.PeriodLabel, v.Tables)
}

package ui

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/csvsafe"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/scb"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// halfYear reads ?halvar=, defaulting to the half-year that last ended.
func halfYear(r *http.Request) scb.HalfYear {
	if h, ok := scb.ParseHalfYear(r.URL.Query().Get("halvar")); ok {
		return h
	}
	return scb.Current(today()).Prev()
}

func (h *Handler) scbReport(w http.ResponseWriter, r *http.Request) {
	v := views.SCBView{Base: "/k/" + orgFrom(r.Context()).Key}
	for hy, i := scb.Current(today()), 0; i < 6; hy, i = hy.Prev(), i+1 {
		v.Choices = append(v.Choices, hy)
	}
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		v.Report, err = scb.Build(r.Context(), tx, halfYear(r))
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.SCBReport(h.page(r, "Halvårsrapport till SCB"), v))
}

var csvHeaders = [5][]string{
	{"personnummer", "registreringsdatum", "registreringsorsak_kod", "registreringsorsak"},
	{"personnummer", "kontaktdatum", "sysselsattning_kod", "sysselsattning"},
	{"personnummer", "startdatum", "insats_kod", "insats"},
	{"personnummer", "slutdatum", "insats_kod", "insats"},
	{"personnummer", "avslutsdatum", "avslutsorsak_kod", "avslutsorsak"},
}

// scbBlock downloads one block as CSV (UTF-8, comma-separated).
func (h *Handler) scbBlock(w http.ResponseWriter, r *http.Request) {
	n := atoiOr0(chi.URLParam(r, "block"))
	if n < 1 || n > 5 {
		h.notFound(w, r)
		return
	}
	hy := halfYear(r)
	var rep scb.Report
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		if rep, err = scb.Build(r.Context(), tx, hy); err != nil {
			return err
		}
		return audit.Record(r.Context(), tx, audit.Event{Action: "scb.export", RecordType: "report",
			Detail: map[string]any{"half_year": hy.String(), "block": n, "rows": len(rep.Blocks[n-1])}})
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="kaa-scb-%s-block%d.csv"`, hy, n))
	cw := csvsafe.NewWriter(w)
	cw.Write(csvHeaders[n-1])
	for _, row := range rep.Blocks[n-1] {
		cw.Write([]string{row.Personnummer, row.Date.Format("2006-01-02"), row.Code, row.Category})
	}
	cw.Flush()
}

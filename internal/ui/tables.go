package ui

import (
	"fmt"
	"net/http"

	"github.com/kaa-plattform/kaa/internal/csvsafe"
	"github.com/kaa-plattform/kaa/internal/sheet"
	"github.com/kaa-plattform/kaa/internal/table"
)

// writeTable sends a typed table as CSV (csvsafe), or as .xlsx (sheet, one
// sheet named sheetName) when the request asks for ?format=xlsx. Both
// writers escape text that a spreadsheet would run as a formula, the header
// row included, and write counts, shares and dates as numbers.
func (h *Handler) writeTable(w http.ResponseWriter, r *http.Request, name, sheetName string, t table.Table) {
	if r.URL.Query().Get("format") == "xlsx" {
		w.Header().Set("Content-Type", sheet.ContentType)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, name))
		if err := sheet.WriteTable(w, sheetName, t); err != nil {
			h.log.Error("write xlsx", "err", err, "request_id", infoFrom(r.Context()).ID)
		}
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, name))
	if err := csvsafe.NewWriter(w).WriteTable(t); err != nil {
		h.log.Error("write csv", "err", err, "request_id", infoFrom(r.Context()).ID)
	}
}

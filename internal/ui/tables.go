package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/kaa-plattform/kaa/internal/csvsafe"
	"github.com/kaa-plattform/kaa/internal/sv"
)

// writeTable sends a table of strings as CSV, or as .xlsx when the request
// asks for ?format=xlsx. Cells that a spreadsheet would run as a formula are
// prefixed with ' in CSV, the header row included (csvsafe); .xlsx string
// cells are never formulas. Numbers grouped for reading (31 500) go out as
// plain numbers (31500), which a spreadsheet can sum.
func (h *Handler) writeTable(w http.ResponseWriter, r *http.Request, name string, head []string, rows [][]string) {
	if r.URL.Query().Get("format") == "xlsx" {
		f := excelize.NewFile()
		defer f.Close()
		sheet := f.GetSheetName(0)
		for i, row := range append([][]string{head}, rows...) {
			cells := make([]any, len(row))
			// A string cell of .xlsx is never a formula, so it needs no guard;
			// whole numbers are stored as numbers so that Excel can sum them.
			for j, c := range row {
				if n, err := strconv.Atoi(sv.Plain(c)); err == nil && i > 0 {
					cells[j] = n
				} else {
					cells[j] = c
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
				h.serverError(w, r, err)
				return
			}
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, name))
		if err := f.Write(w); err != nil {
			h.log.Error("write xlsx", "err", err, "request_id", infoFrom(r.Context()).ID)
		}
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, name))
	cw := csvsafe.NewWriter(w)
	cw.Write(head)
	for _, row := range rows {
		out := make([]string, len(row))
		for i, c := range row {
			out[i] = sv.Plain(c)
		}
		cw.Write(out)
	}
	cw.Flush()
}

package ui

import (
	"bytes"
	"net/http"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/sheet"
)

// participantsExcel is the list with its current filters (from the URL, as
// the list page reads them; never a search, which travels only in POST
// bodies) as a workbook. The people in it leave the screen, so the download
// is audited with each person's id (participant.ExportList).
func (h *Handler) participantsExcel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := filterFrom(r.URL.Query(), principalFrom(ctx).UserID)
	now := today()
	var b bytes.Buffer
	err := h.inTenant(r, func(tx db.Tx) error {
		people, err := participant.ExportList(ctx, tx, f, now)
		if err != nil {
			return err
		}
		cs, err := participant.Coordinators(ctx, tx)
		if err != nil {
			return err
		}
		names := make(map[int]string, len(cs))
		for _, c := range cs {
			names[c.ID] = c.Name
		}
		// Written inside the transaction: a file that fails to build rolls
		// back its audit event with it.
		return participant.WriteListXLSX(&b, people, names, now)
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", sheet.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="deltagare-`+orgFrom(ctx).Key+`-`+now.Format("2006-01-02")+`.xlsx"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b.Bytes())
}

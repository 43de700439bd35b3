package ui

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/scb"
	"github.com/kaa-plattform/kaa/internal/sheet"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// halfYear reads the half-year (?halvar= or the form's halvar), defaulting
// to the half-year that last ended.
func halfYear(r *http.Request) scb.HalfYear {
	if h, ok := scb.ParseHalfYear(r.FormValue("halvar")); ok {
		return h
	}
	return scb.Current(today()).Prev()
}

// scbSpec reads the spec version (?spec=), defaulting to the one for hy.
// An unknown version is a Swedish message for the form.
func scbSpec(r *http.Request, hy scb.HalfYear) (scb.Spec, string) {
	v := r.FormValue("spec")
	if v == "" {
		return scb.SpecFor(hy), ""
	}
	s, err := scb.LookupSpec(v)
	if errors.Is(err, scb.ErrUnknownSpec) {
		return scb.SpecFor(hy), fmt.Sprintf("Det finns ingen datafilsbeskrivning med versionen %q. Välj en av versionerna i listan.", v)
	}
	return s, ""
}

// scbReport shows the half-year's file before it is made: what it holds, the
// findings of SCB's checks, and every file made before.
func (h *Handler) scbReport(w http.ResponseWriter, r *http.Request) {
	hy := halfYear(r)
	spec, msg := scbSpec(r, hy)
	h.renderSCB(w, r, hy, spec, msg)
}

func (h *Handler) renderSCB(w http.ResponseWriter, r *http.Request, hy scb.HalfYear, spec scb.Spec, specError string) {
	v := views.SCBView{Base: "/k/" + orgFrom(r.Context()).Key, Spec: spec, Specs: scb.Specs()}
	status := http.StatusOK
	if specError != "" {
		v.Errors.Add("spec", specError)
		status = http.StatusUnprocessableEntity
	}
	for c, i := scb.Current(today()), 0; i < 6; c, i = c.Prev(), i+1 {
		v.Choices = append(v.Choices, c)
	}
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		if v.Report, err = scb.Build(r.Context(), tx, hy, today()); err != nil {
			return err
		}
		v.Archive, err = scb.ArchivedFiles(r.Context(), tx)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, views.SCBReport(h.page(r, "Halvårsfil till SCB"), v))
}

// scbFile makes the half-year's file in a spec's layout, keeps it in the
// archive (or finds the same file kept before) and sends the browser to
// download it from there, so that what is downloaded is what is kept.
func (h *Handler) scbFile(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 4096) {
		return
	}
	hy := halfYear(r)
	spec, msg := scbSpec(r, hy)
	if msg != "" {
		h.renderSCB(w, r, hy, spec, msg)
		return
	}
	format := "xlsx"
	if r.FormValue("format") == "txt" {
		format = "txt"
	}
	org := orgFrom(r.Context())
	var kept scb.Archived
	err := h.inTenant(r, func(tx db.Tx) error {
		ctx := r.Context()
		rep, err := scb.Build(ctx, tx, hy, today())
		if err != nil {
			return err
		}
		f, err := scb.Layout(spec, org.Key, rep)
		if err != nil {
			return err
		}
		var created bool
		if kept, created, err = scb.Archive(ctx, tx, f, len(rep.Findings)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "scb.file", RecordType: "scb_file", RecordID: fmt.Sprint(kept.ID),
			Detail: map[string]any{"half_year": hy.String(), "spec": spec.Version, "rows": kept.Rows, "findings": kept.Findings, "new": created}})
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/k/%s/scb/arkiv/%d/%s", org.Key, kept.ID, format), http.StatusSeeOther)
}

// scbArchived downloads a kept file exactly as it was made.
func (h *Handler) scbArchived(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	format := chi.URLParam(r, "format")
	if err != nil || (format != "xlsx" && format != "txt") {
		h.notFound(w, r)
		return
	}
	var a scb.Archived
	var b []byte
	err = h.inTenant(r, func(tx db.Tx) (err error) {
		ctx := r.Context()
		if a, err = scb.ArchivedFile(ctx, tx, id); err != nil {
			return err
		}
		if b, err = scb.ArchivedBytes(ctx, tx, id, format); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "scb.export", RecordType: "scb_file", RecordID: fmt.Sprint(id),
			Detail: map[string]any{"half_year": a.HalfYear, "spec": a.SpecVersion, "format": format, "rows": a.Rows}})
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if format == "xlsx" {
		w.Header().Set("Content-Type", sheet.ContentType)
	} else {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, a.FileName, format))
	w.Write(b)
}

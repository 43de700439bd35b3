package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/esf"
	"github.com/kaa-plattform/kaa/internal/sheet"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// The monthly participant file of an ESF project (docs/design/esf-reporting.md):
// each municipality makes the file of its own participants; nothing here
// reads another municipality's people.

// esfChoice reads the project (?projekt=, defaulting to the newest of the
// municipality's projects) and the month (?manad=, defaulting to the month
// that last ended, or the project's last month if it ended before that).
// Returns db.ErrNotFound if the municipality has no sub-project in any project.
func esfChoice(r *http.Request, tx db.Tx) (esf.Project, esf.Month, []esf.Project, error) {
	ctx := r.Context()
	projects, err := esf.ProjectsOf(ctx, tx)
	if err != nil {
		return esf.Project{}, esf.Month{}, nil, err
	}
	if len(projects) == 0 {
		return esf.Project{}, esf.Month{}, nil, fmt.Errorf("esf file: %w: %w", errNoProject, db.ErrNotFound)
	}
	chosen := projects[0]
	for _, p := range projects {
		if p.Key == r.FormValue("projekt") {
			chosen = p
		}
	}
	if chosen, err = esf.ProjectOf(ctx, tx, chosen.Key); err != nil {
		return chosen, esf.Month{}, nil, err
	}
	m, ok := esf.ParseMonth(r.FormValue("manad"))
	if !ok {
		m = esf.MonthOf(today()).Prev()
		if last := esf.MonthOf(chosen.EndsOn); last.Start().Before(m.Start()) {
			m = last
		}
	}
	return chosen, m, projects, nil
}

// esfMonths are the months to choose from: the twelve up to this month,
// the project's last twelve if it has ended, and m.
func esfMonths(p esf.Project, m esf.Month) []views.Option {
	var out []views.Option
	seen := map[esf.Month]bool{}
	add := func(from esf.Month) {
		for c, i := from, 0; i < 12 && !c.Start().Before(esf.MonthOf(p.StartsOn).Start()); c, i = c.Prev(), i+1 {
			if !seen[c] {
				seen[c] = true
				out = append(out, views.Option{Value: c.String(), Label: c.Label()})
			}
		}
	}
	add(esf.MonthOf(today()))
	add(esf.MonthOf(p.EndsOn))
	if !seen[m] {
		out = append(out, views.Option{Value: m.String(), Label: m.Label()})
	}
	return out
}

// esfMonthly shows the month's file before it is made: the rows, the time
// in the project, the checks, and every file made before.
func (h *Handler) esfMonthly(w http.ResponseWriter, r *http.Request) {
	h.renderESFFile(w, r, http.StatusOK, nil, nil)
}

// renderESFFile renders the page; typed are hours as typed (after a form
// with errors), errs the form's messages.
func (h *Handler) renderESFFile(w http.ResponseWriter, r *http.Request, status int, typed map[int64]string, errs views.Errors) {
	o := orgFrom(r.Context())
	v := views.ESFFileView{Base: "/k/" + o.Key, Errors: errs, Hours: map[int64]string{}}
	err := h.inTenant(r, func(tx db.Tx) error {
		ctx := r.Context()
		p, m, projects, err := esfChoice(r, tx)
		if err != nil {
			return err
		}
		for _, pr := range projects {
			v.Projects = append(v.Projects, views.Option{Value: pr.Key, Label: pr.Name})
		}
		v.Months = esfMonths(p, m)
		if v.Report, err = esf.Build(ctx, tx, o.Key, p, m, today()); err != nil {
			return err
		}
		v.Archive, err = esf.ArchivedFiles(ctx, tx, p.ID)
		return err
	})
	if errors.Is(err, errNoProject) {
		h.renderError(w, r, http.StatusOK, "Ingen månadsfil",
			o.Name+" har inget delprojekt i något ESF-projekt. Månadsfilen till SCB gäller deltagarna i kommunens delprojekt.")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, row := range v.Report.Rows {
		if row.HasHours {
			v.Hours[row.EnrolmentID] = strings.Replace(strconv.FormatFloat(row.Hours, 'f', -1, 64), ".", ",", 1)
		}
	}
	for id, s := range typed {
		v.Hours[id] = s
	}
	h.render(w, r, status, views.ESFFile(h.page(r, "Månadsfil till SCB för ESF-projekt"), v))
}

// parseHours reads hours as typed: "" is none, "12,5" or "12.5" a number
// of hours from 0 to 744 (a month's hours), in tenths.
func parseHours(s string) (*float64, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, ""
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		return nil, "Skriv timmarna som ett tal, till exempel 12,5."
	}
	if f < 0 || f > 744 {
		return nil, "Skriv ett antal timmar från 0 till 744 (en månads timmar)."
	}
	f = float64(int(f*10+0.5)) / 10
	return &f, ""
}

// esfHours saves the month's hours of the rows on the page. A value that
// is not a number of hours is a message next to its field, and nothing is
// saved.
func (h *Handler) esfHours(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 64<<10) {
		return
	}
	o := orgFrom(r.Context())
	var errs views.Errors
	typed := map[int64]string{}
	var p esf.Project
	var m esf.Month
	err := h.inTenant(r, func(tx db.Tx) error {
		ctx := r.Context()
		var err error
		if p, m, _, err = esfChoice(r, tx); err != nil {
			return err
		}
		rep, err := esf.Build(ctx, tx, o.Key, p, m, today())
		if err != nil {
			return err
		}
		hours := map[int64]*float64{}
		for _, row := range rep.Rows {
			field := views.HoursField(row.EnrolmentID)
			if _, posted := r.PostForm[field]; !posted {
				continue
			}
			s := r.PostForm.Get(field)
			typed[row.EnrolmentID] = s
			v, msg := parseHours(s)
			if msg != "" {
				errs.Add(field, row.Name+": "+msg)
				continue
			}
			if v == nil && !row.HasHours || v != nil && row.HasHours && *v == row.Hours {
				continue
			}
			hours[row.EnrolmentID] = v
		}
		if errs.Any() || len(hours) == 0 {
			return nil
		}
		return esf.SaveHours(ctx, tx, p.Key, m, hours)
	})
	if err != nil && !errors.Is(err, errNoProject) {
		h.fail(w, r, err)
		return
	}
	if errs.Any() {
		h.renderESFFile(w, r, http.StatusUnprocessableEntity, typed, errs)
		return
	}
	if err == nil {
		h.flash(r, "Timmarna är sparade.")
	}
	http.Redirect(w, r, fmt.Sprintf("/k/%s/esf-manadsfil?projekt=%s&manad=%s", o.Key, p.Key, m), http.StatusSeeOther)
}

// esfMonthlyFile makes the month's file, keeps it in the archive (or finds
// the same file kept before) and sends the browser to download it from
// there, so that what is downloaded is what is kept. While the checks find
// errors the file is not made: the page says so, with status 422.
func (h *Handler) esfMonthlyFile(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 4096) {
		return
	}
	o := orgFrom(r.Context())
	var kept esf.Archived
	err := h.inTenant(r, func(tx db.Tx) error {
		ctx := r.Context()
		p, m, _, err := esfChoice(r, tx)
		if err != nil {
			return err
		}
		rep, err := esf.Build(ctx, tx, o.Key, p, m, today())
		if err != nil {
			return err
		}
		var created bool
		if kept, created, err = esf.Archive(ctx, tx, rep); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "esf.file", RecordType: "esf_file", RecordID: fmt.Sprint(kept.ID),
			Detail: map[string]any{"project": p.Key, "month": m.String(), "rows": kept.Rows, "warnings": kept.Warnings, "new": created}})
	})
	switch {
	case errors.Is(err, esf.ErrNotReady):
		var errs views.Errors
		errs.Add("download", "Filen kan inte laddas ner förrän felen under Kontroller är rättade. Ingen fil har skapats.")
		h.renderESFFile(w, r, http.StatusUnprocessableEntity, nil, errs)
		return
	case errors.Is(err, errNoProject):
		h.renderESFFile(w, r, http.StatusOK, nil, nil)
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/k/%s/esf-manadsfil/arkiv/%d", o.Key, kept.ID), http.StatusSeeOther)
}

// esfArchived downloads a kept file exactly as it was made, and records
// the download: the file holds personnummer.
func (h *Handler) esfArchived(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.notFound(w, r)
		return
	}
	var a esf.Archived
	var b []byte
	err = h.inTenant(r, func(tx db.Tx) (err error) {
		ctx := r.Context()
		if a, err = esf.ArchivedFile(ctx, tx, id); err != nil {
			return err
		}
		if b, err = esf.ArchivedXLSX(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "esf.export", RecordType: "esf_file", RecordID: fmt.Sprint(id),
			Detail: map[string]any{"project": a.ProjectKey, "month": a.MonthString(), "rows": a.Rows}})
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", sheet.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, a.FileName))
	w.Write(b)
}

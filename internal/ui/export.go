package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/csvsafe"
	"github.com/kaa-plattform/kaa/internal/dashboard"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/export"
	"github.com/kaa-plattform/kaa/internal/org"
	"github.com/kaa-plattform/kaa/internal/scb"
	"github.com/kaa-plattform/kaa/internal/sheet"
	"github.com/kaa-plattform/kaa/internal/sv"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// exportRequest is an export asked for in a URL: the project, the period and
// k, checked, with the page that shows it.
type exportRequest struct {
	view    views.ExportView
	params  export.Params
	project org.Project
	file    string // the download's name without extension
}

// exportForm reads ?period= and ?k= for project p; scopeOrg is 0 for the
// whole project, or the member whose own people are exported.
func exportForm(q url.Values, base string, p org.Project, scopeOrg int) exportRequest {
	v := views.ExportView{Base: base, Period: q.Get("period"), K: q.Get("k"), Keep: q.Get("behall")}
	for _, p := range export.Priorities {
		v.Priorities = append(v.Priorities, views.Option{Value: p[0], Label: p[1]})
	}
	switch v.Keep {
	case "":
		v.Keep = export.KeepGender
	case export.KeepGender, export.KeepMunicipality, export.KeepAge, export.KeepNothing:
	default:
		v.Errors.Add("behall", "Välj vad som är viktigast att behålla.")
	}
	for hy, i := scb.Current(today()), 0; i < 4; hy, i = hy.Prev(), i+1 {
		v.Periods = append(v.Periods, views.Option{Value: hy.String(), Label: "Halvåret " + hy.Label()})
	}
	v.Periods = append(v.Periods, views.Option{Value: "12m", Label: "De senaste tolv månaderna"},
		views.Option{Value: "hela", Label: "Hela projektperioden (" + p.Period() + ")"})
	// The whole project by default: an evaluator evaluates a project, often
	// after it has ended, when the latest half-year holds nobody.
	if v.Period == "" {
		v.Period = "hela"
	}
	var period dashboard.Period
	if v.Period == "hela" {
		period = dashboard.Period{From: p.StartsOn, To: p.EndsOn}
	} else {
		period, v.Period, _ = dashboardPeriod(q)
	}
	if v.K == "" {
		v.K = strconv.Itoa(export.DefaultK)
	}
	k, err := strconv.Atoi(v.K)
	if err != nil || k < export.MinK || k > 1000 {
		v.Errors.Add("k", fmt.Sprintf("Skriv ett heltal från %d till %s. Ju större k, desto fler rader generaliseras eller tas bort.", export.MinK, sv.Num(1000)))
	}
	query := url.Values{"period": {v.Period}, "k": {v.K}, "behall": {v.Keep}}
	if scopeOrg != 0 {
		query.Set("projekt", p.Key)
	}
	v.Query = query.Encode()
	return exportRequest{view: v, project: p, file: fmt.Sprintf("export-%s-%s", p.Key, v.Period),
		params: export.Params{Project: p.ID, Org: scopeOrg, From: period.From, To: period.To, K: k, Keep: v.Keep}}
}

// projectExportRequest is the export of the whole project of the request.
func (h *Handler) projectExportRequest(r *http.Request) (exportRequest, error) {
	ctx := r.Context()
	p, err := org.ProjectByKey(ctx, h.pool, projectFrom(ctx).Key)
	if err != nil {
		return exportRequest{}, err
	}
	e := exportForm(r.URL.Query(), "/p/"+p.Key+"/export", p, 0)
	e.view.Heading, e.view.Scope = "Anonymiserad export: "+p.Name, "hela projektet "+p.Name
	return e, nil
}

// tenantExportRequest is a member's export of its own people in one of its
// projects (?projekt=).
func (h *Handler) tenantExportRequest(r *http.Request) (exportRequest, error) {
	ctx := r.Context()
	o := orgFrom(ctx)
	projects, err := org.ProjectsOf(ctx, h.pool, o.ID)
	if err != nil {
		return exportRequest{}, err
	}
	if len(projects) == 0 {
		return exportRequest{}, fmt.Errorf("export: %s is %w: %w", o.Key, errNoProject, db.ErrNotFound)
	}
	chosen := projects[0]
	for _, p := range projects {
		if p.Key == r.URL.Query().Get("projekt") {
			chosen = p
		}
	}
	e := exportForm(r.URL.Query(), "/k/"+o.Key+"/export", chosen, o.ID)
	e.file = fmt.Sprintf("export-%s-%s-%s", o.Key, chosen.Key, e.view.Period)
	e.view.Heading, e.view.Scope, e.view.Project = "Anonymiserad export: "+o.Name, o.Name+" i projektet "+chosen.Name, chosen.Key
	for _, p := range projects {
		e.view.Projects = append(e.view.Projects, views.Option{Value: p.Key, Label: p.Name})
	}
	return e, nil
}

func (h *Handler) projectExportPage(w http.ResponseWriter, r *http.Request) {
	e, err := h.projectExportRequest(r)
	h.exportPage(w, r, e, err)
}

// errNoProject: the municipality takes part in no project, so it has no
// project participants to export.
var errNoProject = errors.New("in no project")

func (h *Handler) tenantExportPage(w http.ResponseWriter, r *http.Request) {
	e, err := h.tenantExportRequest(r)
	if errors.Is(err, errNoProject) {
		h.renderError(w, r, http.StatusOK, "Ingen export ännu",
			orgFrom(r.Context()).Name+" är inte med i något projekt. Exporten gäller deltagarna i ett projekt; när kommunen är med i ett projekt kan du exportera deras uppgifter här, avidentifierade.")
		return
	}
	h.exportPage(w, r, e, err)
}

func (h *Handler) projectExportFile(w http.ResponseWriter, r *http.Request) {
	e, err := h.projectExportRequest(r)
	h.exportFile(w, r, e, err)
}

func (h *Handler) tenantExportFile(w http.ResponseWriter, r *http.Request) {
	e, err := h.tenantExportRequest(r)
	h.exportFile(w, r, e, err)
}

// exportPage shows the form, and with ?visa=1 what the export would hold.
// The preview computes the export without writing it; it is logged too.
func (h *Handler) exportPage(w http.ResponseWriter, r *http.Request, e exportRequest, err error) {
	if err != nil {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	switch {
	case e.view.Errors.Any():
		status = http.StatusUnprocessableEntity
	case r.URL.Query().Get("visa") != "":
		ctx := r.Context()
		user := principalFrom(ctx).UserID
		err = db.InGlobal(ctx, h.pool, user, func(tx pgx.Tx) error {
			x, err := export.Prepare(ctx, tx, e.params)
			if err != nil {
				return err
			}
			e.view.Report = x.Report.Lines(e.project.Name, e.view.Scope, "")
			return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: user, Action: "export.preview", ProjectID: e.params.Project,
				Detail: exportDetail(x.Report, "")})
		})
		if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, status, views.Export(h.page(r, "Anonymiserad export"), e.view))
}

func exportDetail(r export.Report, format string) map[string]any {
	levels := map[string]string{}
	cells := map[string]int{}
	for d := range export.NumDims {
		levels[export.DimNames[d]] = export.LevelNames[d][r.Node[d]]
		cells[export.DimNames[d]] = r.SuppressedCells[d]
	}
	d := map[string]any{"from": r.From.Format("2006-01-02"), "to": r.To.Format("2006-01-02"), "k": r.K, "keep": r.Keep,
		"org": r.Org, "rows": r.Rows, "dropped": r.Dropped, "suppressed_rows": r.SuppressedRows, "suppressed_cells": cells,
		"exported": r.Exported, "k_reached": r.KReached, "levels": levels, "loss": r.Loss, "evaluated": r.Evaluated,
		"lattice": r.LatticeSize, "complete": r.Complete, "cap_held": r.CapHeld, "key_version": r.KeyVersion}
	if format != "" {
		d["format"] = format
	}
	return d
}

// exportFile streams the export. Its start is logged in a transaction of its
// own, so that an export that breaks off is on record too; its completion,
// with the rows and the file's SHA-256, in the transaction that wrote it.
func (h *Handler) exportFile(w http.ResponseWriter, r *http.Request, e exportRequest, err error) {
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if e.view.Errors.Any() {
		h.render(w, r, http.StatusUnprocessableEntity, views.Export(h.page(r, "Anonymiserad export"), e.view))
		return
	}
	ctx := r.Context()
	user := principalFrom(ctx).UserID
	format := "csv"
	if r.URL.Query().Get("format") == "xlsx" {
		format = "xlsx"
	}
	started := map[string]any{"from": e.params.From.Format("2006-01-02"), "to": e.params.To.Format("2006-01-02"), "k": e.params.K,
		"keep": e.params.Keep, "org": e.params.Org, "format": format}
	err = db.InGlobal(ctx, h.pool, user, func(tx pgx.Tx) error {
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: user, Action: "export.started", ProjectID: e.params.Project, Detail: started})
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The headers go out before the streaming transaction takes its
	// connection: the session middleware saves the session when they are
	// written, and needs a connection of its own to do so. Saving it while
	// the transaction held one would let a few simultaneous exports take
	// every connection of the pool and wait for each other for ever.
	if format == "xlsx" {
		w.Header().Set("Content-Type", sheet.ContentType)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, e.file))
	} else {
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.zip"`, e.file))
	}
	w.WriteHeader(http.StatusOK)
	sum := sha256.New()
	out := io.MultiWriter(w, sum)
	err = db.InGlobal(ctx, h.pool, user, func(tx pgx.Tx) error {
		x, err := export.Prepare(ctx, tx, e.params)
		if err != nil {
			return err
		}
		if format == "xlsx" {
			err = x.WriteXLSX(ctx, out, views.Label, e.project.Name, e.view.Scope)
		} else {
			_, err = x.WriteZip(ctx, out, views.Label, e.project.Name, e.view.Scope)
		}
		if err != nil {
			return err
		}
		d := exportDetail(x.Report, format)
		d["sha256"] = hex.EncodeToString(sum.Sum(nil))
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: user, Action: "export.completed", ProjectID: e.params.Project, Detail: d})
	})
	if err != nil {
		// The status is sent: the file ends short, the log and the missing
		// export.completed row say why.
		h.log.Error("export broke off", "err", err, "request_id", infoFrom(ctx).ID)
	}
}

// exportCodebook downloads the codebook on its own.
func (h *Handler) exportCodebook(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="kodbok.csv"`)
	if err := csvsafe.NewWriter(w).WriteAll(export.Codebook(views.Label)); err != nil {
		h.log.Error("write csv", "err", err, "request_id", infoFrom(r.Context()).ID)
	}
}

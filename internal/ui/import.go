package ui

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/kaalist"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/sv"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// previewLimit is how many rows the preview lists; errors and changes first.
const previewLimit = 500

// maxFlashConflicts is how many rows left out of the queue the message
// after an import names one by one.
const maxFlashConflicts = 5

func (h *Handler) importBase(r *http.Request) string { return h.participantBase(r) + "/import" }

func (h *Handler) importPage(w http.ResponseWriter, r *http.Request) {
	v := views.ImportUploadView{Base: h.importBase(r)}
	if err := h.inTenant(r, func(tx db.Tx) (err error) {
		if v.Queued, err = participant.UnidentifiedCount(r.Context(), tx); err != nil {
			return err
		}
		v.Senders, err = participant.Senders(r.Context(), tx)
		return err
	}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.ImportUpload(h.page(r, "Importera KAA-lista"), v))
}

func (h *Handler) importRefused(w http.ResponseWriter, r *http.Request, msg string) {
	h.importRefusedWith(w, r, views.ImportUploadView{Error: msg})
}

// importRefusedWith shows the upload page again with v's message (and
// sample rows) next to the file field, status 422.
func (h *Handler) importRefusedWith(w http.ResponseWriter, r *http.Request, v views.ImportUploadView) {
	v.Base = h.importBase(r)
	if r.MultipartForm != nil {
		v.Encoding = encodingParam(r.FormValue("encoding"))
		v.Sender = r.FormValue("sender")
	}
	if err := h.inTenant(r, func(tx db.Tx) (err error) { v.Senders, err = participant.Senders(r.Context(), tx); return err }); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, views.ImportUpload(h.page(r, "Importera KAA-lista"), v))
}

// encodingParam is s when it is a key of kaalist.Encodings, else "" (guess).
func encodingParam(s string) string {
	for _, e := range kaalist.Encodings {
		if e.Key == s {
			return s
		}
	}
	return ""
}

// importUpload reads the file once, under the limits of kaalist and outside
// any transaction, and keeps the rows (never the file) for the preview.
func (h *Handler) importUpload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name, data, ok := h.readUpload(w, r, func(msg string) { h.importRefused(w, r, msg) })
	if !ok {
		return
	}
	sender := strings.Join(strings.Fields(r.FormValue("sender")), " ")
	if utf8.RuneCountInString(sender) > participant.MaxSenderLen {
		var errs views.Errors
		errs.Add("sender", "Avsändaren får vara högst 100 tecken. Skriv skolans eller förvaltningens namn.")
		h.importRefusedWith(w, r, views.ImportUploadView{Errors: errs})
		return
	}
	// The slot is taken once the upload has arrived, so that a slow sender
	// holds none.
	leave, ok := h.importSlot(w, r, true)
	if !ok {
		return
	}
	defer leave()
	table, err := kaalist.ReadContext(ctx, name, data, kaalist.Options{Encoding: encodingParam(r.FormValue("encoding"))})
	data = nil // the rows are kept, not the file
	var fe *kaalist.FileError
	if errors.As(err, &fe) {
		h.log.Info("import refused", "request_id", infoFrom(ctx).ID, "reason", fe.Err.Error())
		h.importRefusedWith(w, r, views.ImportUploadView{Error: fe.Msg, Sample: fe.Sample})
		return
	} else if err != nil {
		h.serverError(w, r, err)
		return
	}
	var id int64
	err = h.inTenant(r, func(tx db.Tx) (err error) {
		id, err = participant.SaveImportFrom(ctx, tx, participant.ImportFrom{Source: participant.SenderSource(sender), Filename: name, Table: table})
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("%s/%d", h.importBase(r), id), http.StatusSeeOther)
}

// readUpload reads the multipart form's file (field "file") of at most
// kaalist.MaxBytes, and returns its base name and bytes. A file too large, or
// none, is answered with refuse(message); a body that is no form with
// badForm; then ok is false.
func (h *Handler) readUpload(w http.ResponseWriter, r *http.Request, refuse func(msg string)) (name string, data []byte, ok bool) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "multipart/form-data" {
		// A form with no file in it: read as any form, then asked for the file.
		if h.readForm(w, r, 4096) {
			refuse("Välj en fil att ladda upp.")
		}
		return "", nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, kaalist.MaxBytes+64<<10)
	var tooBig *http.MaxBytesError
	switch err := r.ParseMultipartForm(32 << 20); {
	case errors.As(err, &tooBig):
		refuse("Filen är för stor (högst 5 MB). Dela upp listan i flera filer.")
		return "", nil, false
	case err != nil:
		h.badForm(w, r, err)
		return "", nil, false
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		refuse("Välj en fil att ladda upp.")
		return "", nil, false
	}
	defer file.Close()
	data, err = io.ReadAll(io.LimitReader(file, kaalist.MaxBytes+1))
	if err != nil {
		refuse("Filen kunde inte läsas. Försök igen.")
		return "", nil, false
	}
	return filepath.Base(hdr.Filename), data, true
}

// loadImport reads the rows of upload {iid} of the signed-in user; confirm
// locks the upload for the rest of the transaction.
func (h *Handler) loadImport(r *http.Request, tx db.Tx, confirm bool) (participant.Import, error) {
	id, err := pathID(r, "iid")
	if err != nil {
		return participant.Import{}, err
	}
	if confirm {
		return participant.LockImport(r.Context(), tx, id)
	}
	return participant.GetImport(r.Context(), tx, id)
}

func (h *Handler) importPreview(w http.ResponseWriter, r *http.Request) {
	h.renderImportPreview(w, r, http.StatusOK, nil, nil)
}

// importSheet makes another sheet of a workbook the one imported, with the
// mapping guessed from its header; an empty sheet is refused with 422.
func (h *Handler) importSheet(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !h.readForm(w, r, 4096) {
		return
	}
	var problem string
	err := h.inTenant(r, func(tx db.Tx) error {
		im, err := h.loadImport(r, tx, false)
		if err != nil {
			return err
		}
		sheet, err := strconv.Atoi(r.PostForm.Get("sheet"))
		if err != nil || sheet < 0 || sheet >= len(im.Table.Sheets) {
			problem = "Välj ett av filens blad."
			return nil
		}
		var fe *kaalist.FileError
		if err := im.Table.Select(sheet); errors.As(err, &fe) {
			problem = fe.Msg
			return nil
		}
		return participant.SetImportSheet(ctx, tx, im.ID, sheet, kaalist.Guess(im.Table.Header))
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if problem != "" {
		h.renderImportPreviewSheet(w, r, http.StatusUnprocessableEntity, problem)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("%s/%s", h.importBase(r), chi.URLParam(r, "iid")), http.StatusSeeOther)
}

func (h *Handler) renderImportPreview(w http.ResponseWriter, r *http.Request, status int, mapping kaalist.Mapping, problems []string) {
	h.renderImportPreviewWith(w, r, status, mapping, problems, "")
}

func (h *Handler) renderImportPreviewSheet(w http.ResponseWriter, r *http.Request, status int, sheetError string) {
	h.renderImportPreviewWith(w, r, status, nil, nil, sheetError)
}

func (h *Handler) renderImportPreviewWith(w http.ResponseWriter, r *http.Request, status int, mapping kaalist.Mapping, problems []string, sheetError string) {
	ctx := r.Context()
	leave, ok := h.importSlot(w, r, false)
	if !ok {
		return
	}
	defer leave()
	var v views.ImportPreviewView
	err := h.inTenant(r, func(tx db.Tx) error {
		im, err := h.loadImport(r, tx, false)
		if err != nil {
			return err
		}
		if mapping == nil {
			mapping = im.Mapping
		}
		v = views.ImportPreviewView{Base: fmt.Sprintf("%s/%d", h.importBase(r), im.ID), Filename: im.Filename,
			Header: im.Table.Header, Mapping: mapping, Missing: mapping.Missing(), Problems: problems,
			Sheet: im.Table.Sheet, SheetError: sheetError, Title: im.Table.Title, HeaderRow: im.Table.HeaderRow, People: h.participantBase(r)}
		if len(im.Table.Sheets) > 1 {
			for _, s := range im.Table.Sheets {
				v.Sheets = append(v.Sheets, s.Name)
			}
		}
		if len(v.Missing) > 0 {
			return nil
		}
		v.Rows, v.Counts, err = participant.Preview(ctx, tx, im.ID, kaalist.Rows(im.Table, mapping, today()), mapping, today())
		if err != nil {
			return err
		}
		v.Comparison, err = participant.Compare(ctx, tx, im.ID, im.Source, v.Rows)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// What needs attention first: errors, then changes, then new, then unchanged.
	order := map[string]int{participant.ImportError: 0, participant.ImportUnidentified: 1, participant.ImportUpdate: 2, participant.ImportNew: 3, participant.ImportUnchanged: 4}
	sort.SliceStable(v.Rows, func(i, j int) bool { return order[v.Rows[i].State] < order[v.Rows[j].State] })
	v.ShownRows = min(len(v.Rows), previewLimit)
	if len(v.Missing) > 0 && status == http.StatusOK {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, status, views.ImportPreview(h.page(r, "Förhandsgranska import"), v))
}

func (h *Handler) importMapping(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !h.readForm(w, r, 16<<10) {
		return
	}
	var m kaalist.Mapping
	var problems []string
	err := h.inTenant(r, func(tx db.Tx) error {
		im, err := h.loadImport(r, tx, false)
		if err != nil {
			return err
		}
		if m, problems = kaalist.ParseMapping(r.PostForm, len(im.Table.Header)); len(problems) > 0 {
			return nil
		}
		return participant.SetImportMapping(ctx, tx, im.ID, m)
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(problems) > 0 {
		h.renderImportPreview(w, r, http.StatusUnprocessableEntity, m, problems)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("%s/%s", h.importBase(r), chi.URLParam(r, "iid")), http.StatusSeeOther)
}

// importConfirm writes every valid row in one transaction and removes the upload.
func (h *Handler) importConfirm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !h.readForm(w, r, 4096) {
		return
	}
	leave, ok := h.importSlot(w, r, false)
	if !ok {
		return
	}
	var applied participant.Applied
	var missing bool
	err := h.inTenant(r, func(tx db.Tx) error {
		im, err := h.loadImport(r, tx, true)
		if err != nil {
			return err
		}
		if len(im.Mapping.Missing()) > 0 {
			missing = true
			return nil
		}
		now := today()
		rows, _, err := participant.Preview(ctx, tx, im.ID, kaalist.Rows(im.Table, im.Mapping, now), im.Mapping, now)
		if err != nil {
			return err
		}
		if applied, err = participant.ApplyImportReport(ctx, tx, im.ID, rows, now); err != nil {
			return err
		}
		return participant.DeleteImport(ctx, tx, im.ID, false)
	})
	leave()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if missing {
		h.renderImportPreview(w, r, http.StatusUnprocessableEntity, nil, nil)
		return
	}
	counts := applied.Counts
	msg := fmt.Sprintf("Importen är klar: %s nya, %s uppdaterade, %s oförändrade, %s rader med fel importerades inte.",
		sv.Num(counts[participant.ImportNew]), sv.Num(counts[participant.ImportUpdate]), sv.Num(counts[participant.ImportUnchanged]), sv.Num(counts[participant.ImportError]))
	if counts["queued"] > 0 {
		msg += fmt.Sprintf(" %s utan giltigt personnummer lades i kön ”Saknar giltigt personnummer”.", sv.Count(counts["queued"], "rad", "rader"))
	}
	if already := counts[participant.ImportUnidentified] - counts["queued"] - len(applied.QueueConflicts); already > 0 {
		msg += fmt.Sprintf(" %s utan giltigt personnummer fanns redan i kön.", sv.Count(already, "rad", "rader"))
	}
	for i, c := range applied.QueueConflicts {
		if i == maxFlashConflicts {
			msg += fmt.Sprintf(" Ytterligare %s lades inte i kön av samma skäl.", sv.Count(len(applied.QueueConflicts)-i, "rad", "rader"))
			break
		}
		msg += " " + c
	}
	h.flash(r, msg)
	redirect(w, r, h.participantBase(r))
}

func (h *Handler) importCancel(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 4096) {
		return
	}
	err := h.inTenant(r, func(tx db.Tx) error {
		id, err := pathID(r, "iid")
		if err != nil {
			return err
		}
		if err := participant.DeleteImport(r.Context(), tx, id, true); err != nil {
			return err
		}
		return unlessConfirmed(r)
	})
	if h.asked(w, r, err, func() (c views.Confirm, err error) {
		var name string
		id, _ := pathID(r, "iid")
		err = h.inTenant(r, func(tx db.Tx) (err error) { name, err = participant.ImportName(r.Context(), tx, id); return err })
		return views.Confirm{
			Question:    "Avbryta importen av " + name + "?",
			Consequence: "Inget från filen sparas och den uppladdade filen tas bort. Du kan ladda upp den igen.",
			Yes:         "Ja, avbryt importen",
			Back:        fmt.Sprintf("%s/import/%d", h.participantBase(r), id),
		}, err
	}) {
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Importen är avbruten. Inget sparades och filen är borttagen.")
	http.Redirect(w, r, h.participantBase(r), http.StatusSeeOther)
}

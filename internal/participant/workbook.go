package participant

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/csvsafe"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/personnummer"
)

// ListSheet is the name of the workbook's sheet.
const ListSheet = "Deltagare"

// ExportList returns every participant of the municipality matching f (its
// filters; no search, no page), and records the download as one event that
// lists the people in it, as the SCB file's event does, so that the
// access-log review finds it under each of them.
func ExportList(ctx context.Context, tx db.Tx, f Filter, today time.Time) ([]Participant, error) {
	f.Search, f.Page, f.All = "", 0, true
	res, err := List(ctx, tx, f, today)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(res.Rows))
	for i, p := range res.Rows {
		ids[i] = p.ID
	}
	return res.Rows, audit.Record(ctx, tx, audit.Event{Action: "participant.export", RecordType: "report",
		Detail: map[string]any{"format": "xlsx", "rows": len(ids), "participants": ids}})
}

// listColumns are the workbook's columns, as their headers read.
var listColumns = []string{"Personnummer", "Efternamn", "Förnamn", "Födelsedatum", "Ålder", "Kön", "Status",
	"Identifierad", "Senaste kontakt", "Dagar sedan senaste kontakt", "Mobil", "E-post", "Gatuadress", "Postnummer", "Ort", "Ansvarig samordnare"}

// WriteListXLSX writes people as a workbook with one sheet, ListSheet: a
// bold, frozen header row with a filter, personnummer and postal codes as
// text, dates as dates and ages and days as numbers. Text from the register
// passes csvsafe.Cell, the rule of the CSV files: an .xlsx cell written as
// text is never run, but a copy of the sheet saved as CSV would carry a
// leading = on. coordinators names the responsible coordinators by user id.
func WriteListXLSX(w io.Writer, people []Participant, coordinators map[int]string, today time.Time) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), ListSheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	dateFmt := "yyyy-mm-dd"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(ListSheet)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	widths := []float64{16, 18, 16, 13, 7, 10, 22, 13, 15, 12, 15, 26, 24, 11, 16, 26}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	head := make([]any, len(listColumns))
	for i, h := range listColumns {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	text := func(s string) any {
		if phoneNumber.MatchString(s) { // "+46701234567" is a number to call, not a formula: no apostrophe in front
			return s
		}
		return csvsafe.Cell(s)
	}
	day := func(t time.Time) any { return excelize.Cell{StyleID: date, Value: t} }
	for i, p := range people {
		var names []string
		for _, id := range p.Coordinators {
			if n := coordinators[id]; n != "" {
				names = append(names, n)
			}
		}
		row := []any{text(formatPersonnummer(p.Personnummer, today)), text(p.LastName), text(p.FirstName), day(p.BirthDate),
			Age(p.BirthDate, today), codes.Gender.Label(p.Gender), codes.Status.Label(p.Status), day(p.IdentifiedOn),
			nil, nil, text(p.Mobile), text(p.Email), text(p.Street), text(p.PostalCode), text(p.City), text(strings.Join(names, ", "))}
		if p.LastContactAt != nil {
			on := Local(*p.LastContactAt)
			on = time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, time.UTC)
			row[8], row[9] = day(on), int(today.Sub(on).Hours()/24)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(listColumns), len(people)+1)
	if err := f.AutoFilter(ListSheet, "A1:"+last, nil); err != nil {
		return fmt.Errorf("participant: list workbook: %w", err)
	}
	return f.Write(w)
}

// formatPersonnummer writes the stored 12 digits as people read them.
func formatPersonnummer(d string, today time.Time) string {
	if n, err := personnummer.Parse(d, today); err == nil {
		return n.Formatted()
	}
	return d
}

// phoneNumber is a mobile number as the register keeps it (+46…), which the
// workbook writes as it is: a text cell is never run, and only a formula
// rule for the CSV copy would put an apostrophe in front of it.
var phoneNumber = regexp.MustCompile(`^\+[0-9 -]{6,20}$`)

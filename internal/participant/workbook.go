package participant

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/personnummer"
	"github.com/kaa-plattform/kaa/internal/sheet"
	"github.com/kaa-plattform/kaa/internal/table"
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

// WriteListXLSX writes people as a workbook (internal/sheet) with one
// sheet, ListSheet: a bold, frozen header row with a filter, personnummer
// and postal codes as text, dates as dates and ages and days as numbers.
// Text from the register is escaped like every text cell of the product's
// files (csvsafe.Cell); a mobile number (+46…) is kept as it is, a number
// to call. coordinators names the responsible coordinators by user id.
func WriteListXLSX(w io.Writer, people []Participant, coordinators map[int]string, today time.Time) error {
	b := sheet.New()
	defer b.Close()
	s, err := b.Stream(ListSheet, listColumns, []int{14, 16, 14, 11, 5, 8, 20, 11, 13, 10, 13, 24, 22, 9, 14, 24})
	if err != nil {
		return fmt.Errorf("participant: list workbook: %w", err)
	}
	phone := func(v string) table.Cell {
		if phoneNumber.MatchString(v) {
			return table.Tel(v)
		}
		return table.T(v)
	}
	for _, p := range people {
		var names []string
		for _, id := range p.Coordinators {
			if n := coordinators[id]; n != "" {
				names = append(names, n)
			}
		}
		row := []table.Cell{table.T(formatPersonnummer(p.Personnummer, today)), table.T(p.LastName), table.T(p.FirstName), table.D(p.BirthDate),
			table.N(Age(p.BirthDate, today)), table.T(codes.Gender.Label(p.Gender)), table.T(codes.Status.Label(p.Status)), table.D(p.IdentifiedOn),
			{}, {}, phone(p.Mobile), table.T(p.Email), table.T(p.Street), table.T(p.PostalCode), table.T(p.City), table.T(strings.Join(names, ", "))}
		if p.LastContactAt != nil {
			on := Local(*p.LastContactAt)
			on = time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, time.UTC)
			row[8], row[9] = table.D(on), table.N(int(today.Sub(on).Hours()/24))
		}
		if err := s.Row(row); err != nil {
			return err
		}
	}
	if err := s.Close(); err != nil {
		return fmt.Errorf("participant: list workbook: %w", err)
	}
	return b.Write(w)
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

package scb

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/csvsafe"
	"github.com/kaa-plattform/kaa/internal/sheet"
	"github.com/kaa-plattform/kaa/internal/table"
)

// Cell is one value of the file: text, a date, or a number (SCB's numeric
// codes). The zero Cell is empty.
type Cell struct {
	Text   string
	Date   time.Time
	Number int
	Kind   CellKind
}

// CellKind says which of Cell's values is set.
type CellKind int

// The kinds of cell.
const (
	Empty CellKind = iota
	Text
	Date
	Number
)

// File is the half-year submission laid out in one spec's columns and codes.
type File struct {
	Spec   Spec
	Kommun string // the municipality's kommunkod
	Half   HalfYear
	Head   []string
	Rows   [][]Cell
}

// Layout lays r out in spec's columns for the municipality kommun. A key
// the spec has no code for is an error: spec tables are checked when they
// are loaded, so it means a list gained a key and the tables did not.
func Layout(spec Spec, kommun string, r Report) (File, error) {
	f := File{Spec: spec, Kommun: kommun, Half: r.Half}
	for _, c := range spec.Columns {
		f.Head = append(f.Head, c.Name)
	}
	for _, row := range r.Rows {
		cells := make([]Cell, len(spec.Columns))
		for i, c := range spec.Columns {
			fd := fields[c.Field]
			switch {
			case c.Field == "municipality":
				cells[i] = Cell{Kind: Text, Text: kommun}
			case c.Field == "personnummer":
				cells[i] = Cell{Kind: Text, Text: row.Personnummer}
			case c.Field == "record":
				cells[i] = code(spec.Codes[fd.list.Name][row.Record])
			case fd.kind == kindDate:
				if d, ok := row.Dates[c.Field]; ok {
					cells[i] = Cell{Kind: Date, Date: d}
				}
			case fd.kind == kindCode:
				key, ok := row.Keys[c.Field]
				if !ok {
					if c.Field != "occupation_after" || row.Record != "measure_ended" || row.Keys["measure_end_reason"] == "declined" {
						continue
					}
					key = codes.Unknown // no contact after the åtgärd told what the young person does
				}
				v, ok := spec.Code(fd.list.Name, key)
				if !ok {
					return f, fmt.Errorf("scb: spec %s has no code for %s %q", spec.Version, fd.list.Name, key)
				}
				cells[i] = code(v)
			default:
				if v := row.Keys[c.Field]; v != "" {
					cells[i] = Cell{Kind: Text, Text: v}
				}
			}
		}
		f.Rows = append(f.Rows, cells)
	}
	return f, nil
}

// code is SCB's code as a number when it is one (no leading zero), else as text.
func code(v string) Cell {
	if v == "" {
		return Cell{}
	}
	if n, err := strconv.Atoi(v); err == nil && strconv.Itoa(n) == v {
		return Cell{Kind: Number, Number: n}
	}
	return Cell{Kind: Text, Text: v}
}

// BaseName is the file's name without extension.
func (f File) BaseName() string { return f.Spec.Name(f.Kommun, f.Half) }

// info is what the file says of itself: the spec version and date, the
// municipality and the half-year.
func (f File) info() []table.Pair {
	date := table.T(f.Spec.Date)
	if d, err := time.Parse("2006-01-02", f.Spec.Date); err == nil {
		date = table.D(d)
	}
	out := []table.Pair{
		{Label: "Innehåll", Value: table.T(f.Spec.Title)},
		{Label: "Datafilsbeskrivning, version", Value: table.T(f.Spec.Version)},
		{Label: "Datafilsbeskrivningens datum", Value: date},
		{Label: "Kommun", Value: table.T(f.Kommun)},
		{Label: "Halvår", Value: table.T(f.Half.String() + " (" + f.Half.Label() + ")")},
		{Label: "Rader", Value: table.N(len(f.Rows))},
	}
	if f.Spec.Assumed {
		out = append(out, table.Pair{Label: "Obs", Value: table.T("Kolumnnamn och koder är antagna av KAA-registret och inte kontrollerade mot SCB:s datafilsbeskrivning.")})
	}
	return out
}

func (f File) textDate(d time.Time) string {
	if f.Spec.DateFormat == "YYYYMMDD" {
		return d.Format("20060102")
	}
	return d.Format("2006-01-02")
}

// Text is the file as SCB's text format: UTF-8 with a byte-order mark,
// fields separated by semicolons, CRLF line ends; first, if the spec says
// so, a row naming the spec version, then the column names.
func (f File) Text() ([]byte, error) {
	var b bytes.Buffer
	w := csvsafe.NewWriter(&b)
	if f.Spec.TextInfoRow {
		var line []string
		for _, kv := range f.info()[:5] {
			line = append(line, kv.Label+": "+kv.Value.Plain())
		}
		w.Write(line)
	}
	w.Write(f.Head)
	line := make([]string, len(f.Head))
	for _, row := range f.Rows {
		for i, c := range row {
			switch c.Kind {
			case Text:
				line[i] = c.Text
			case Date:
				line[i] = f.textDate(c.Date)
			case Number:
				line[i] = strconv.Itoa(c.Number)
			default:
				line[i] = ""
			}
		}
		w.Write(line)
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// XLSX is the file as a workbook written by internal/sheet: the data sheet
// first (bold, frozen header row with filters; personnummer and kommunkod
// as text, dates as dates, codes as numbers), then a sheet naming the spec
// version, municipality and half-year.
func (f File) XLSX() ([]byte, error) {
	x := sheet.New()
	defer x.Close()
	s, err := x.Stream(f.Spec.Sheet, f.Head, nil)
	if err != nil {
		return nil, err
	}
	line := make([]table.Cell, len(f.Head))
	for _, row := range f.Rows {
		for i, c := range row {
			switch c.Kind {
			case Text:
				line[i] = table.T(c.Text)
			case Date:
				line[i] = table.D(c.Date)
			case Number:
				line[i] = table.ID(c.Number)
			default:
				line[i] = table.Cell{}
			}
		}
		if err := s.Row(line); err != nil {
			return nil, err
		}
	}
	if err := s.Close(); err != nil {
		return nil, err
	}
	if err := x.Pairs(f.Spec.InfoSheet, f.info()); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

package scb

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kaa-plattform/kaa/internal/codes"
)

// The layout of SCB's file, one table per version of SCB's Datafilsbeskrivning,
// is data: spec/<version>.json names the columns in SCB's order and maps the
// keys of our code lists (internal/codes) to SCB's codes. A new description
// is a new table plus a run of TestSpecTables; the Go code holds no SCB name
// or code.
//
//go:embed spec/*.json
var specFiles embed.FS

// Spec is one version of SCB's file layout.
type Spec struct {
	Version     string                       `json:"version"`       // the first half-year it is for, "2026-2"
	Date        string                       `json:"date"`          // the date of SCB's description, "2026-12-01"
	Title       string                       `json:"title"`         // Swedish, written into the file
	Assumed     bool                         `json:"assumed"`       // names and codes not yet checked against SCB's description
	About       string                       `json:"about"`         // where the table comes from, for the maintainer
	Sheet       string                       `json:"sheet"`         // the data sheet's name in the xlsx
	InfoSheet   string                       `json:"info_sheet"`    // the sheet naming the spec version, municipality and half-year
	FileName    string                       `json:"file_name"`     // with {kommun}, {halvar} and {version}
	DateFormat  string                       `json:"date_format"`   // of dates in the text file: YYYY-MM-DD or YYYYMMDD
	TextInfoRow bool                         `json:"text_info_row"` // the text file starts with a row naming the spec version
	Columns     []Column                     `json:"columns"`
	Codes       map[string]map[string]string `json:"codes"` // list name → our key → SCB's code ("" leaves the cell empty)
}

// Column is one column of the file: one of our fields under SCB's name.
type Column struct {
	Field string `json:"field"`
	Name  string `json:"name"`
}

// Records are the kinds of row in the file, one for each of SCB's parts of
// the collection; the spec's "record" table gives each its code.
var Records = codes.List{Name: "record", Codes: []codes.Code{
	{Key: "registration", Label: "Ungdom i aktivitetsansvaret"},
	{Key: "contact", Label: "Kontakt"},
	{Key: "measure_started", Label: "Påbörjad åtgärd"},
	{Key: "measure_ended", Label: "Avslutad åtgärd"},
	{Key: "deregistration", Label: "Avregistrering"},
}}

type fieldKind int

const (
	kindText fieldKind = iota
	kindDate
	kindCode
)

// field is what the product knows of a column: its kind and, for a code,
// the list whose keys the spec maps.
type field struct {
	kind fieldKind
	list codes.List
}

// fields are the values the product can put in the file, by the id a spec's
// column names.
var fields = map[string]field{
	"municipality":          {kind: kindText},
	"personnummer":          {kind: kindText},
	"record":                {kind: kindCode, list: Records},
	"registered_on":         {kind: kindDate},
	"registration_reason":   {kind: kindCode, list: codes.RegistrationReason},
	"contact_on":            {kind: kindDate},
	"contact_occupation":    {kind: kindCode, list: codes.Occupation},
	"measure":               {kind: kindCode, list: codes.MeasureType},
	"measure_start":         {kind: kindDate},
	"measure_end":           {kind: kindDate},
	"measure_end_reason":    {kind: kindCode, list: codes.MeasureEnd},
	"occupation_after":      {kind: kindCode, list: codes.Occupation},
	"deregistered_on":       {kind: kindDate},
	"deregistration_reason": {kind: kindCode, list: codes.Deregistration},
	"moved_to":              {kind: kindText},
}

var specs = mustLoadSpecs()

func mustLoadSpecs() []Spec {
	out, err := loadSpecs()
	if err != nil {
		panic(err)
	}
	return out
}

// loadSpecs reads and checks every embedded table, oldest first.
func loadSpecs() ([]Spec, error) {
	names, err := specFiles.ReadDir("spec")
	if err != nil {
		return nil, err
	}
	var out []Spec
	for _, n := range names {
		b, err := specFiles.ReadFile(path.Join("spec", n.Name()))
		if err != nil {
			return nil, err
		}
		var s Spec
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			return nil, fmt.Errorf("scb: spec %s: %w", n.Name(), err)
		}
		if s.Version+".json" != n.Name() {
			return nil, fmt.Errorf("scb: spec %s names version %q", n.Name(), s.Version)
		}
		if err := s.check(); err != nil {
			return nil, fmt.Errorf("scb: spec %s: %w", n.Name(), err)
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Spec) int { return a.half().compare(b.half()) })
	return out, nil
}

// check holds a table to what the file needs: known fields, each code list
// mapped key for key and nothing else.
func (s Spec) check() error {
	if _, ok := ParseHalfYear(s.Version); !ok {
		return fmt.Errorf("version %q is not a half-year such as 2026-2", s.Version)
	}
	if _, err := time.Parse("2006-01-02", s.Date); err != nil {
		return fmt.Errorf("date %q: %w", s.Date, err)
	}
	if s.DateFormat != "YYYY-MM-DD" && s.DateFormat != "YYYYMMDD" {
		return fmt.Errorf("date_format %q: YYYY-MM-DD or YYYYMMDD", s.DateFormat)
	}
	if s.Title == "" || s.Sheet == "" || s.InfoSheet == "" || s.FileName == "" || s.Sheet == s.InfoSheet ||
		utf8.RuneCountInString(s.Sheet) > 31 || utf8.RuneCountInString(s.InfoSheet) > 31 {
		return fmt.Errorf("title, file_name and two different sheet names (at most 31 characters) are required")
	}
	used := map[string]bool{}
	seen := map[string]bool{}
	for _, c := range s.Columns {
		f, ok := fields[c.Field]
		if !ok {
			return fmt.Errorf("column %q: no field %q", c.Name, c.Field)
		}
		if c.Name == "" || seen[c.Field] {
			return fmt.Errorf("column of field %q: unnamed or twice", c.Field)
		}
		seen[c.Field] = true
		if f.kind == kindCode {
			used[f.list.Name] = true
		}
	}
	for _, must := range []string{"personnummer", "record"} {
		if !seen[must] {
			return fmt.Errorf("no %s column", must)
		}
	}
	for name := range s.Codes {
		if !used[name] {
			return fmt.Errorf("code table %q is used by no column", name)
		}
	}
	for _, f := range fields {
		if f.kind != kindCode || !used[f.list.Name] {
			continue
		}
		table := s.Codes[f.list.Name]
		for _, k := range f.list.Keys() {
			if _, ok := table[k]; !ok {
				return fmt.Errorf("code table %q has no code for %q", f.list.Name, k)
			}
		}
		for k := range table {
			if !f.list.Has(k) {
				return fmt.Errorf("code table %q maps %q, which is not in the list", f.list.Name, k)
			}
		}
	}
	return nil
}

func (s Spec) half() HalfYear { h, _ := ParseHalfYear(s.Version); return h }

// Specs returns every version of the layout, oldest first.
func Specs() []Spec { return slices.Clone(specs) }

// ErrUnknownSpec is returned by LookupSpec for a version no table has.
var ErrUnknownSpec = fmt.Errorf("scb: unknown spec version")

// LookupSpec returns the layout of version.
func LookupSpec(version string) (Spec, error) {
	for _, s := range specs {
		if s.Version == version {
			return s, nil
		}
	}
	return Spec{}, fmt.Errorf("%w %q", ErrUnknownSpec, version)
}

// SpecFor is the layout a file for h follows by default: the newest version
// not newer than h, or the oldest there is.
func SpecFor(h HalfYear) Spec {
	out := specs[0]
	for _, s := range specs {
		if s.half().compare(h) <= 0 {
			out = s
		}
	}
	return out
}

// Code is SCB's code for key in the table of list, and whether there is one.
func (s Spec) Code(list, key string) (string, bool) {
	c, ok := s.Codes[list][key]
	return c, ok
}

// Name is the file name, without extension, of the file for kommun and h.
func (s Spec) Name(kommun string, h HalfYear) string {
	return strings.NewReplacer("{kommun}", kommun, "{halvar}", h.String(), "{version}", s.Version).Replace(s.FileName)
}

// Package table is the typed table every page table and every file the
// product sends is built from: a cell says what it is (a count, a share, a
// date, a suppressed count, text), so the page can write it the Swedish way
// ("12 500", "31 %", "<5") and the files can store a real number
// (csvsafe for CSV, sheet for .xlsx). See docs/design/writers.md.
package table

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/kaa-plattform/kaa/internal/sv"
)

// Kind says which of a Cell's values is set.
type Kind uint8

// The kinds of cell.
const (
	Empty      Kind = iota // nothing
	Text                   // free text or a label; escaped in every file
	Count                  // a whole number of people or events (12 500)
	Int                    // a whole number that is an id or code, written without grouping
	Number                 // a decimal number (3,5)
	Share                  // a fraction (0.31) shown as a percentage (31 %)
	Date                   // a day (2026-08-15)
	Month                  // a month (2026-08, "aug 2026" on the page)
	Time                   // a moment to the second (2026-08-15 13:04:05)
	Phone                  // a telephone number (+46…): text, but not escaped
	Suppressed             // a count withheld from a file leaving the municipality
)

// Cell is one typed value of a table. The zero Cell is empty.
type Cell struct {
	Kind     Kind
	S        string    // Text, Phone; for Suppressed the text shown on the page ("<5", "dold")
	N        float64   // Count, Int, Number, Share (the fraction)
	T        time.Time // Date, Month, Time
	Decimals int       // Number, Share: decimals in files (and on the page for Number)
}

// T is a text cell.
func T(s string) Cell {
	if s == "" {
		return Cell{}
	}
	return Cell{Kind: Text, S: s}
}

// N is a count.
func N(n int) Cell { return Cell{Kind: Count, N: float64(n)} }

// ID is a whole number written without grouping (a user number, a code).
func ID(n int) Cell { return Cell{Kind: Int, N: float64(n)} }

// Dec is a decimal number with the given decimals.
func Dec(f float64, decimals int) Cell { return Cell{Kind: Number, N: f, Decimals: decimals} }

// Pct is the share n of `of`; with of = 0 there is no share, and the cell
// is "–", the sign of a value that does not exist.
func Pct(n, of int) Cell {
	if of == 0 {
		return Missing()
	}
	return Cell{Kind: Share, N: float64(n) / float64(of), Decimals: 1}
}

// Fraction is a share already computed (0.31 for 31 %).
func Fraction(f float64) Cell { return Cell{Kind: Share, N: f, Decimals: 1} }

// D is a day; the zero time is an empty cell.
func D(t time.Time) Cell {
	if t.IsZero() {
		return Cell{}
	}
	return Cell{Kind: Date, T: t}
}

// M is the month of t.
func M(t time.Time) Cell {
	return Cell{Kind: Month, T: time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)}
}

// At is a moment, written in the time zone t carries.
func At(t time.Time) Cell { return Cell{Kind: Time, T: t} }

// Tel is a telephone number.
func Tel(s string) Cell {
	if s == "" {
		return Cell{}
	}
	return Cell{Kind: Phone, S: s}
}

// Hidden is a count that must not leave the municipality, shown on the page
// as shown ("<5" for 1–4 people, "dold" for a count hidden so that another
// cannot be worked out).
func Hidden(shown string) Cell { return Cell{Kind: Suppressed, S: shown} }

// Missing is a value that does not exist (a share of nobody, a median of
// too few people): "–" on the page and in every file.
func Missing() Cell { return Cell{Kind: Text, S: "–"} }

// Dash is what a file shows for an empty or suppressed value.
const Dash = "–"

var monthNames = [12]string{"jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}

// String is the cell as the page shows it: 12 500, 31 %, 3,5, 2026-08-15,
// aug 2026, <5.
func (c Cell) String() string {
	switch c.Kind {
	case Text, Phone, Suppressed:
		return c.S
	case Count:
		return sv.Num(int(c.N))
	case Int:
		return strconv.Itoa(int(c.N))
	case Number:
		return sv.Decimal(c.N, c.Decimals)
	case Share:
		return sv.Num(int(math.Round(100*c.N))) + " %"
	case Date:
		return c.T.Format("2006-01-02")
	case Month:
		return monthNames[c.T.Month()-1] + " " + strconv.Itoa(c.T.Year())
	case Time:
		return c.T.Format("2006-01-02 15:04:05")
	}
	return ""
}

// Plain is the cell as a CSV file writes it for Swedish Excel: numbers
// without grouping and with a decimal comma (3,5), shares as a percentage
// with a decimal comma and a % sign that Excel reads as a percentage
// (31,3%), dates and months in ISO form (2026-08-15, 2026-08), suppressed
// counts as the page shows them ("<5", "dold"). Text comes back as it is;
// escaping it is the writer's job (Escaped says which cells need it).
func (c Cell) Plain() string {
	switch c.Kind {
	case Count, Int:
		return strconv.Itoa(int(c.N))
	case Number:
		return decimalComma(c.N, c.Decimals)
	case Share:
		return decimalComma(100*c.N, c.Decimals) + "%"
	case Month:
		return c.T.Format("2006-01")
	}
	return c.String()
}

// Escaped reports whether a writer must defuse the cell as a possible
// formula: only text is; a typed number or date is written by the program
// (a negative count stays -3), and a telephone number's + is kept readable.
func (c Cell) Escaped() bool { return c.Kind == Text || c.Kind == Suppressed }

// decimalComma writes f with up to decimals decimals, trailing zeros
// dropped, and a decimal comma: 31,3 and 31 (never 31,0).
func decimalComma(f float64, decimals int) string {
	s := strconv.FormatFloat(f, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return strings.Replace(s, ".", ",", 1)
}

// Table is a table with a title and a period for the files that carry them.
type Table struct {
	Title  string // first row of a workbook sheet, when set
	Period string // second row, when set ("Perioden är 2026 första halvåret")
	Head   []string
	Rows   [][]Cell
	Notes  []string // under the table in a workbook (what "–" means, where the numbers come from)
}

// Pair is a label and its value, as a file says something about itself
// (its period, its row count): the value typed like any table cell.
type Pair struct {
	Label string
	Value Cell
}

// Texts is a row of text cells.
func Texts(s ...string) []Cell {
	out := make([]Cell, len(s))
	for i, v := range s {
		out[i] = T(v)
	}
	return out
}

// Strings is the row as the page shows it.
func Strings(row []Cell) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = c.String()
	}
	return out
}

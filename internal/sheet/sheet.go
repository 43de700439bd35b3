// Package sheet is the one .xlsx writer of the product, a small layer over
// excelize. Every sheet it writes has a Swedish name, a bold, frozen header
// row with filters, column widths that fit the content, and typed cells:
// counts, shares (with a % format), decimal numbers and dates are real
// numbers a spreadsheet can sum and chart; a suppressed count is "–" with a
// comment and a note under the table, never a number written as text. Text
// cells starting like a formula get an apostrophe in front, as in the CSV
// files (csvsafe.Cell); a telephone number (table.Phone) is kept as it is.
// See docs/design/writers.md.
package sheet

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/kaa-plattform/kaa/internal/csvsafe"
	"github.com/kaa-plattform/kaa/internal/table"
)

// ContentType is the media type of an .xlsx file.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// SuppressedNote is the note under a table with suppressed cells.
const SuppressedNote = "– i en cell med ett antal: antalet visas inte utanför kommunen, eftersom det är 1–4 personer eller skulle låta ett sådant antal räknas ut. Kommentaren i cellen säger vilket."

// Workbook is an .xlsx file being written. Its sheets appear in the order
// they are added; the first is active.
type Workbook struct {
	f      *excelize.File
	sheets int
	style  map[string]int
}

// New returns an empty workbook. Close it when done.
func New() *Workbook { return &Workbook{f: excelize.NewFile(), style: map[string]int{}} }

// Close removes the workbook's temporary files.
func (b *Workbook) Close() error { return b.f.Close() }

// Write writes the workbook to w.
func (b *Workbook) Write(w io.Writer) error {
	b.f.SetActiveSheet(0)
	return b.f.Write(w)
}

// WriteTable writes a workbook of one sheet, name, holding t.
func WriteTable(w io.Writer, name string, t table.Table) error {
	b := New()
	defer b.Close()
	if err := b.Table(name, t); err != nil {
		return err
	}
	return b.Write(w)
}

// Name makes s a valid sheet name: at most 31 characters, none of : \ / ? * [ ].
func Name(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, strings.Trim(s, "'"))
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	if s == "" {
		s = "Blad"
	}
	return s
}

// sheet adds a sheet named name (the first renames the workbook's default).
func (b *Workbook) sheet(name string) (string, error) {
	name = Name(name)
	b.sheets++
	if b.sheets == 1 {
		return name, b.f.SetSheetName(b.f.GetSheetName(0), name)
	}
	_, err := b.f.NewSheet(name)
	return name, err
}

// styleOf is the style id for a named look, made once per workbook.
func (b *Workbook) styleOf(key string) (int, error) {
	if id, ok := b.style[key]; ok {
		return id, nil
	}
	var s excelize.Style
	custom := func(f string) { s.CustomNumFmt = &f }
	switch {
	case key == "head":
		s = excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
			Border: []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}}
	case key == "title":
		s.Font = &excelize.Font{Bold: true, Size: 14}
	case key == "label":
		s.Font = &excelize.Font{Bold: true}
	case key == "count":
		s.NumFmt = 3 // #,##0: Swedish Excel groups with a space
	case key == "date":
		custom("yyyy-mm-dd")
	case key == "month":
		custom("yyyy-mm")
	case key == "time":
		custom("yyyy-mm-dd hh:mm:ss")
	case key == "dash":
		s.Alignment = &excelize.Alignment{Horizontal: "right"}
	case strings.HasPrefix(key, "share"), strings.HasPrefix(key, "number"):
		var d int
		fmt.Sscanf(key[strings.IndexByte(key, '/')+1:], "%d", &d)
		f := "0"
		if d > 0 {
			f += "." + strings.Repeat("0", d)
		}
		if strings.HasPrefix(key, "share") {
			f += "%"
		}
		custom(f)
	}
	id, err := b.f.NewStyle(&s)
	if err != nil {
		return 0, err
	}
	b.style[key] = id
	return id, nil
}

// value is what excelize stores for c, with its style: numbers as numbers,
// dates as dates, text made safe.
func (b *Workbook) value(c table.Cell) (any, int, error) {
	var key string
	var v any
	switch c.Kind {
	case table.Empty:
		return nil, 0, nil
	case table.Text:
		return csvsafe.Cell(c.S), 0, nil
	case table.Phone:
		return c.S, 0, nil
	case table.Suppressed:
		v, key = table.Dash, "dash"
	case table.Count:
		v, key = int64(c.N), "count"
	case table.Int:
		return int64(c.N), 0, nil
	case table.Number:
		v, key = c.N, fmt.Sprintf("number/%d", c.Decimals)
	case table.Share:
		// The page rounds to whole percent; so does the cell's format, but
		// the value is the exact share, to compute with.
		v, key = c.N, "share/0"
	case table.Date:
		v, key = wall(c.T), "date"
	case table.Month:
		v, key = wall(c.T), "month"
	case table.Time:
		v, key = wall(c.T), "time"
	}
	id, err := b.styleOf(key)
	return v, id, err
}

// wall is t's wall clock as UTC, which is how a spreadsheet stores times.
func wall(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// comment explains a suppressed cell.
func comment(shown string) string {
	if shown == "<5" {
		return "Färre än 5 personer (1–4): visas inte utanför kommunen."
	}
	return "Dold så att ett antal under 5 inte kan räknas ut ur summorna."
}

// Table adds a sheet holding t: its title and period in the first rows
// when set, then a blank row, the header (bold, frozen, with filters),
// the rows, and the notes under the table.
func (b *Workbook) Table(name string, t table.Table) error {
	sh, err := b.sheet(name)
	if err != nil {
		return err
	}
	row := 1
	for _, s := range []struct{ text, style string }{{t.Title, "title"}, {t.Period, ""}} {
		if s.text == "" {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := b.f.SetCellStr(sh, cell, csvsafe.Cell(s.text)); err != nil {
			return err
		}
		if s.style != "" {
			id, err := b.styleOf(s.style)
			if err != nil {
				return err
			}
			b.f.SetCellStyle(sh, cell, cell, id)
		}
		row++
	}
	if row > 1 {
		row++ // a blank row between the title and the table
	}
	headRow := row
	if err := b.headRow(sh, headRow, t.Head); err != nil {
		return err
	}
	widths := make([]int, len(t.Head))
	for i, h := range t.Head {
		widths[i] = longestWord(h)
	}
	suppressed := false
	for _, r := range t.Rows {
		row++
		for j, c := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, row)
			v, style, err := b.value(c)
			if err != nil {
				return err
			}
			if v == nil {
				continue
			}
			if err := b.f.SetCellValue(sh, cell, v); err != nil {
				return err
			}
			if style != 0 {
				if err := b.f.SetCellStyle(sh, cell, cell, style); err != nil {
					return err
				}
			}
			if c.Kind == table.Suppressed {
				suppressed = true
				if err := b.f.AddComment(sh, excelize.Comment{Cell: cell, Author: "KAA", Text: comment(c.S)}); err != nil {
					return err
				}
			}
			if j < len(widths) {
				widths[j] = max(widths[j], utf8.RuneCountInString(c.String()))
			}
		}
	}
	if err := b.frame(sh, headRow, row, len(t.Head)); err != nil {
		return err
	}
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := b.f.SetColWidth(sh, col, col, width(w)); err != nil {
			return err
		}
	}
	notes := t.Notes
	if suppressed {
		notes = append(notes, SuppressedNote)
	}
	row++
	for _, n := range notes {
		row++
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := b.f.SetCellStr(sh, cell, csvsafe.Cell(n)); err != nil {
			return err
		}
	}
	return nil
}

// headRow writes the header at row, bold and made safe.
func (b *Workbook) headRow(sh string, row int, head []string) error {
	id, err := b.styleOf("head")
	if err != nil {
		return err
	}
	for i, h := range head {
		cell, _ := excelize.CoordinatesToCellName(i+1, row)
		if err := b.f.SetCellStr(sh, cell, csvsafe.Cell(h)); err != nil {
			return err
		}
		if err := b.f.SetCellStyle(sh, cell, cell, id); err != nil {
			return err
		}
	}
	return nil
}

// frame freezes the rows down to the header and puts filters on the
// header over the rows to last.
func (b *Workbook) frame(sh string, headRow, last, cols int) error {
	if cols == 0 {
		return nil
	}
	top, _ := excelize.CoordinatesToCellName(1, headRow+1)
	if err := b.f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: headRow, TopLeftCell: top, ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	from, _ := excelize.CoordinatesToCellName(1, headRow)
	to, _ := excelize.CoordinatesToCellName(cols, max(last, headRow))
	return b.f.AutoFilter(sh, from+":"+to, nil)
}

// longestWord is the width a header needs when it wraps between words.
func longestWord(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		n = max(n, utf8.RuneCountInString(w))
	}
	return max(n, min(utf8.RuneCountInString(s), 14))
}

// width is a column width for content of n characters: room for it, but
// neither too narrow for a number nor wider than a screen's third.
func width(n int) float64 { return float64(min(max(n+2, 8), 60)) }

// Pairs adds a sheet of labels and values (what a file says about itself:
// its period, its spec, what was left out), the labels bold and the values
// typed like table cells (a row count is a number, a date a date).
func (b *Workbook) Pairs(name string, rows []table.Pair) error {
	sh, err := b.sheet(name)
	if err != nil {
		return err
	}
	label, err := b.styleOf("label")
	if err != nil {
		return err
	}
	wl, wv := 10, 10
	for i, kv := range rows {
		a, bcell := fmt.Sprintf("A%d", i+1), fmt.Sprintf("B%d", i+1)
		if err := b.f.SetCellStr(sh, a, csvsafe.Cell(kv.Label)); err != nil {
			return err
		}
		v, style, err := b.value(kv.Value)
		if err != nil {
			return err
		}
		if v != nil {
			if err := b.f.SetCellValue(sh, bcell, v); err != nil {
				return err
			}
		}
		if style != 0 {
			if err := b.f.SetCellStyle(sh, bcell, bcell, style); err != nil {
				return err
			}
		}
		wl, wv = max(wl, utf8.RuneCountInString(kv.Label)), max(wv, utf8.RuneCountInString(kv.Value.String()))
	}
	if len(rows) > 0 {
		b.f.SetCellStyle(sh, "A1", fmt.Sprintf("A%d", len(rows)), label)
	}
	b.f.SetColWidth(sh, "A", "A", width(wl))
	return b.f.SetColWidth(sh, "B", "B", min(width(wv), 100))
}

// Stream is a sheet written row by row, for tables too large to hold:
// excelize keeps a chunk in memory and the rest in a temporary file. The
// header is row 1; there is no title (the file is for a program to read).
type Stream struct {
	b    *Workbook
	sw   *excelize.StreamWriter
	name string
	cols int
	row  int
	buf  []any
}

// Stream adds a sheet written row by row under head. widths are the
// columns' widths in characters; a missing or zero width is the header's.
// Call Close before adding another sheet.
func (b *Workbook) Stream(name string, head []string, widths []int) (*Stream, error) {
	sh, err := b.sheet(name)
	if err != nil {
		return nil, err
	}
	sw, err := b.f.NewStreamWriter(sh)
	if err != nil {
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	for i, h := range head {
		w := longestWord(h)
		if i < len(widths) && widths[i] > 0 {
			w = widths[i]
		}
		if err := sw.SetColWidth(i+1, i+1, width(w)); err != nil {
			return nil, err
		}
	}
	id, err := b.styleOf("head")
	if err != nil {
		return nil, err
	}
	cells := make([]any, len(head))
	for i, h := range head {
		cells[i] = excelize.Cell{StyleID: id, Value: csvsafe.Cell(h)}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return nil, err
	}
	return &Stream{b: b, sw: sw, name: sh, cols: len(head), row: 1}, nil
}

// Row writes the next row. A suppressed cell is "–" without a comment:
// a streamed sheet cannot carry them, so its notes go on another sheet.
func (s *Stream) Row(cells []table.Cell) error {
	s.row++
	s.buf = s.buf[:0]
	for _, c := range cells {
		v, style, err := s.b.value(c)
		if err != nil {
			return err
		}
		if style != 0 {
			s.buf = append(s.buf, excelize.Cell{StyleID: style, Value: v})
		} else {
			s.buf = append(s.buf, v)
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, s.row)
	return s.sw.SetRow(cell, s.buf)
}

// Close ends the sheet and puts filters on its header.
func (s *Stream) Close() error {
	if err := s.sw.Flush(); err != nil {
		return err
	}
	if s.cols == 0 {
		return nil
	}
	to, _ := excelize.CoordinatesToCellName(s.cols, s.row)
	return s.b.f.AutoFilter(s.name, "A1:"+to, nil)
}

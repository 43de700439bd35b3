// Package csvsafe is the one CSV writer of the product. Every CSV it writes
// opens right in Swedish Excel: UTF-8 with a byte-order mark, fields
// separated by ;, CRLF line ends, numbers with a decimal comma and dates in
// ISO form (see table.Cell.Plain). Every text cell, the header row included,
// passes Cell so that a spreadsheet cannot run it as a formula; typed
// numbers and dates are written by the program and are not escaped, so a
// negative number stays -3. There is no other layout to choose.
package csvsafe

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/kaa-plattform/kaa/internal/table"
)

// Cell keeps a spreadsheet from running a cell as a formula (OWASP's CSV
// injection advice): a cell starting with = + - @, tab or carriage return gets
// a leading apostrophe, which Excel and LibreOffice show as text.
func Cell(s string) string {
	if s != "" && strings.ContainsAny(s[:1], "=+-@\t\r") {
		return "'" + s
	}
	return s
}

// Writer is encoding/csv's Writer in the Swedish spreadsheet layout, with
// Cell applied to every text field.
type Writer struct {
	out     io.Writer
	w       *csv.Writer
	started bool
	err     error
	buf     []string
}

// NewWriter returns a Writer to w. The byte-order mark goes out with the
// first record (or Flush), so an empty file still opens as UTF-8.
func NewWriter(w io.Writer) *Writer {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	return &Writer{out: w, w: cw}
}

func (w *Writer) start() error {
	if !w.started {
		w.started = true
		_, w.err = io.WriteString(w.out, "\uFEFF")
	}
	return w.err
}

// Write writes one record of text, each field made safe. record is not
// changed.
func (w *Writer) Write(record []string) error {
	if err := w.start(); err != nil {
		return err
	}
	w.buf = w.buf[:0]
	for _, f := range record {
		w.buf = append(w.buf, Cell(f))
	}
	return w.w.Write(w.buf)
}

// WriteCells writes one record of typed cells: numbers with a decimal
// comma, shares with %, dates in ISO form, text made safe.
func (w *Writer) WriteCells(record []table.Cell) error {
	if err := w.start(); err != nil {
		return err
	}
	w.buf = w.buf[:0]
	for _, c := range record {
		s := c.Plain()
		if c.Escaped() {
			s = Cell(s)
		}
		w.buf = append(w.buf, s)
	}
	return w.w.Write(w.buf)
}

// WriteTable writes t's header and rows (not its title, period or notes:
// a CSV file is the table alone, for a program to read) and flushes.
func (w *Writer) WriteTable(t table.Table) error {
	if err := w.Write(t.Head); err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := w.WriteCells(r); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// WriteAll writes every record and flushes.
func (w *Writer) WriteAll(records [][]string) error {
	for _, r := range records {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() {
	if w.start() == nil {
		w.w.Flush()
	}
}

// Error reports any error from a previous Write or Flush.
func (w *Writer) Error() error {
	if w.err != nil {
		return w.err
	}
	return w.w.Error()
}

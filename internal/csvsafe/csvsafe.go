// Package csvsafe writes CSV that a spreadsheet cannot run as formulas: every
// cell of every record, the header row included, passes through Cell. All CSV
// the product sends goes through Writer, so no download can forget a cell.
package csvsafe

import (
	"encoding/csv"
	"io"
	"strings"
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

// Writer is encoding/csv's Writer with Cell applied to every field.
type Writer struct {
	w   *csv.Writer
	buf []string
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, each field made safe. record is not changed.
func (w *Writer) Write(record []string) error {
	w.buf = w.buf[:0]
	for _, f := range record {
		w.buf = append(w.buf, Cell(f))
	}
	return w.w.Write(w.buf)
}

// WriteAll writes every record and flushes.
func (w *Writer) WriteAll(records [][]string) error {
	for _, r := range records {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	w.w.Flush()
	return w.w.Error()
}

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() { w.w.Flush() }

// Error reports any error from a previous Write or Flush.
func (w *Writer) Error() error { return w.w.Error() }

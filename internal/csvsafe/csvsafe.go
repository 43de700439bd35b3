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

// NewWriter returns a Writer writing comma-separated UTF-8 with LF line ends to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Format is how a Writer lays out a file: the separator, CRLF line ends, and
// a UTF-8 byte-order mark first (which Swedish Excel needs to read UTF-8).
type Format struct {
	Comma rune
	CRLF  bool
	BOM   bool
}

// Semicolon is the format of a Swedish spreadsheet's text file: fields
// separated by ;, CRLF line ends, a byte-order mark.
var Semicolon = Format{Comma: ';', CRLF: true, BOM: true}

// NewFormatWriter returns a Writer writing to w in format f; the byte-order
// mark, if any, is written at once.
func NewFormatWriter(w io.Writer, f Format) (*Writer, error) {
	if f.BOM {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return nil, err
		}
	}
	cw := csv.NewWriter(w)
	if f.Comma != 0 {
		cw.Comma = f.Comma
	}
	cw.UseCRLF = f.CRLF
	return &Writer{w: cw}, nil
}

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

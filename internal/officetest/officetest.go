// Package officetest opens files the product sends with a real, independent
// reader: LibreOffice Calc, headless, set to Swedish (sv-SE). Tests use it to
// see a CSV or .xlsx file as the municipality's staff see it in their
// spreadsheet: which cells are numbers, percentages, dates or text, and
// whether å, ä and ö came through. See docs/design/office-check.md.
//
// A CSV file is opened the way Swedish Excel opens a .csv: fields separated
// by ; (the Swedish list separator), read as UTF-8 only when the file starts
// with a byte-order mark and as Windows-1252 otherwise, numbers and dates
// recognised in the Swedish way (decimal comma), quoted digits typed like
// any other (Excel keeps no quotes), and a cell starting with = evaluated
// as a formula. LibreOffice's own defaults (a comma, the system's
// character set) would test LibreOffice, not the staff's Excel.
package officetest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// Cell is one cell as LibreOffice reads it.
type Cell struct {
	// Type is the ODF value type: "float", "percentage", "currency", "date",
	// "time", "boolean", "string", or "" for an empty cell.
	Type string
	// Value is the typed value: office:value of a number or percentage
	// (0.125 for 12,5 %), office:date-value of a date (2026-08-15), the text
	// of a string.
	Value string
	// Text is what the cell shows, in Swedish (12,5 %, 1 234).
	Text string
	// Formula is the cell's formula (of:=1+1), empty for a plain value.
	Formula string
}

// Sheet is one sheet: its name and its rows of cells, without the empty
// rows and cells after the last one with something in it.
type Sheet struct {
	Name string
	Rows [][]Cell
}

// Book is a file as LibreOffice reads it.
type Book struct {
	Sheets []Sheet
}

// File is a file to open: its name says its kind (.csv or .xlsx).
type File struct {
	Name string
	Data []byte
}

// Available reports whether LibreOffice (soffice) is installed.
func Available() bool {
	_, err := exec.LookPath("soffice")
	return err == nil
}

// One soffice at a time: the test machines have few cores, and the
// conversions of a test are many files in one run anyway.
var mu sync.Mutex

// csvFilter is the CSV import filter's options: separator ; (59), text
// delimiter " (34), the character set UTF-8 (76), from line 1, no column types,
// language sv-SE (1053), quoted fields typed as any other (false), special
// numbers such as dates detected (true), three export-only options, all
// sheets, formulas evaluated (true).
const csvFilter = "Text - txt - csv (StarCalc):59,34,76,1,,1053,false,true,false,false,false,-1,true"

var bom = []byte("\xef\xbb\xbf")

// Open reads files with LibreOffice and returns them in the same order. It
// skips the test (with a line in its log) when LibreOffice is not
// installed, and fails it when LibreOffice cannot open a file. Files of one
// kind are converted by one run of soffice (1–5 s each).
func Open(t testing.TB, files ...File) []*Book {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) is not installed: the files are not opened by an independent reader; on Debian: apt-get install libreoffice-calc-nogui")
	}
	books := make([]*Book, len(files))
	dir := t.TempDir()
	// The filter options hold for every file of a run: the CSV files go in
	// one run, the workbooks in another.
	groups := map[string][]int{}
	data := make([][]byte, len(files))
	for i, f := range files {
		var filter string
		data[i] = f.Data
		switch strings.ToLower(filepath.Ext(f.Name)) {
		case ".csv":
			filter = csvFilter
			// Without a byte-order mark Excel reads Windows-1252. Decoding
			// it here is what LibreOffice's filter would do with that
			// character set, and lets one run read every CSV as UTF-8.
			if !bytes.HasPrefix(f.Data, bom) {
				s, err := charmap.Windows1252.NewDecoder().Bytes(f.Data)
				if err != nil {
					t.Fatal(err)
				}
				data[i] = slices.Concat(bom, s)
			}
		case ".xlsx":
		default:
			t.Fatalf("officetest: %s is neither .csv nor .xlsx", f.Name)
		}
		groups[filter] = append(groups[filter], i)
	}
	mu.Lock()
	defer mu.Unlock()
	profile := filepath.Join(dir, "profile")
	if err := makeProfile(profile); err != nil {
		t.Fatal(err)
	}
	for filter, idx := range groups {
		args := []string{"--headless", "--norestore", "-env:UserInstallation=file://" + profile}
		if filter != "" {
			args = append(args, "--infilter="+filter)
		}
		out := filepath.Join(dir, "out")
		args = append(args, "--convert-to", "fods", "--outdir", out)
		for _, i := range idx {
			in := filepath.Join(dir, fmt.Sprintf("f%03d%s", i, strings.ToLower(filepath.Ext(files[i].Name))))
			if err := os.WriteFile(in, data[i], 0o600); err != nil {
				t.Fatal(err)
			}
			args = append(args, in)
		}
		cmd := exec.Command(soffice, args...)
		cmd.Env = append(os.Environ(), "LC_ALL=sv_SE.UTF-8", "LANG=sv_SE.UTF-8", "LANGUAGE=sv")
		log, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("officetest: soffice: %v\n%s", err, log)
		}
		for _, i := range idx {
			b, err := os.ReadFile(filepath.Join(out, fmt.Sprintf("f%03d.fods", i)))
			if err != nil {
				t.Fatalf("officetest: LibreOffice could not open %s: %v\n%s", files[i].Name, err, log)
			}
			if books[i], err = Parse(bytes.NewReader(b)); err != nil {
				t.Fatalf("officetest: %s: %v", files[i].Name, err)
			}
		}
	}
	return books
}

// makeProfile makes a private LibreOffice user profile in dir, set to
// Swedish: the locale decides how numbers and dates are recognised and
// shown, whatever locales the machine has installed. A profile of its own
// keeps a run apart from any other LibreOffice (two cannot share one), and
// a fresh one costs no measurable time.
func makeProfile(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "user"), 0o700); err != nil {
		return err
	}
	const xcu = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>sv-SE</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse"><value>sv-SE</value></prop></item>
</oor:items>
`
	if err := os.WriteFile(filepath.Join(dir, "user", "registrymodifications.xcu"), []byte(xcu), 0o600); err != nil {
		return err
	}
	return nil
}

// Parse reads a flat OpenDocument spreadsheet (.fods): every sheet's name
// and cells, with repeated rows and cells written out.
func Parse(r io.Reader) (*Book, error) {
	const (
		tableNS  = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
		officeNS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
		textNS   = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
	)
	attr := func(e xml.StartElement, space, local string) string {
		for _, a := range e.Attr {
			if a.Name.Space == space && a.Name.Local == local {
				return a.Value
			}
		}
		return ""
	}
	repeat := func(e xml.StartElement, name string) int {
		if n, err := strconv.Atoi(attr(e, tableNS, name)); err == nil && n > 0 {
			return n
		}
		return 1
	}
	book := &Book{}
	var (
		sheet               *Sheet
		row                 []Cell
		rowRepeat           int
		cell                *Cell
		cellRepeat          int
		text                strings.Builder
		paragraphs          int
		inBody, inParagraph bool
	)
	d := xml.NewDecoder(r)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch {
			case e.Name.Space == officeNS && e.Name.Local == "spreadsheet":
				inBody = true
			case !inBody:
			case e.Name.Space == tableNS && e.Name.Local == "table":
				book.Sheets = append(book.Sheets, Sheet{Name: attr(e, tableNS, "name")})
				sheet = &book.Sheets[len(book.Sheets)-1]
			case sheet != nil && e.Name.Space == tableNS && e.Name.Local == "table-row":
				row, rowRepeat = nil, repeat(e, "number-rows-repeated")
			case sheet != nil && e.Name.Space == tableNS && (e.Name.Local == "table-cell" || e.Name.Local == "covered-table-cell"):
				typ := attr(e, officeNS, "value-type")
				value := attr(e, officeNS, "value")
				switch typ {
				case "date":
					value = attr(e, officeNS, "date-value")
				case "time":
					value = attr(e, officeNS, "time-value")
				case "boolean":
					value = attr(e, officeNS, "boolean-value")
				case "string":
					value = attr(e, officeNS, "string-value")
				}
				cell = &Cell{Type: typ, Value: value, Formula: attr(e, tableNS, "formula")}
				cellRepeat = repeat(e, "number-columns-repeated")
				text.Reset()
				paragraphs = 0
			case cell != nil && e.Name.Space == textNS && e.Name.Local == "p":
				if paragraphs > 0 {
					text.WriteByte('\n')
				}
				paragraphs++
				inParagraph = true
			case inParagraph && e.Name.Space == textNS && e.Name.Local == "s":
				n, err := strconv.Atoi(attr(e, textNS, "c"))
				if err != nil || n < 1 {
					n = 1
				}
				text.WriteString(strings.Repeat(" ", n))
			case inParagraph && e.Name.Space == textNS && e.Name.Local == "tab":
				text.WriteByte('\t')
			case inParagraph && e.Name.Space == textNS && e.Name.Local == "line-break":
				text.WriteByte('\n')
			}
		case xml.CharData:
			if inParagraph {
				text.Write(e)
			}
		case xml.EndElement:
			switch {
			case e.Name.Space == officeNS && e.Name.Local == "spreadsheet":
				inBody = false
			case e.Name.Space == textNS && e.Name.Local == "p":
				inParagraph = false
			case cell != nil && e.Name.Space == tableNS && (e.Name.Local == "table-cell" || e.Name.Local == "covered-table-cell"):
				cell.Text = text.String()
				if cell.Type == "string" && cell.Value == "" {
					cell.Value = cell.Text
				}
				// Empty cells repeated to the sheet's edge are not written out.
				if cell.Type != "" || cell.Text != "" || cell.Formula != "" {
					for range cellRepeat {
						row = append(row, *cell)
					}
				} else {
					for range min(cellRepeat, 256) {
						row = append(row, *cell)
					}
				}
				cell = nil
			case sheet != nil && e.Name.Space == tableNS && e.Name.Local == "table-row":
				row = trimCells(row)
				if len(row) == 0 {
					// Empty rows repeated to the sheet's edge: the end trims them.
					rowRepeat = min(rowRepeat, 1024)
				}
				for range rowRepeat {
					sheet.Rows = append(sheet.Rows, row)
				}
			case sheet != nil && e.Name.Space == tableNS && e.Name.Local == "table":
				for len(sheet.Rows) > 0 && len(sheet.Rows[len(sheet.Rows)-1]) == 0 {
					sheet.Rows = sheet.Rows[:len(sheet.Rows)-1]
				}
				sheet = nil
			}
		}
	}
	return book, nil
}

// trimCells drops the empty cells at the end of a row.
func trimCells(row []Cell) []Cell {
	for len(row) > 0 {
		c := row[len(row)-1]
		if c.Type != "" || c.Text != "" || c.Formula != "" {
			break
		}
		row = row[:len(row)-1]
	}
	return row
}

// Sheet returns the sheet called name, or nil.
func (b *Book) Sheet(name string) *Sheet {
	for i := range b.Sheets {
		if b.Sheets[i].Name == name {
			return &b.Sheets[i]
		}
	}
	return nil
}

// HeaderRow returns the index of the first row whose cells' texts include
// every one of names (compared without case), or -1: the header of a table
// may stand below a title and a period.
func (s *Sheet) HeaderRow(names ...string) int {
	for i, row := range s.Rows {
		found := 0
		for _, n := range names {
			for _, c := range row {
				if strings.EqualFold(strings.TrimSpace(c.Text), n) {
					found++
					break
				}
			}
		}
		if found == len(names) && len(names) > 0 {
			return i
		}
	}
	return -1
}

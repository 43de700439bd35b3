// Package kaalist reads the list of young people that a school
// administration hands the municipal KAA coordinator each term (CSV or
// .xlsx), lets the coordinator say which column holds what, and turns the
// lines into validated rows. It stores nothing.
package kaalist

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// The limits of what Read accepts, each refused with a Swedish message that
// names it. All but MaxBytes are checked while the file is decoded, so a
// file over one stops being read there; an .xlsx's uncompressed sizes are
// checked from its zip directory before anything is unpacked (archive/zip
// refuses an entry that unpacks to more than the directory says).
const (
	MaxBytes         = 5 << 20   // the file as uploaded
	MaxUnzipped      = 16 << 20  // an .xlsx's parts together, uncompressed (excelize holds them all in memory)
	MaxSharedStrings = 4 << 20   // an .xlsx's shared strings (xl/sharedStrings.xml), uncompressed: excelize parses them whole
	MaxRows          = 20000     // data rows
	MaxColumns       = 200       // cells of one row, up to its last non-empty one
	MaxCells         = 1_000_000 // cells of all rows together, each row up to its last non-empty one
	MaxCellLen       = 1000      // characters in one cell
	MaxText          = 8 << 20   // bytes of text in all cells together
)

// Field is a column the importer understands.
type Field string

// The fields, by the name a mapping form posts.
const (
	FieldPersonnummer Field = "personnummer"
	FieldFirstName    Field = "first_name"
	FieldLastName     Field = "last_name"
	FieldName         Field = "name" // "Efternamn, Förnamn" or "Förnamn Efternamn" in one column
	FieldMobile       Field = "mobile"
	FieldEmail        Field = "email"
	FieldStreet       Field = "street"
	FieldPostalCode   Field = "postal_code"
	FieldCity         Field = "city"
	FieldGender       Field = "gender"
	FieldSchool       Field = "school"    // school name, informational
	FieldProgramme    Field = "programme" // upper secondary programme
	FieldReason       Field = "reason"    // reason for registration
)

// Fields lists the fields in display order.
var Fields = []Field{
	FieldPersonnummer, FieldFirstName, FieldLastName, FieldName, FieldMobile, FieldEmail,
	FieldStreet, FieldPostalCode, FieldCity, FieldGender, FieldSchool, FieldProgramme, FieldReason,
}

var labels = map[Field]string{
	FieldPersonnummer: "Personnummer",
	FieldFirstName:    "Förnamn",
	FieldLastName:     "Efternamn",
	FieldName:         "Namn (för- och efternamn i samma kolumn)",
	FieldMobile:       "Mobilnummer",
	FieldEmail:        "E-post",
	FieldStreet:       "Gatuadress",
	FieldPostalCode:   "Postnummer",
	FieldCity:         "Ort",
	FieldGender:       "Kön",
	FieldSchool:       "Skola",
	FieldProgramme:    "Program",
	FieldReason:       "Registreringsorsak",
}

// Label returns the Swedish label of f for forms and messages.
func Label(f Field) string {
	if l, ok := labels[f]; ok {
		return l
	}
	return string(f)
}

// Table is a decoded file: header row and data rows, as strings. It is
// what an import keeps between upload and confirmation (as JSON), never the
// file.
type Table struct {
	Header    []string   `json:"header"`
	Rows      [][]string `json:"rows"`      // each up to its last non-empty cell
	Format    string     `json:"format"`    // "csv-utf8", "csv-utf8-bom", "csv-windows-1252" or "xlsx"
	Separator rune       `json:"separator"` // ',', ';' or '\t' for CSV, 0 for xlsx
	Lines     []int      `json:"lines"`     // line (Excel row) of each of Rows in the file, when read by Read

	cells, text int // counted against MaxCells and MaxText while reading
}

// Sentinel errors of Read, wrapped in a *FileError.
var (
	ErrTooLarge    = errors.New("kaalist: file too large")
	ErrTooManyRows = errors.New("kaalist: too many rows")
	ErrEmpty       = errors.New("kaalist: no rows")
	ErrUnreadable  = errors.New("kaalist: unreadable file")
)

// FileError is a file Read rejects: Msg says in Swedish what is wrong and
// what to do, and Err is one of the sentinel errors.
type FileError struct {
	Err   error
	Msg   string
	cause error
}

// Error returns the Swedish message.
func (e *FileError) Error() string { return e.Msg }

// Unwrap returns the sentinel error and the underlying cause, if any.
func (e *FileError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.cause}
}

var (
	errTooLarge     = &FileError{Err: ErrTooLarge, Msg: "Filen är för stor (högst 5 MB). Dela upp listan i flera filer."}
	errTooManyRows  = &FileError{Err: ErrTooManyRows, Msg: "Filen har fler än 20 000 rader. Dela upp listan i flera filer."}
	errEmpty        = &FileError{Err: ErrEmpty, Msg: "Filen innehåller inga rader att importera."}
	errFileType     = &FileError{Err: ErrUnreadable, Msg: "Filtypen stöds inte. Spara listan som .csv eller .xlsx."}
	errTooWide      = &FileError{Err: ErrTooLarge, Msg: "Filen har fler än 200 kolumner. Ta bort kolumner som inte behövs och försök igen."}
	errUnzipped     = &FileError{Err: ErrTooLarge, Msg: "Excel-filen är för stor uppackad (högst 16 MB). Dela upp listan i flera filer eller spara den som CSV."}
	errStrings      = &FileError{Err: ErrTooLarge, Msg: "Excel-filens texter är för stora uppackade (högst 4 MB). Dela upp listan i flera filer eller spara den som CSV."}
	errTooManyCells = &FileError{Err: ErrTooLarge, Msg: "Filen har fler än 1 000 000 celler. Ta bort kolumner som inte behövs eller dela upp listan i flera filer."}
	errTooMuchText  = &FileError{Err: ErrTooLarge, Msg: "Filen har mer än 8 MB text. Ta bort kolumner som inte behövs eller dela upp listan i flera filer."}
	errNotText      = &FileError{Err: ErrUnreadable, Msg: "Filen kunde inte läsas som text. Spara listan som CSV (UTF-8) eller .xlsx och försök igen."}
)

func errCellTooLong(line int) error {
	return &FileError{Err: ErrTooLarge,
		Msg: fmt.Sprintf("En cell på rad %d har fler än 1 000 tecken (högst 1 000 tecken per cell). Korta cellen eller ta bort kolumnen och försök igen.", line)}
}

func errXLSX(cause error) error {
	return &FileError{Err: ErrUnreadable, cause: cause,
		Msg: "Filen kunde inte läsas som en Excel-fil (.xlsx). Öppna den i Excel och spara om den."}
}

// Read decodes a file by its name and content: .xlsx via excelize (first
// sheet), .csv and .txt as CSV in UTF-8 (with or without BOM) or
// Windows-1252, separated by ';', ',' or tab. Cells are trimmed and empty
// rows dropped; the first remaining row is the header. Errors are *FileError.
func Read(name string, data []byte) (*Table, error) {
	if len(data) > MaxBytes {
		return nil, errTooLarge
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		return readXLSX(data)
	case ".csv", ".txt":
		if bytes.HasPrefix(data, []byte("PK\x03\x04")) { // an .xlsx saved under the wrong name
			return readXLSX(data)
		}
		return readCSV(data)
	}
	return nil, errFileType
}

func readCSV(data []byte) (*Table, error) {
	t := &Table{Format: "csv-utf8"}
	switch {
	case bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")):
		t.Format = "csv-utf8-bom"
		data = bytes.ToValidUTF8(data[3:], []byte("\uFFFD"))
	case !utf8.Valid(data):
		t.Format = "csv-windows-1252"
		var err error
		if data, _, err = transform.Bytes(charmap.Windows1252.NewDecoder(), data); err != nil {
			return nil, errNotText
		}
	}
	if bytes.IndexByte(data, 0) >= 0 { // binary, or UTF-16 ("Unicode-text")
		return nil, errNotText
	}
	if !bytes.Contains(data, []byte("\n")) { // classic Mac line endings
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	t.Separator = separator(data[:min(len(data), 64<<10)])
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = t.Separator, true, -1
	// line is the Excel row of the last record: csv.Reader skips blank lines
	// and a quoted cell may span lines, so count from the record's position.
	line, endLine, pos := 0, 0, 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, &FileError{Err: ErrUnreadable, cause: err, Msg: "Filen kunde inte läsas som CSV. Öppna den i Excel och spara den som CSV igen."}
		}
		start, _ := r.FieldPos(0)
		line += 1 + max(0, start-endLine-1)
		off := int(r.InputOffset())
		endLine += bytes.Count(data[pos:off], []byte("\n"))
		pos = off
		if err := t.add(rec, line); err != nil {
			return nil, err
		}
	}
	return t.finish()
}

// separator picks the separator that splits the first record (in the start
// of the file) into the most fields; ';' wins ties, as Swedish Excel writes
// semicolons.
func separator(data []byte) rune {
	best, most := ';', 0
	for _, sep := range []rune{';', ',', '\t'} {
		r := csv.NewReader(bytes.NewReader(data))
		r.Comma, r.LazyQuotes, r.FieldsPerRecord = sep, true, -1
		if rec, err := r.Read(); err == nil && len(rec) > most {
			best, most = sep, len(rec)
		}
	}
	return best
}

func readXLSX(data []byte) (t *Table, err error) {
	defer func() { // excelize parses untrusted input; a panic is a broken file
		if p := recover(); p != nil {
			t, err = nil, errXLSX(fmt.Errorf("excelize panic: %v", p))
		}
	}()
	if err := checkZip(data); err != nil {
		return nil, err
	}
	// The limits as excelize's own too; equal, so that nothing is spilled to
	// temporary files: the list holds personal data.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: MaxUnzipped})
	if err != nil {
		return nil, errXLSX(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errXLSX(errors.New("no sheets"))
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, errXLSX(err)
	}
	defer rows.Close()
	t = &Table{Format: "xlsx"}
	for line := 1; rows.Next(); line++ {
		rec, err := rows.Columns()
		if err != nil {
			return nil, errXLSX(err)
		}
		if err := t.add(rec, line); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, errXLSX(err)
	}
	return t.finish()
}

// checkZip refuses an .xlsx whose parts, as its zip directory gives their
// sizes, unpack to more than MaxUnzipped together or whose shared strings
// unpack to more than MaxSharedStrings, before excelize unpacks anything.
func checkZip(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return errXLSX(err)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > MaxUnzipped || f.UncompressedSize64 > MaxUnzipped {
			return errUnzipped
		}
		if strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), "xl/sharedStrings.xml") && f.UncompressedSize64 > MaxSharedStrings {
			return errStrings
		}
	}
	return nil
}

// add trims the cells of rec, found at line, and keeps it up to its last
// non-empty cell unless it is empty. It counts the row, its cells and its
// text against the limits as it goes.
func (t *Table) add(rec []string, line int) error {
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	rec = rec[:used(rec)]
	switch {
	case len(rec) == 0:
		return nil
	case len(rec) > MaxColumns:
		return errTooWide
	case t.Header != nil && len(t.Rows) == MaxRows:
		return errTooManyRows
	}
	t.cells += len(rec)
	if t.cells > MaxCells {
		return errTooManyCells
	}
	for _, c := range rec {
		t.text += len(c)
		if len(c) > MaxCellLen && utf8.RuneCountInString(c) > MaxCellLen {
			return errCellTooLong(line)
		}
	}
	if t.text > MaxText {
		return errTooMuchText
	}
	if t.Header == nil {
		t.Header = rec
		return nil
	}
	t.Rows = append(t.Rows, rec)
	t.Lines = append(t.Lines, line)
	return nil
}

// finish gives the header one cell per used column, so that a column
// without a heading can be mapped too.
func (t *Table) finish() (*Table, error) {
	if len(t.Rows) == 0 {
		return nil, errEmpty
	}
	width := len(t.Header)
	for _, r := range t.Rows {
		width = max(width, len(r))
	}
	t.Header = append(t.Header, make([]string, width-len(t.Header))...)
	return t, nil
}

// used is the number of cells up to the last non-empty one.
func used(rec []string) int {
	n := len(rec)
	for n > 0 && rec[n-1] == "" {
		n--
	}
	return n
}

// Mapping says which column index holds each field (-1 when absent).
type Mapping map[Field]int

// Col is the column holding f, or -1 when the file has none.
func (m Mapping) Col(f Field) int {
	if c, ok := m[f]; ok && c >= 0 {
		return c
	}
	return -1
}

var aliases = func() map[string]Field {
	m := map[string]Field{}
	for f, names := range map[Field][]string{
		FieldPersonnummer: {"personnummer", "personnr", "pnr", "personnummer/samordningsnummer", "personid", "elevens personnummer", "ssn"},
		FieldFirstName:    {"förnamn", "fornamn", "tilltalsnamn"},
		FieldLastName:     {"efternamn"},
		FieldName:         {"namn", "elevnamn", "elev", "fullständigt namn"},
		FieldMobile:       {"mobil", "mobilnummer", "mobiltelefon", "telefon", "tel", "telefonnummer"},
		FieldEmail:        {"e-post", "epost", "email", "mail", "e-postadress"},
		FieldStreet:       {"adress", "gatuadress", "utdelningsadress"},
		FieldPostalCode:   {"postnummer", "postnr"},
		FieldCity:         {"ort", "postort", "stad"},
		FieldGender:       {"kön", "kon", "juridiskt kön"},
		FieldSchool:       {"skola", "skolenhet", "senaste skola"},
		FieldProgramme:    {"program", "programkod", "gymnasieprogram", "studievag", "studieväg"},
		FieldReason:       {"orsak", "anledning", "registreringsorsak", "skäl"},
	} {
		for _, n := range names {
			m[key(n)] = f
		}
	}
	return m
}()

var stripAccents = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// key folds s for comparison: lower case, no accents, no spaces, '-', '_' or '.'.
func key(s string) string {
	s, _, _ = transform.String(stripAccents, strings.ToLower(s))
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || r == '_' || r == '.' {
			return -1
		}
		return r
	}, s)
}

// Guess maps header names to fields, ignoring case, accents, spaces, '-',
// '_' and '.'; the first matching column wins. Unmatched fields are -1.
func Guess(header []string) Mapping {
	m := Mapping{}
	for _, f := range Fields {
		m[f] = -1
	}
	for i, h := range header {
		if f, ok := aliases[key(h)]; ok && m[f] < 0 {
			m[f] = i
		}
	}
	return m
}

// Missing reports the required fields the mapping lacks: personnummer
// always, and a name (FieldName, or both FieldFirstName and FieldLastName).
func (m Mapping) Missing() []Field {
	var missing []Field
	if m.Col(FieldPersonnummer) < 0 {
		missing = append(missing, FieldPersonnummer)
	}
	if m.Col(FieldName) < 0 && (m.Col(FieldFirstName) < 0 || m.Col(FieldLastName) < 0) {
		switch {
		case m.Col(FieldFirstName) >= 0:
			missing = append(missing, FieldLastName)
		case m.Col(FieldLastName) >= 0:
			missing = append(missing, FieldFirstName)
		default:
			missing = append(missing, FieldName)
		}
	}
	return missing
}

// ParseMapping reads a mapping posted from a form, field name to column
// index ("personnummer" -> "3"; "" or "-1" for none), for a table of the
// given number of columns. Unknown form keys are ignored; each bad value
// gives a Swedish message.
func ParseMapping(form map[string][]string, columns int) (Mapping, []string) {
	m := Mapping{}
	var problems []string
	taken := map[int]Field{}
	for _, f := range Fields {
		m[f] = -1
		v := ""
		if vs := form[string(f)]; len(vs) > 0 {
			v = strings.TrimSpace(vs[0])
		}
		if v == "" || v == "-1" {
			continue
		}
		c, err := strconv.Atoi(v)
		if err != nil || c < 0 || c >= columns {
			problems = append(problems, fmt.Sprintf("Ogiltigt kolumnval för %s. Välj en av filens kolumner.", Label(f)))
			continue
		}
		if g, ok := taken[c]; ok {
			problems = append(problems, fmt.Sprintf("Kolumn %d är vald för både %s och %s. Välj en kolumn per uppgift.", c+1, Label(g), Label(f)))
			continue
		}
		taken[c] = f
		m[f] = c
	}
	return m, problems
}

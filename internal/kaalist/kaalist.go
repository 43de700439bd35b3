// Package kaalist reads the list of young people that a school
// administration hands the municipal KAA coordinator each term (CSV or
// .xlsx), lets the coordinator say which column holds what, and turns the
// lines into validated rows. It stores nothing.
package kaalist

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"slices"
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
	MaxSheets        = 50        // sheets of an .xlsx, counted in its workbook part before any sheet is read
	// MaxLine is the last row of a sheet that is read: the data rows, the
	// rows above the header and as many empty rows again as there may be
	// title rows. excelize's Rows.Next walks every row number up to the
	// next row it finds, empty or not, so a sheet holding only row 1048576
	// would cost a million steps; reading stops here instead, and a
	// non-empty row at or below it refuses the file.
	MaxLine = MaxRows + 2*maxTitleRows + 1
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
	FieldRegisteredOn Field = "registered_on"
	FieldLeftSchoolOn Field = "left_school_on" // avbrottsdatum
)

// Fields lists the fields in display order.
var Fields = []Field{
	FieldPersonnummer, FieldFirstName, FieldLastName, FieldName, FieldMobile, FieldEmail,
	FieldStreet, FieldPostalCode, FieldCity, FieldGender, FieldSchool, FieldProgramme, FieldReason,
	FieldRegisteredOn, FieldLeftSchoolOn,
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
	FieldRegisteredOn: "Registreringsdatum",
	FieldLeftSchoolOn: "Avbrottsdatum",
}

// Label returns the Swedish label of f for forms and messages.
func Label(f Field) string {
	if l, ok := labels[f]; ok {
		return l
	}
	return string(f)
}

// Table is a decoded file. Sheets holds every sheet as read (one for a
// CSV); Header, Rows and Lines are the chosen sheet's (Sheet) below its
// header row, which Select finds under any title rows. It is what an import
// keeps between upload and confirmation (as JSON), never the file.
type Table struct {
	Header    []string   `json:"-"`
	Rows      [][]string `json:"-"` // each up to its last non-empty cell
	Lines     []int      `json:"-"` // line (Excel row) of each of Rows in the file, when read by Read
	Title     []string   `json:"-"` // the non-empty cells of the rows above the header row, e.g. "Elever som avbrutit studier ht 2026"
	HeaderRow int        `json:"-"` // line (Excel row) of the header, 0 when unknown

	Format    string  `json:"format"`    // "csv-utf8", "csv-utf8-bom", "csv-windows-1252", "csv-ibm850", "csv-macintosh" or "xlsx"
	Separator rune    `json:"separator"` // ',', ';' or '\t' for CSV, 0 for xlsx
	Sheets    []Sheet `json:"sheets"`
	Sheet     int     `json:"sheet"`              // index in Sheets of the sheet chosen
	Date1904  bool    `json:"date1904,omitempty"` // an .xlsx whose serial dates count from 1904 (Excel for Mac's old default)

	cells, text int // counted against MaxCells and MaxText while reading
}

// Sheet is one sheet of a workbook as read, title and header rows
// included: its non-empty rows and the line of each.
type Sheet struct {
	Name  string     `json:"name"` // "" for a CSV
	Rows  [][]string `json:"rows"`
	Lines []int      `json:"lines"`
}

// MarshalJSON stores the sheets; a Table built by hand from Header and Rows
// is stored as one sheet.
func (t *Table) MarshalJSON() ([]byte, error) {
	type plain Table
	if len(t.Sheets) == 0 && t.Header != nil {
		c := *t
		s := Sheet{Rows: append([][]string{t.Header}, t.Rows...)}
		for i := range s.Rows {
			if i < len(t.Lines)+1 && i > 0 {
				s.Lines = append(s.Lines, t.Lines[i-1])
			} else {
				s.Lines = append(s.Lines, i+1)
			}
		}
		c.Sheets = []Sheet{s}
		return json.Marshal((*plain)(&c))
	}
	return json.Marshal((*plain)(t))
}

// UnmarshalJSON reads the sheets back and selects the chosen one again
// (an empty one leaves Header and Rows empty). An upload stored before
// sheets were kept (header, rows and lines) is read as one sheet.
func (t *Table) UnmarshalJSON(b []byte) error {
	type plain Table
	var old struct {
		Header []string   `json:"header"`
		Rows   [][]string `json:"rows"`
		Lines  []int      `json:"lines"`
	}
	if err := json.Unmarshal(b, (*plain)(t)); err != nil {
		return err
	}
	if len(t.Sheets) == 0 {
		if err := json.Unmarshal(b, &old); err != nil {
			return err
		}
		s := Sheet{Rows: append([][]string{old.Header}, old.Rows...), Lines: append([]int{1}, old.Lines...)}
		if len(s.Lines) != len(s.Rows) {
			s.Lines = nil
			for i := range s.Rows {
				s.Lines = append(s.Lines, i+1)
			}
		}
		t.Sheets = []Sheet{s}
	}
	_ = t.Select(t.Sheet)
	return nil
}

// Sentinel errors of Read, wrapped in a *FileError.
var (
	ErrTooLarge    = errors.New("kaalist: file too large")
	ErrTooManyRows = errors.New("kaalist: too many rows")
	ErrEmpty       = errors.New("kaalist: no rows")
	ErrUnreadable  = errors.New("kaalist: unreadable file")
	ErrProtected   = errors.New("kaalist: password-protected workbook")
	ErrEncoding    = errors.New("kaalist: text looks garbled in the encoding guessed")
)

// FileError is a file Read rejects: Msg says in Swedish what is wrong and
// what to do, and Err is one of the sentinel errors. For ErrEncoding,
// Sample holds the first rows as decoded, so the user sees what went wrong.
type FileError struct {
	Err    error
	Msg    string
	Sample [][]string
	cause  error
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
	errTooLarge      = &FileError{Err: ErrTooLarge, Msg: "Filen är för stor (högst 5 MB). Dela upp listan i flera filer."}
	errTooManyRows   = &FileError{Err: ErrTooManyRows, Msg: "Filen har fler än 20 000 rader. Dela upp listan i flera filer."}
	errTooManySheets = &FileError{Err: ErrTooLarge, Msg: "Excel-filen har fler än 50 blad (högst 50 blad). Spara bladet med listan i en egen fil eller som CSV."}
	errEmpty         = &FileError{Err: ErrEmpty, Msg: "Filen innehåller inga rader att importera."}
	errOnlyHeader    = &FileError{Err: ErrEmpty, Msg: "Filen har bara en rubrikrad och inga rader med personer. Kontrollera att du valt rätt fil."}
	errFileType      = &FileError{Err: ErrUnreadable, Msg: "Filtypen stöds inte. Spara listan som .csv eller .xlsx."}
	errTooWide       = &FileError{Err: ErrTooLarge, Msg: "Filen har fler än 200 kolumner. Ta bort kolumner som inte behövs och försök igen."}
	errUnzipped      = &FileError{Err: ErrTooLarge, Msg: "Excel-filen är för stor uppackad (högst 16 MB). Dela upp listan i flera filer eller spara den som CSV."}
	errStrings       = &FileError{Err: ErrTooLarge, Msg: "Excel-filens texter är för stora uppackade (högst 4 MB). Dela upp listan i flera filer eller spara den som CSV."}
	errTooManyCells  = &FileError{Err: ErrTooLarge, Msg: "Filen har fler än 1 000 000 celler. Ta bort kolumner som inte behövs eller dela upp listan i flera filer."}
	errTooMuchText   = &FileError{Err: ErrTooLarge, Msg: "Filen har mer än 8 MB text. Ta bort kolumner som inte behövs eller dela upp listan i flera filer."}
	errNotText       = &FileError{Err: ErrUnreadable, Msg: "Filen kunde inte läsas som text. Spara listan som CSV (UTF-8) eller .xlsx och försök igen."}
	errNotSheet      = &FileError{Err: ErrUnreadable, Msg: "Filen är inte ett kalkylark (den ser ut att vara en PDF, en bild eller ett annat program). Spara listan från Excel som .xlsx eller CSV."}
	errProtected     = &FileError{Err: ErrProtected, Msg: "Excel-filen är lösenordsskyddad och kan inte läsas. Öppna den i Excel, ta bort lösenordet (Arkiv > Info > Skydda arbetsbok > Kryptera med lösenord, töm fältet) och spara den igen, eller spara listan som CSV."}
	errOldExcel      = &FileError{Err: ErrUnreadable, Msg: "Filen är i det gamla Excel-formatet (.xls). Öppna den i Excel och spara den som Excel-arbetsbok (.xlsx) eller CSV."}
)

func errCellTooLong(line int) error {
	return &FileError{Err: ErrTooLarge,
		Msg: fmt.Sprintf("En cell på rad %d har fler än 1 000 tecken (högst 1 000 tecken per cell). Korta cellen eller ta bort kolumnen och försök igen.", line)}
}

func errTooLow(sheet string) error {
	return &FileError{Err: ErrTooManyRows,
		Msg: fmt.Sprintf("Bladet ”%s” har innehåll på rad %s eller längre ner (högst 20 000 rader med personer). Ta bort tomma rader och det som står långt ner i bladet, eller dela upp listan i flera filer.", sheet, "20 041")}
}

func errXLSX(cause error) error {
	return &FileError{Err: ErrUnreadable, cause: cause,
		Msg: "Filen kunde inte läsas som en Excel-fil (.xlsx). Öppna den i Excel och spara om den."}
}

// Encodings are the text encodings a user can choose for a CSV, by the
// value a form posts, with their Swedish labels; "" guesses.
var Encodings = []struct{ Key, Label string }{
	{"", "Gissa (UTF-8 eller Windows-1252)"},
	{"utf-8", "UTF-8"},
	{"windows-1252", "Windows-1252 (Excel i Windows)"},
	{"ibm850", "IBM 850 (äldre DOS-program)"},
	{"macintosh", "Mac OS Roman (äldre Mac)"},
}

var charmaps = map[string]*charmap.Charmap{"windows-1252": charmap.Windows1252, "ibm850": charmap.CodePage850, "macintosh": charmap.Macintosh}

// Options are the user's choices for reading a file.
type Options struct {
	Encoding string // a key of Encodings; "" guesses
}

// cfbMagic starts a Compound File Binary (OLE) file: an old .xls, or an
// .xlsx encrypted with a password, which is not a zip but a CFB holding an
// "EncryptedPackage" stream.
var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// encryptedPackage is the name of the stream of an encrypted OOXML file as
// a CFB directory entry writes it (UTF-16LE).
var encryptedPackage = []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e\x00")

// binaryMagic starts files that are no spreadsheet: PDF, PNG, JPEG, GIF,
// Word's and others' zip-less formats are caught by their NUL bytes.
var binaryMagic = [][]byte{[]byte("%PDF"), []byte("\x89PNG"), []byte("\xFF\xD8\xFF"), []byte("GIF8"), []byte("{\\rtf")}

// Read decodes a file by its name and content with the encoding guessed:
// see ReadWith.
func Read(name string, data []byte) (*Table, error) { return ReadWith(name, data, Options{}) }

// ReadWith is ReadContext without a context to stop it.
func ReadWith(name string, data []byte, o Options) (*Table, error) {
	return ReadContext(context.Background(), name, data, o)
}

// ReadWith decodes a file by its name and content: .xlsx via excelize
// (every sheet; the first with a header and rows under it is chosen), .csv and .txt as CSV in
// UTF-8 (with or without BOM) or Windows-1252 (or the encoding chosen),
// separated by ';', ',' or tab. Cells are trimmed and empty rows dropped;
// the header is found below any title rows (Select). A password-protected
// or old-format Excel file, and a binary file, are named as such. Text that
// looks garbled in the guessed encoding is refused with ErrEncoding and a
// sample. Errors are *FileError, or ctx's error when ctx ends while the
// rows are read (the request's context: a client gone stops the work).
func ReadContext(ctx context.Context, name string, data []byte, o Options) (*Table, error) {
	if len(data) > MaxBytes {
		return nil, errTooLarge
	}
	ext := strings.ToLower(filepath.Ext(name))
	if bytes.HasPrefix(data, cfbMagic) {
		switch {
		case bytes.Contains(data, encryptedPackage):
			return nil, errProtected
		case ext == ".xls", ext == ".xlsx", ext == ".csv", ext == ".txt":
			return nil, errOldExcel
		}
		return nil, errFileType
	}
	switch ext {
	case ".xlsx":
		return readXLSX(ctx, data)
	case ".csv", ".txt":
		if bytes.HasPrefix(data, []byte("PK\x03\x04")) { // an .xlsx saved under the wrong name
			return readXLSX(ctx, data)
		}
		for _, m := range binaryMagic {
			if bytes.HasPrefix(data, m) {
				return nil, errNotSheet
			}
		}
		return readCSV(ctx, data, o.Encoding)
	}
	return nil, errFileType
}

func readCSV(ctx context.Context, data []byte, encoding string) (*Table, error) {
	t := &Table{Format: "csv-utf8"}
	guessed := encoding == ""
	eightBit := false // guessed as Windows-1252 because the bytes are not valid UTF-8
	switch cm := charmaps[encoding]; {
	case bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) && (guessed || encoding == "utf-8"):
		t.Format = "csv-utf8-bom"
		data = bytes.ToValidUTF8(data[3:], []byte("\uFFFD"))
	case encoding == "utf-8":
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	case cm != nil || !utf8.Valid(data):
		data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")) // a BOM on a file that is not UTF-8 after all
		if cm == nil {
			cm = charmap.Windows1252
			encoding = "windows-1252"
			eightBit = true
		}
		t.Format = "csv-" + encoding
		var err error
		if data, _, err = transform.Bytes(cm.NewDecoder(), data); err != nil {
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
	t.Sheets = []Sheet{{}}
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
		if line%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err := t.add(&t.Sheets[0], rec, line); err != nil {
			return nil, err
		}
	}
	if guessed && garbledSheet(t.Sheets[0], eightBit) {
		sample := t.Sheets[0].Rows[:min(6, len(t.Sheets[0].Rows))]
		return nil, &FileError{Err: ErrEncoding, Sample: sample,
			Msg: "Tecknen i filen ser felaktiga ut (till exempel å, ä och ö). Titta på raderna nedan, välj filens teckenkodning och ladda upp filen igen."}
	}
	return t.finish()
}

// garbledSheet reports whether a cell of s looks like text decoded with
// the wrong encoding; eightBit says the text was decoded from bytes that
// were not valid UTF-8, the only case where an IBM 850 or Mac file can
// have been read as Windows-1252.
func garbledSheet(s Sheet, eightBit bool) bool {
	for _, rec := range s.Rows {
		for _, c := range rec {
			if garbled(c, eightBit) {
				return true
			}
		}
	}
	return false
}

// Garbled reports whether s looks like text decoded with the wrong
// encoding: a replacement character, UTF-8 read as Windows-1252 ("Ã¶" for
// "ö"), a C1 control character, or a character that an IBM 850 or Mac
// file's å, ä or ö becomes in Windows-1252 ("†", "„", "”", "Ž", "™", "Œ",
// "Š") between two letters. The last test is for text decoded as
// Windows-1252 only: in UTF-8 "BOŠNJAK" and "BOŽIĆ" are names.
func Garbled(s string) bool { return garbled(s, true) }

func garbled(s string, eightBit bool) bool {
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == '\uFFFD', r >= 0x80 && r <= 0x9F:
			return true
		case (r == 'Ã' || r == 'Â') && i+1 < len(rs) && rs[i+1] >= 0x80:
			return true
		case eightBit && strings.ContainsRune("†„”Ž™ŒŠ‰‡", r) && i > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i-1]) && unicode.IsLetter(rs[i+1]):
			return true
		}
	}
	return false
}

// separator picks the separator that splits the first record (in the start
// of the file) into the most fields; ';' wins ties, as Swedish Excel writes
// semicolons. A title row above the header has one field whatever the
// separator, so the first record with more than one field decides.
func separator(data []byte) rune {
	best, most := ';', 0
	for _, sep := range []rune{';', ',', '\t'} {
		r := csv.NewReader(bytes.NewReader(data))
		r.Comma, r.LazyQuotes, r.FieldsPerRecord = sep, true, -1
		for range 20 {
			rec, err := r.Read()
			if err != nil {
				break
			}
			if used(rec) > 1 || len(rec) > 1 && rec[0] != "" {
				if len(rec) > most {
					best, most = sep, len(rec)
				}
				break
			}
		}
	}
	return best
}

func readXLSX(ctx context.Context, data []byte) (t *Table, err error) {
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
	names := f.GetSheetList()
	switch {
	case len(names) == 0:
		return nil, errXLSX(errors.New("no sheets"))
	case len(names) > MaxSheets:
		return nil, errTooManySheets
	}
	t = &Table{Format: "xlsx"}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		t.Date1904 = *props.Date1904
	}
	for i, name := range names {
		t.Sheets = append(t.Sheets, Sheet{Name: name})
		if err := t.readSheet(ctx, f, &t.Sheets[i]); err != nil {
			return nil, err
		}
	}
	// The first sheet with a header and rows below it; else the first with
	// anything, to say what is wrong with it.
	if t.Sheet = slices.IndexFunc(t.Sheets, func(s Sheet) bool { return len(s.Rows) > 0 }); t.Sheet < 0 {
		return nil, errEmpty
	}
	for i := range t.Sheets {
		if t.Select(i) == nil {
			t.Sheet = i
			break
		}
	}
	t.Sheet = max(t.Sheet, 0)
	return t.finish()
}

// readSheet reads the rows of one sheet with their raw values: a date
// cell gives its serial number and a number all its digits, not the text
// its number format would show (which may be "1,99E+11" or "08-15-26").
// It stops at MaxLine: a non-empty row there refuses the file, and nothing
// below it is read.
func (t *Table) readSheet(ctx context.Context, f *excelize.File, s *Sheet) error {
	rows, err := f.Rows(s.Name)
	if err != nil {
		return errXLSX(err)
	}
	defer rows.Close()
	for line := 1; line <= MaxLine && rows.Next(); line++ {
		if line%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return errXLSX(err)
		}
		if line == MaxLine && used(rec) > 0 {
			return errTooLow(s.Name)
		}
		if err := t.add(s, rec, line); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return errXLSX(err)
	}
	return nil
}

// checkZip refuses an .xlsx whose parts, as its zip directory gives their
// sizes, unpack to more than MaxUnzipped together or whose shared strings
// unpack to more than MaxSharedStrings, and one whose workbook part names
// more than MaxSheets sheets, before excelize unpacks anything.
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
	for _, f := range zr.File {
		if strings.EqualFold(path.Base(strings.ReplaceAll(f.Name, "\\", "/")), "workbook.xml") {
			if n, err := countSheets(f); err == nil && n > MaxSheets {
				return errTooManySheets
			}
		}
	}
	return nil
}

// countSheets counts the <sheet> elements of a workbook part, up to one
// more than MaxSheets.
func countSheets(f *zip.File) (int, error) {
	r, err := f.Open()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	d := xml.NewDecoder(r)
	n := 0
	for n <= MaxSheets {
		tok, err := d.Token()
		if err != nil {
			return n, nil // a broken part is excelize's to report
		}
		if e, ok := tok.(xml.StartElement); ok && e.Name.Local == "sheet" {
			n++
		}
	}
	return n, nil
}

// maxTitleRows is how many rows above the header Select looks through for
// it; a sheet may hold up to MaxRows data rows below them.
const maxTitleRows = 20

// add trims the cells of rec, found at line, and keeps it in s up to its
// last non-empty cell unless it is empty. It counts the row, its cells and
// its text against the limits as it goes.
func (t *Table) add(s *Sheet, rec []string, line int) error {
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	rec = rec[:used(rec)]
	switch {
	case len(rec) == 0:
		return nil
	case len(rec) > MaxColumns:
		return errTooWide
	case len(s.Rows) > MaxRows+maxTitleRows:
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
	s.Rows = append(s.Rows, rec)
	s.Lines = append(s.Lines, line)
	return nil
}

// finish selects the chosen sheet, or says the file has nothing in it.
func (t *Table) finish() (*Table, error) {
	if err := t.Select(t.Sheet); err != nil {
		return nil, err
	}
	return t, nil
}

// Select makes sheet i the one imported: its header is the first of its
// first rows in which at least two cells are known column names (Guess),
// else the first with at least two non-empty cells, else its first row;
// rows above it are the title. The header gets one cell per used column,
// so that a column without a heading can be mapped too. Returns a
// *FileError when the sheet is empty, has only a header, or has more than
// MaxRows data rows.
func (t *Table) Select(i int) error {
	if i < 0 || i >= len(t.Sheets) {
		return errEmpty
	}
	t.Sheet = i
	s := t.Sheets[i]
	t.Header, t.Rows, t.Lines, t.Title, t.HeaderRow = nil, nil, nil, nil, 0
	if len(s.Rows) == 0 {
		if len(t.Sheets) > 1 {
			return &FileError{Err: ErrEmpty, Msg: fmt.Sprintf("Bladet ”%s” är tomt. Välj ett annat blad.", s.Name)}
		}
		return errEmpty
	}
	h := headerRow(s.Rows)
	for _, rec := range s.Rows[:h] {
		t.Title = append(t.Title, strings.Join(rec, " "))
	}
	t.Header, t.Rows, t.Lines = slices.Clone(s.Rows[h]), s.Rows[h+1:], s.Lines[h+1:]
	if h < len(s.Lines) {
		t.HeaderRow = s.Lines[h]
	}
	switch {
	case len(t.Rows) == 0 && len(t.Sheets) > 1:
		return &FileError{Err: ErrEmpty, Msg: fmt.Sprintf("Bladet ”%s” har bara en rubrikrad och inga rader med personer. Välj ett annat blad.", s.Name)}
	case len(t.Rows) == 0:
		return errOnlyHeader
	case len(t.Rows) > MaxRows:
		return errTooManyRows
	}
	width := len(t.Header)
	for _, r := range t.Rows {
		width = max(width, len(r))
	}
	t.Header = append(t.Header, make([]string, width-len(t.Header))...)
	return nil
}

// headerRow is the index of the header among rows (see Select).
func headerRow(rows [][]string) int {
	n := min(len(rows), maxTitleRows+1)
	for i := range n {
		known := 0
		for _, c := range rows[i] {
			if _, ok := aliases[key(c)]; ok {
				known++
			}
		}
		if known >= 2 {
			return i
		}
	}
	for i := range n {
		filled := 0
		for _, c := range rows[i] {
			if c != "" {
				filled++
			}
		}
		if filled >= 2 {
			return i
		}
	}
	return 0
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
		FieldPersonnummer: {"personnummer", "personnr", "pnr", "personnummer/samordningsnummer", "personid", "elevens personnummer", "ssn",
			"personnummer (ååmmdd-nnnn)", "personnummer (ååååmmdd-nnnn)", "persnr", "pers nr", "elevens personnr", "samordningsnummer"},
		FieldFirstName:    {"förnamn", "fornamn", "tilltalsnamn"},
		FieldLastName:     {"efternamn"},
		FieldName:         {"namn", "elevnamn", "elev", "fullständigt namn", "elevens namn", "för- och efternamn", "efternamn, förnamn", "namn (efternamn, förnamn)"},
		FieldMobile:       {"mobil", "mobilnummer", "mobiltelefon", "telefon", "tel", "telefonnummer", "mobiltelefonnummer", "elevens mobil", "elevens telefon"},
		FieldEmail:        {"e-post", "epost", "email", "mail", "e-postadress", "e-mail", "elevens e-post", "mejl"},
		FieldStreet:       {"adress", "gatuadress", "utdelningsadress"},
		FieldPostalCode:   {"postnummer", "postnr"},
		FieldCity:         {"ort", "postort", "stad"},
		FieldGender:       {"kön", "kon", "juridiskt kön"},
		FieldSchool:       {"skola", "skolenhet", "senaste skola", "skolans namn", "gymnasieskola", "skolenhetens namn"},
		FieldProgramme:    {"program", "programkod", "gymnasieprogram", "studievag", "studieväg", "programnamn", "studievägskod", "inriktning"},
		FieldReason:       {"orsak", "anledning", "registreringsorsak", "skäl", "orsak till registrering", "avbrottsorsak"},
		FieldRegisteredOn: {"registreringsdatum", "registrerad", "registrerad datum", "datum för registrering"}, // not "inskrivningsdatum" or "datum": in a school's list that is when the pupil enrolled at the school
		FieldLeftSchoolOn: {"avbrottsdatum", "avbrott", "datum för avbrott", "avbrutit", "avbrutit datum", "avbröt", "slutdatum", "utskrivningsdatum", "avslutsdatum", "sista skoldag"},
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

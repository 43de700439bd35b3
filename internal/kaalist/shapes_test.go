package kaalist

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/kaa-plattform/kaa/internal/kaalist/kaalisttest"
)

// workbook writes sheets (name, rows from A1 down; a nil row is left
// blank) in order; the first sheet is renamed from excelize's "Sheet1".
func workbook(t testing.TB, sheets ...any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i := 0; i < len(sheets); i += 2 {
		name, rows := sheets[i].(string), sheets[i+1].([][]any)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			if row == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func win1252(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReadShapes reads lists made as schools make them and checks what
// the import gets out of each: header below title rows, the sheet with the
// data, dates and personnummer as Excel leaves them.
func TestReadShapes(t *testing.T) {
	t.Parallel()
	aug15 := time.Date(2026, 8, 15, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		file   string
		data   []byte
		sheet  int // the sheet chosen by default
		title  []string
		header int
		want   []Row // Line, Personnummer, NumberAsWritten, LeftSchoolOn, RegisteredOn, School, Programme, Errors checked
	}{
		{"CSVTitleRowsWindows1252", "avbrott.csv", win1252(t, "Elever som avbrutit studier ht 2026;;;;\r\n;;;;\r\n"+
			"Personnr;Elevens namn;Skola;Studieväg;Datum för avbrott\r\n"+
			"803010024;Öberg, Åsa;Hässleholms tekniska skola;EE;15.8.2026\r\n"+
			"\"19991231-9994\";\"Ek, Bo\";Jacobsskolan;\"SA\";2026-08-15\r\n"), 0,
			[]string{"Elever som avbrutit studier ht 2026"}, 3, []Row{
				{Line: 4, Personnummer: "200803010024", NumberAsWritten: "803010024", LeftSchoolOn: aug15, School: "Hässleholms tekniska skola", Programme: "EE"},
				{Line: 5, Personnummer: "199912319994", LeftSchoolOn: aug15, School: "Jacobsskolan", Programme: "SA"},
			}},
		{"CSVCommaQuotedBOM", "lista.csv", []byte("\xEF\xBB\xBF\"Rapport: avbrott\"\n\"Personnummer\",\"Namn\",\"Avbrottsdatum\",\"Registreringsdatum\"\n" +
			"\"1,99912319994E+11\",\"Bo Ek\",\"15/8/2026\",\"20260815\"\n" +
			"\"1,99E+11\",\"Cia Ek\",\"46249\",\"\"\n"), 0,
			[]string{"Rapport: avbrott"}, 2, []Row{
				{Line: 3, Personnummer: "199912319994", NumberAsWritten: "1,99912319994E+11", LeftSchoolOn: aug15, RegisteredOn: aug15},
				{Line: 4, LeftSchoolOn: aug15, Errors: []string{"Personnumret har blivit ”1,99E+11” i Excel, och siffror har gått förlorade. Formatera kolumnen som text i Excel, skriv in personnumret igen och ladda upp filen på nytt."}},
			}},
		{"TabUnquoted", "lista.txt", []byte("Pnr\tNamn\tAvbrott\n2004 0229-0027\tDan Ek\t2027-01-01\n990101-R123\tEva Ek\t\n"), 0, nil, 1, []Row{
			{Line: 2, Personnummer: "200402290027", Errors: []string{"Avbrottsdatumet 2027-01-01 ligger i framtiden. Rätta datumet i filen."}},
			{Line: 3, NumberAsWritten: "990101-R123"},
		}},
		{"XLSXSecondSheetDateCellsNumbers", "lista.xlsx", workbook(t,
			"Instruktioner", [][]any{{"Fyll i en rad per elev."}},
			"Avbrott ht 2026", [][]any{{"Elever som avbrutit studier ht 2026"}, nil,
				{"Personnummer", "Förnamn", "Efternamn", "Program", "Avbrottsdatum", "Registreringsdatum"},
				{803010024, "Åsa", "Öberg", "NA", aug15, 46249},
				{199912319994, "Bo", "Ek", "SA", "2026-08-15", nil},
				{1.99912319994e11, "Cia", "Ek", "", nil, nil},
			}), 1, []string{"Elever som avbrutit studier ht 2026"}, 3, []Row{
			{Line: 4, Personnummer: "200803010024", NumberAsWritten: "803010024", Programme: "NA", LeftSchoolOn: aug15, RegisteredOn: aug15},
			{Line: 5, Personnummer: "199912319994", Programme: "SA", LeftSchoolOn: aug15},
			{Line: 6, Personnummer: "199912319994", Errors: []string{"Personnumret finns redan på rad 5 i filen."}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := Read(tc.file, tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if tab.Sheet != tc.sheet || !reflect.DeepEqual(tab.Title, tc.title) || tab.HeaderRow != tc.header {
				t.Errorf("sheet %d title %q header row %d, want %d %q %d", tab.Sheet, tab.Title, tab.HeaderRow, tc.sheet, tc.title, tc.header)
			}
			m := Guess(tab.Header)
			if missing := m.Missing(); len(missing) > 0 {
				t.Fatalf("header %q: missing %v", tab.Header, missing)
			}
			rows := Rows(tab, m, today)
			if len(rows) != len(tc.want) {
				t.Fatalf("%d rows, want %d", len(rows), len(tc.want))
			}
			for i, w := range tc.want {
				r := rows[i]
				got := Row{Line: r.Line, Personnummer: r.Personnummer, NumberAsWritten: r.NumberAsWritten, LeftSchoolOn: r.LeftSchoolOn,
					RegisteredOn: r.RegisteredOn, School: r.School, Programme: r.Programme, Errors: r.Errors}
				if w.Personnummer == "" && len(w.Errors) > 0 {
					got.NumberAsWritten = w.NumberAsWritten
				}
				if !reflect.DeepEqual(got, w) {
					t.Errorf("row %d:\n got  %+v\n want %+v", i, got, w)
				}
				if r.Temporary != (w.Personnummer == "" && w.NumberAsWritten != "") {
					t.Errorf("row %d: temporary %v", i, r.Temporary)
				}
			}
		})
	}
}

func TestSelectSheet(t *testing.T) {
	t.Parallel()
	data := workbook(t,
		"Elever", [][]any{{"Personnummer", "Namn"}, {"20080301-0024", "Åsa Öberg"}},
		"Tomt", [][]any{},
		"Bara rubriker", [][]any{{"Personnummer", "Namn"}},
		"Fler", [][]any{{"Pnr", "Namn"}, {"19991231-9994", "Bo Ek"}, {"20040229-0027", "Dan Ek"}})
	tab, err := Read("lista.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range tab.Sheets {
		names = append(names, s.Name)
	}
	if tab.Sheet != 0 || len(tab.Rows) != 1 || !reflect.DeepEqual(names, []string{"Elever", "Tomt", "Bara rubriker", "Fler"}) {
		t.Fatalf("sheet %d rows %d names %q", tab.Sheet, len(tab.Rows), names)
	}
	for _, tc := range []struct {
		sheet int
		msg   string
	}{
		{1, "Bladet ”Tomt” är tomt. Välj ett annat blad."},
		{2, "Bladet ”Bara rubriker” har bara en rubrikrad och inga rader med personer. Välj ett annat blad."},
	} {
		var fe *FileError
		if err := tab.Select(tc.sheet); !errors.As(err, &fe) || fe.Msg != tc.msg || !errors.Is(err, ErrEmpty) {
			t.Errorf("sheet %d: %v, want %q", tc.sheet, err, tc.msg)
		}
	}
	if err := tab.Select(3); err != nil || len(tab.Rows) != 2 || tab.Header[0] != "Pnr" {
		t.Fatalf("select 3: %v %q", err, tab.Rows)
	}
	// Stored and read back, the table is the chosen sheet again.
	b, err := tab.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Table
	if err := back.UnmarshalJSON(b); err != nil || back.Sheet != 3 || !reflect.DeepEqual(back.Rows, tab.Rows) || !reflect.DeepEqual(back.Lines, tab.Lines) {
		t.Fatalf("read back: %v sheet %d rows %q lines %v", err, back.Sheet, back.Rows, back.Lines)
	}
	// An upload stored before sheets were kept still reads.
	var old Table
	if err := old.UnmarshalJSON([]byte(`{"header":["Pnr","Namn"],"rows":[["19991231-9994","Bo Ek"]],"format":"csv-utf8","separator":59,"lines":[2]}`)); err != nil ||
		!reflect.DeepEqual(old.Header, []string{"Pnr", "Namn"}) || len(old.Rows) != 1 || old.Lines[0] != 2 {
		t.Fatalf("old upload: %v %+v", err, old)
	}
}

func TestReadRefusesShapes(t *testing.T) {
	t.Parallel()
	// An encrypted .xlsx is a Compound File (OLE) holding an "EncryptedPackage" stream.
	cfb := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	protected := append(append(cfb[:len(cfb):len(cfb)], []byte("R\x00o\x00o\x00t\x00")...), []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e\x00")...)
	xls := append(cfb[:len(cfb):len(cfb)], []byte("W\x00o\x00r\x00k\x00b\x00o\x00o\x00k\x00")...)
	// "Ã¶": a UTF-8 file saved again as UTF-8 by a program that read it as Windows-1252.
	doubled := []byte("Personnummer;Namn\n20080301-0024;Ã\u0085sa Ã\u0096berg\n")
	// IBM 850, as older DOS-based school systems write: å ä ö are 0x86 0x84 0x94.
	dos := []byte("Personnummer;Namn\r\n20080301-0024;J\x84rn H\x86kansson\r\n19991231-9994;Bo Str\x94m\r\n")
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       error
		msg        string
	}{
		{"Protected", "lista.xlsx", protected, ErrProtected, errProtected.Msg},
		{"ProtectedNamedCSV", "lista.csv", protected, ErrProtected, errProtected.Msg},
		{"OldExcel", "lista.xls", xls, ErrUnreadable, errOldExcel.Msg},
		{"PDF", "lista.csv", []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), ErrUnreadable, errNotSheet.Msg},
		{"PNGAsXLSX", "lista.xlsx", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrUnreadable, "Filen kunde inte läsas som en Excel-fil (.xlsx). Öppna den i Excel och spara om den."},
		{"Empty", "lista.csv", []byte{}, ErrEmpty, "Filen innehåller inga rader att importera."},
		{"OnlyHeader", "lista.csv", []byte("Elever som avbrutit\n\nPersonnummer;Namn\n"), ErrEmpty, onlyHeader},
		{"DoubleEncoded", "lista.csv", doubled, ErrEncoding, "Tecknen i filen ser felaktiga ut (till exempel å, ä och ö). Titta på raderna nedan, välj filens teckenkodning och ladda upp filen igen."},
		{"IBM850", "lista.csv", dos, ErrEncoding, "Tecknen i filen ser felaktiga ut (till exempel å, ä och ö). Titta på raderna nedan, välj filens teckenkodning och ladda upp filen igen."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := Read(tc.file, tc.data)
			var fe *FileError
			if !errors.Is(err, tc.want) || !errors.As(err, &fe) || tab != nil {
				t.Fatalf("got %v, %v; want %v", tab, err, tc.want)
			}
			if fe.Msg != tc.msg {
				t.Errorf("message %q, want %q", fe.Msg, tc.msg)
			}
			if errors.Is(err, ErrEncoding) && (len(fe.Sample) != 2 && len(fe.Sample) != 3 || fe.Sample[0][0] != "Personnummer") {
				t.Errorf("sample %q", fe.Sample)
			}
		})
	}
	t.Run("IBM850Chosen", func(t *testing.T) {
		tab, err := ReadWith("lista.csv", dos, Options{Encoding: "ibm850"})
		if err != nil || tab.Format != "csv-ibm850" || tab.Rows[0][1] != "Järn Håkansson" || tab.Rows[1][1] != "Bo Ström" {
			t.Fatalf("%v %+v", err, tab)
		}
	})
	t.Run("BOMButWindows1252", func(t *testing.T) {
		data := append([]byte("\xEF\xBB\xBF"), win1252(t, "Personnummer;Namn\n20080301-0024;Åsa Öberg\n")...)
		if _, err := Read("lista.csv", data); !errors.Is(err, ErrEncoding) {
			t.Fatalf("guessed: %v, want ErrEncoding", err)
		}
		tab, err := ReadWith("lista.csv", data, Options{Encoding: "windows-1252"})
		if err != nil || tab.Header[0] != "Personnummer" || tab.Rows[0][1] != "Åsa Öberg" {
			t.Fatalf("%v %+v", err, tab)
		}
	})
	t.Run("Windows1252Chosen", func(t *testing.T) {
		tab, err := ReadWith("lista.csv", win1252(t, "Personnummer;Namn\n20080301-0024;Åsa Öberg\n"), Options{Encoding: "windows-1252"})
		if err != nil || tab.Rows[0][1] != "Åsa Öberg" {
			t.Fatalf("%v %+v", err, tab)
		}
	})
}

func TestReadPersonnummer(t *testing.T) {
	t.Parallel()
	lost := "Personnumret har blivit ”%s” i Excel, och siffror har gått förlorade. Formatera kolumnen som text i Excel, skriv in personnumret igen och ladda upp filen på nytt."
	for _, tc := range []struct {
		cell, want string
		repaired   bool
		msg        string
	}{
		{"20080301-0024", "200803010024", false, ""},
		{"200803010024", "200803010024", false, ""},
		{"080301-0024", "200803010024", false, ""},
		{"0803010024", "200803010024", false, ""},
		{"991231+9994", "189912319994", false, ""}, // "+": 100 years or older
		{"2008 0301 0024", "200803010024", false, ""},
		{"803010024", "200803010024", true, ""},
		{"1,99912319994E+11", "199912319994", true, ""},
		{"1.99912319994E+11", "199912319994", true, ""},
		{"2,00803010024E+11", "200803010024", true, ""},
		{"8,03010024E+08", "200803010024", true, ""},
		{"199912319994,0", "199912319994", true, ""},
		{"1,99E+11", "", false, strings.ReplaceAll(lost, "%s", "1,99E+11")},
		{"1.99901E+11", "", false, strings.ReplaceAll(lost, "%s", "1.99901E+11")},
		{"1,5E+2", "", false, strings.ReplaceAll(lost, "%s", "1,5E+2")},
		{"19991231999", "", false, "x"},
	} {
		t.Run(tc.cell, func(t *testing.T) {
			n, repaired, msg := ReadPersonnummer(tc.cell, today)
			if tc.msg == "x" {
				if msg == "" || !strings.Contains(msg, "”"+tc.cell+"”") {
					t.Errorf("got %q %q, want a message naming the cell", n.String(), msg)
				}
				return
			}
			if n.String() != tc.want || repaired != tc.repaired || msg != tc.msg {
				t.Errorf("got %q %v %q, want %q %v %q", n.String(), repaired, msg, tc.want, tc.repaired, tc.msg)
			}
		})
	}
	for _, c := range []string{"990101-R123", "19990101-TF12", "R1234567", "T 990101 123"} {
		if !Temporary(c) {
			t.Errorf("%q: not temporary", c)
		}
	}
	for _, c := range []string{"1,99E+11", "Okänd", "20080301-0025", "saknas 123", "ABCD123456"} {
		if Temporary(c) {
			t.Errorf("%q: temporary", c)
		}
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"2026-08-15", "2026-8-15", "2026/08/15", "15/8/2026", "15.8.2026", "15-08-2026", "20260815", "46249", "46249,5", "2026-08-15 00:00:00", "2026-08-15T00:00:00Z"} {
		if d, ok := ParseDate(s); !ok || d != time.Date(2026, 8, 15, 0, 0, 0, 0, time.UTC) {
			t.Errorf("%q: %v %v", s, d, ok)
		}
	}
	for _, s := range []string{"2026-02-30", "15/13/2026", "ht 2026", "8/15/26", "12345", "2026"} {
		if d, ok := ParseDate(s); ok {
			t.Errorf("%q: %v", s, d)
		}
	}
}

func TestGuessSwedishNames(t *testing.T) {
	t.Parallel()
	m := Guess([]string{"Pnr", "Elevens namn", "Mobil", "E-post", "Adress", "Skola", "Studieväg", "Datum för avbrott", "Registreringsdatum"})
	want := Mapping{FieldPersonnummer: 0, FieldName: 1, FieldMobile: 2, FieldEmail: 3, FieldStreet: 4, FieldSchool: 5, FieldProgramme: 6, FieldLeftSchoolOn: 7, FieldRegisteredOn: 8}
	for _, f := range Fields {
		if _, ok := want[f]; !ok {
			want[f] = -1
		}
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("got %v, want %v", m, want)
	}
	if m := Guess([]string{"Personnummer", "Förnamn", "Efternamn", "Telefon", "Avbrott"}); m[FieldMobile] != 3 || m[FieldLeftSchoolOn] != 4 {
		t.Errorf("got %v", m)
	}
}

// TestReadSheetLimits: a workbook with more sheets than MaxSheets is
// refused from its workbook part; a sheet is read down to MaxLine only,
// so an empty last row costs nothing and a row of content below the limit
// refuses the file; a context that has ended stops the reading.
func TestReadSheetLimits(t *testing.T) {
	t.Parallel()
	const list = `<row r="1"><c r="A1" t="inlineStr"><is><t>Personnummer</t></is></c><c r="B1" t="inlineStr"><is><t>Namn</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>20080301-0024</t></is></c><c r="B2" t="inlineStr"><is><t>Alva Andersson</t></is></c></row>`
	t.Run("TooManySheets", func(t *testing.T) {
		sheets := make([]string, MaxSheets+1)
		for i := range sheets {
			sheets[i] = list
		}
		_, err := Read("lista.xlsx", kaalisttest.Workbook(sheets))
		var fe *FileError
		if !errors.As(err, &fe) || !errors.Is(err, ErrTooLarge) || !strings.Contains(fe.Msg, "högst 50 blad") {
			t.Fatalf("%d sheets: %v", len(sheets), err)
		}
		if _, err := Read("lista.xlsx", kaalisttest.Workbook(sheets[:MaxSheets])); err != nil {
			t.Fatalf("%d sheets: %v", MaxSheets, err)
		}
	})
	t.Run("SheetBomb", func(t *testing.T) {
		start := time.Now()
		_, err := Read("lista.xlsx", kaalisttest.SheetBomb(19800))
		if !errors.Is(err, ErrTooLarge) || time.Since(start) > 10*time.Second {
			t.Fatalf("%v after %v", err, time.Since(start))
		}
	})
	t.Run("EmptyLastRow", func(t *testing.T) {
		tab, err := Read("lista.xlsx", kaalisttest.Workbook([]string{list + `<row r="1048576"/>`}))
		if err != nil || len(tab.Rows) != 1 {
			t.Fatalf("%v %+v", err, tab)
		}
	})
	t.Run("ContentBelowTheLimit", func(t *testing.T) {
		far := fmt.Sprintf(`<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>`, MaxLine, MaxLine)
		_, err := Read("lista.xlsx", kaalisttest.Workbook([]string{list + far}))
		var fe *FileError
		if !errors.As(err, &fe) || !errors.Is(err, ErrTooManyRows) || !strings.Contains(fe.Msg, "Bladet ”Blad1” har innehåll på rad 20 041 eller längre ner") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("ContextEnded", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := ReadContext(ctx, "lista.xlsx", kaalisttest.Workbook([]string{list + `<row r="1048576"/>`}), Options{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("%v", err)
		}
	})
}

// TestParseDateOrder: n/n/yyyy is read day first unless o says month
// first; a 1904 workbook's serial numbers count from 1904-01-01.
func TestParseDateOrder(t *testing.T) {
	t.Parallel()
	aug15 := time.Date(2026, 8, 15, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		s    string
		o    DateOptions
		want time.Time
	}{
		{"05/08/2026", DateOptions{}, time.Date(2026, 8, 5, 0, 0, 0, 0, time.UTC)},
		{"05/08/2026", DateOptions{MonthFirst: true}, time.Date(2026, 5, 8, 0, 0, 0, 0, time.UTC)},
		{"8/15/2026", DateOptions{MonthFirst: true}, aug15},
		{"2026-08-15", DateOptions{MonthFirst: true}, aug15},
		{"46249", DateOptions{}, aug15},
		{"44787", DateOptions{Date1904: true}, aug15},
	} {
		if d, ok := ParseDateWith(tc.s, tc.o); !ok || d != tc.want {
			t.Errorf("%q %+v: %v %v, want %v", tc.s, tc.o, d, ok, tc.want)
		}
	}
}

// TestRowsDates: day or month first is decided per column; a column with
// both is refused on its rows; a registration date before the 15th
// birthday, before the avbrottsdatum or before 1990 is refused; a
// workbook in the 1904 date system gives its dates right; Inskrivningsdatum
// and Datum are not the registration date.
func TestRowsDates(t *testing.T) {
	t.Parallel()
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	head := []string{"Personnummer", "Namn", "Avbrottsdatum", "Registreringsdatum"}
	rows := func(recs ...[]string) []Row {
		return Rows(&Table{Header: head, Rows: recs}, Guess(head), today)
	}
	day := func(m, d int) time.Time { return time.Date(2026, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	t.Run("MonthFirstColumn", func(t *testing.T) {
		r := rows([]string{"20080301-0024", "Åsa Öberg", "05/08/2026", ""}, []string{"19991231-9994", "Bo Berg", "08/15/2026", ""})
		if r[0].LeftSchoolOn != day(5, 8) || r[1].LeftSchoolOn != day(8, 15) || len(r[0].Errors)+len(r[1].Errors) > 0 {
			t.Errorf("%+v", r)
		}
	})
	t.Run("DayFirstColumn", func(t *testing.T) {
		r := rows([]string{"20080301-0024", "Åsa Öberg", "05/08/2026", ""}, []string{"19991231-9994", "Bo Berg", "15/08/2026", ""})
		if r[0].LeftSchoolOn != day(8, 5) || r[1].LeftSchoolOn != day(8, 15) {
			t.Errorf("%+v", r)
		}
	})
	t.Run("BothRefused", func(t *testing.T) {
		r := rows([]string{"20080301-0024", "Åsa Öberg", "13/08/2026", ""}, []string{"19991231-9994", "Bo Berg", "08/14/2026", ""}, []string{"20040229-0027", "Ada Ek", "2026-08-15", ""})
		want := "Kolumnen för avbrottsdatum har datum skrivna både med dagen först (till exempel ”13/08/2026”) och med månaden först (till exempel ”08/14/2026”)"
		if len(r[0].Errors) != 1 || !strings.HasPrefix(r[0].Errors[0], want) || len(r[1].Errors) != 1 || !r[0].LeftSchoolOn.IsZero() {
			t.Errorf("%+v", r)
		}
		if len(r[2].Errors) != 0 || r[2].LeftSchoolOn != day(8, 15) {
			t.Errorf("an ISO date in the column: %+v", r[2])
		}
	})
	t.Run("Plausible", func(t *testing.T) {
		r := rows(
			[]string{"20080301-0024", "Åsa Öberg", "", "2023-02-28"},         // before her 15th birthday
			[]string{"19991231-9994", "Bo Berg", "2026-08-15", "2026-08-14"}, // before he left school
			[]string{"20040229-0027", "Ada Ek", "1989-12-31", ""},            // before 1990
			[]string{"20080361-0021", "Cid Ek", "2026-08-15", "2026-08-16"},
		)
		for i, want := range []string{
			"Registreringsdatumet 2023-02-28 är före personens 15-årsdag (2023-03-01) och kan inte stämma.",
			"Registreringsdatumet 2026-08-14 är före avbrottsdatumet 2026-08-15",
			"Avbrottsdatumet 1989-12-31 är före 1990 och kan inte stämma.",
		} {
			if len(r[i].Errors) != 1 || !strings.HasPrefix(r[i].Errors[0], want) {
				t.Errorf("row %d: %q, want %q", i, r[i].Errors, want)
			}
		}
		if len(r[3].Errors) != 0 || r[3].RegisteredOn != day(8, 16) {
			t.Errorf("%+v", r[3])
		}
	})
	t.Run("Workbook1904", func(t *testing.T) {
		f := excelize.NewFile()
		defer f.Close()
		date1904 := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}); err != nil {
			t.Fatal(err)
		}
		f.SetSheetRow("Sheet1", "A1", &[]any{"Personnummer", "Namn", "Avbrottsdatum"})
		f.SetSheetRow("Sheet1", "A2", &[]any{"20080301-0024", "Åsa Öberg", 44787}) // 2026-08-15 counted from 1904
		var b bytes.Buffer
		f.Write(&b)
		tab, err := Read("lista.xlsx", b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if r := Rows(tab, Guess(tab.Header), today); r[0].LeftSchoolOn != day(8, 15) {
			t.Errorf("%v %q", r[0].LeftSchoolOn, r[0].Errors)
		}
	})
	t.Run("NotSchoolEnrolment", func(t *testing.T) {
		m := Guess([]string{"Personnummer", "Namn", "Inskrivningsdatum", "Datum"})
		if m.Col(FieldRegisteredOn) >= 0 {
			t.Errorf("%v", m)
		}
	})
}

// TestReadUTF8Names: names with Š, Ž or Œ between letters are names in a
// valid UTF-8 file, with or without a byte-order mark, not signs of a
// wrong encoding; in a file that is not UTF-8 the same characters still
// point to an IBM 850 or Mac file read as Windows-1252.
func TestReadUTF8Names(t *testing.T) {
	t.Parallel()
	list := "Personnummer;Namn\n20080301-0024;Amir BOŠNJAK\n19991231-9994;Ana BOŽIĆ\n20040229-0027;Zoë ŒSTERBERG\n"
	for name, data := range map[string][]byte{"UTF8": []byte(list), "BOM": append([]byte("\xEF\xBB\xBF"), list...)} {
		tab, err := Read("lista.csv", data)
		if err != nil || tab.Rows[0][1] != "Amir BOŠNJAK" || tab.Rows[1][1] != "Ana BOŽIĆ" {
			t.Errorf("%s: %v %+v", name, err, tab)
		}
	}
	if _, err := Read("lista.csv", []byte("Personnummer;Namn\n20080301-0024;J\x8Ern\n")); !errors.Is(err, ErrEncoding) {
		t.Errorf("Mac Roman read as Windows-1252: %v", err)
	}
}

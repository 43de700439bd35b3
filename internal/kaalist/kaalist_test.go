package kaalist

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/kaalist/kaalisttest"
	"github.com/kaa-plattform/kaa/internal/personnummer"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

var today = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

var (
	errMobile = "Mobilnumret ser inte ut som ett svenskt mobilnummer (07X-XXX XX XX)."
	errGender = "Okänt värde för kön: ange kvinna, man, icke-binär eller lämna tomt."
	errPostal = "Postnumret ska ha fem siffror, till exempel 123 45."
	errCheck  = personnummer.Message(personnummer.ErrCheckDigit)

	onlyHeader = "Filen har bara en rubrikrad och inga rader med personer. Kontrollera att du valt rätt fil."
)

// xlsx writes rows to the first sheet from A1 down; a nil row is left blank.
func xlsx(t testing.TB, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		if r != nil {
			if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
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

func TestRead(t *testing.T) {
	t.Parallel()
	win, err := charmap.Windows1252.NewEncoder().Bytes([]byte("Personnummer;Förnamn;Efternamn;Ort\r\n20080301-0024;Åsa;Öberg;Hässleholm\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file string
		data       []byte
		format     string
		sep        rune
		header     []string
		rows       [][]string
		lines      []int
	}{
		{"UTF8Comma", "lista.csv", []byte("Personnummer,Förnamn,Efternamn\n 20080301-0024 , Åsa ,Öberg\n"),
			"csv-utf8", ',', []string{"Personnummer", "Förnamn", "Efternamn"}, [][]string{{"20080301-0024", "Åsa", "Öberg"}}, []int{2}},
		{"UTF8BOMSemicolon", "Lista.CSV", []byte("\xEF\xBB\xBFPersonnummer;Namn\r\n0803010024;\"Öberg, Åsa\"\r\n"),
			"csv-utf8-bom", ';', []string{"Personnummer", "Namn"}, [][]string{{"0803010024", "Öberg, Åsa"}}, []int{2}},
		{"Windows1252Semicolon", "lista.csv", win,
			"csv-windows-1252", ';', []string{"Personnummer", "Förnamn", "Efternamn", "Ort"}, [][]string{{"20080301-0024", "Åsa", "Öberg", "Hässleholm"}}, []int{2}},
		{"Tab", "lista.txt", []byte("Personnummer\tNamn\tAdress\n991231-9994\tBo Ek\tStorgatan 1, lgh 1102\n"),
			"csv-utf8", '\t', []string{"Personnummer", "Namn", "Adress"}, [][]string{{"991231-9994", "Bo Ek", "Storgatan 1, lgh 1102"}}, []int{2}},
		{"TieIsSemicolon", "lista.csv", []byte("\"Namn, fullständigt\";Pnr\n\"Ek, Bo\";991231-9994\n"),
			"csv-utf8", ';', []string{"Namn, fullständigt", "Pnr"}, [][]string{{"Ek, Bo", "991231-9994"}}, []int{2}},
		{"XLSX", "lista.xlsx", xlsx(t, []any{"Personnummer", "Namn", "Ort"}, nil, []any{200803010024, " Åsa Öberg ", "Hässleholm"}, []any{"080361-0021", "Bo Ek"}),
			"xlsx", 0, []string{"Personnummer", "Namn", "Ort"}, [][]string{{"200803010024", "Åsa Öberg", "Hässleholm"}, {"080361-0021", "Bo Ek"}}, []int{3, 4}},
		{"XLSXNamedCSV", "lista.csv", xlsx(t, []any{"Pnr"}, []any{"20040229-0027"}),
			"xlsx", 0, []string{"Pnr"}, [][]string{{"20040229-0027"}}, []int{2}},
		{"LinesAsInExcel", "lista.csv", []byte("\nPnr;Namn\n\n0803010024;Åsa Öberg\n;;\n991231-9994;\"Bo\nEk\"\n20040229-0027;Cia Ek"),
			"csv-utf8", ';', []string{"Pnr", "Namn"}, [][]string{{"0803010024", "Åsa Öberg"}, {"991231-9994", "Bo\nEk"}, {"20040229-0027", "Cia Ek"}}, []int{4, 6, 7}},
		{"ClassicMacLineEndings", "lista.csv", []byte("Pnr;Namn\r0803010024;Åsa Öberg\r"),
			"csv-utf8", ';', []string{"Pnr", "Namn"}, [][]string{{"0803010024", "Åsa Öberg"}}, []int{2}},
		{"ColumnWithoutHeading", "lista.csv", []byte("Pnr;Namn;;\n0803010024;Åsa Öberg;0701234567;\n991231-9994;Bo Ek;;\n"),
			"csv-utf8", ';', []string{"Pnr", "Namn", ""}, [][]string{{"0803010024", "Åsa Öberg", "0701234567"}, {"991231-9994", "Bo Ek"}}, []int{2, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := Read(tc.file, tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if tab.Format != tc.format || tab.Separator != tc.sep {
				t.Errorf("format %q separator %q, want %q %q", tab.Format, tab.Separator, tc.format, tc.sep)
			}
			if !reflect.DeepEqual(tab.Header, tc.header) {
				t.Errorf("header %q, want %q", tab.Header, tc.header)
			}
			if !reflect.DeepEqual(tab.Rows, tc.rows) {
				t.Errorf("rows %q, want %q", tab.Rows, tc.rows)
			}
			var lines []int
			for _, r := range Rows(tab, Guess(tab.Header), today) {
				lines = append(lines, r.Line)
			}
			if !reflect.DeepEqual(lines, tc.lines) {
				t.Errorf("lines %v, want %v", lines, tc.lines)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	many := func(n int) []byte {
		var b strings.Builder
		b.WriteString("Pnr;Namn\n")
		for range n {
			b.WriteString("20080301-0024;Åsa Öberg\n")
		}
		return []byte(b.String())
	}
	good := xlsx(t, []any{"Pnr", "Namn"}, []any{"20080301-0024", "Åsa Öberg"})
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte("Pnr\tNamn\r\n20080301-0024\tÅsa Öberg\r\n"))
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       error
		msg        string
	}{
		{"ErrTooLarge", "lista.csv", make([]byte, MaxBytes+1), ErrTooLarge, "Filen är för stor (högst 5 MB). Dela upp listan i flera filer."},
		{"ErrTooManyRows", "lista.csv", many(MaxRows + 1), ErrTooManyRows, "Filen har fler än 20 000 rader. Dela upp listan i flera filer."},
		{"ErrTooLargeColumns", "lista.csv", []byte("Pnr;Namn\n20080301-0024;Åsa Öberg" + strings.Repeat(";x", 199) + "\n"), ErrTooLarge, "Filen har fler än 200 kolumner. Ta bort kolumner som inte behövs och försök igen."},
		{"ErrEmpty", "lista.csv", nil, ErrEmpty, "Filen innehåller inga rader att importera."},
		{"ErrEmptyHeaderOnly", "lista.csv", []byte("Pnr;Namn\n;\n\n"), ErrEmpty, onlyHeader},
		{"ErrEmptyXLSX", "lista.xlsx", xlsx(t, []any{"Pnr", "Namn"}), ErrEmpty, onlyHeader},
		{"CorruptXLSX", "lista.xlsx", []byte("PK\x03\x04 inte en zip-fil"), ErrUnreadable, "Filen kunde inte läsas som en Excel-fil (.xlsx). Öppna den i Excel och spara om den."},
		{"TruncatedXLSX", "lista.xlsx", good[:len(good)/2], ErrUnreadable, "Filen kunde inte läsas som en Excel-fil (.xlsx). Öppna den i Excel och spara om den."},
		{"CSVNamedXLSX", "lista.xlsx", []byte("Pnr;Namn\n20080301-0024;Åsa Öberg\n"), ErrUnreadable, "Filen kunde inte läsas som en Excel-fil (.xlsx). Öppna den i Excel och spara om den."},
		{"UnknownExtension", "lista.xls", good, ErrUnreadable, "Filtypen stöds inte. Spara listan som .csv eller .xlsx."},
		{"NoExtension", "lista", []byte("Pnr;Namn\n20080301-0024;Åsa Öberg\n"), ErrUnreadable, "Filtypen stöds inte. Spara listan som .csv eller .xlsx."},
		{"UTF16", "lista.txt", utf16, ErrUnreadable, "Filen kunde inte läsas som text. Spara listan som CSV (UTF-8) eller .xlsx och försök igen."},
		// The attack of issue 16: 50 KiB that unpack to 50 MiB, refused from the zip directory before anything is unpacked.
		{"ErrTooLargeUnzipped", "lista.xlsx", kaalisttest.Bomb(5, 10<<20), ErrTooLarge, "Excel-filen är för stor uppackad (högst 16 MB). Dela upp listan i flera filer eller spara den som CSV."},
		{"ErrTooLargeSharedStrings", "lista.xlsx", kaalisttest.SharedStringsBomb(MaxSharedStrings + 1), ErrTooLarge, "Excel-filens texter är för stora uppackade (högst 4 MB). Dela upp listan i flera filer eller spara den som CSV."},
		{"ErrTooLargeCellXLSX", "lista.xlsx", kaalisttest.Bomb(3, MaxCellLen+1), ErrTooLarge, "En cell på rad 2 har fler än 1 000 tecken (högst 1 000 tecken per cell). Korta cellen eller ta bort kolumnen och försök igen."},
		{"ErrTooLargeCellCSV", "lista.csv", []byte("Pnr;Namn\n20080301-0024;Åsa\n20080301-0024;" + strings.Repeat("Ö", MaxCellLen+1) + "\n"), ErrTooLarge, "En cell på rad 3 har fler än 1 000 tecken (högst 1 000 tecken per cell). Korta cellen eller ta bort kolumnen och försök igen."},
		{"ErrTooLargeCells", "lista.csv", []byte(strings.Repeat(strings.Repeat("x;", MaxColumns-1)+"x\n", MaxCells/MaxColumns+1)), ErrTooLarge, "Filen har fler än 1 000 000 celler. Ta bort kolumner som inte behövs eller dela upp listan i flera filer."},
		// One shared string of 1,000 characters in 9,000 cells: a small sheet, much text.
		{"ErrTooLargeText", "lista.xlsx", kaalisttest.XLSX(func(w io.Writer) {
			for r := 1; r <= 9000; r++ {
				fmt.Fprintf(w, `<row r="%d"><c t="s"><v>0</v></c></row>`, r)
			}
		}, []string{strings.Repeat("x", MaxCellLen)}), ErrTooLarge, "Filen har mer än 8 MB text. Ta bort kolumner som inte behövs eller dela upp listan i flera filer."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := Read(tc.file, tc.data)
			var fe *FileError
			if !errors.Is(err, tc.want) || !errors.As(err, &fe) || tab != nil {
				t.Fatalf("got %v, %v; want %v", tab, err, tc.want)
			}
			if fe.Msg != tc.msg || err.Error() != tc.msg {
				t.Errorf("message %q, want %q", fe.Msg, tc.msg)
			}
		})
	}
	t.Run("MaxRowsOK", func(t *testing.T) {
		if tab, err := Read("lista.csv", many(MaxRows)); err != nil || len(tab.Rows) != MaxRows {
			t.Fatal(err)
		}
	})
}

func TestGuess(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		header []string
		want   Mapping
	}{
		{"Separate", []string{"ELEVENS PERSONNUMMER", "fornamn", "Efternamn", "Mobil-nummer", "E-post", "Gatu_adress", "Post.nr", "POSTORT", "Juridiskt kön", "Senaste skola", "Studieväg", "Skäl"},
			Mapping{FieldPersonnummer: 0, FieldFirstName: 1, FieldLastName: 2, FieldMobile: 3, FieldEmail: 4, FieldStreet: 5, FieldPostalCode: 6, FieldCity: 7, FieldGender: 8, FieldSchool: 9, FieldProgramme: 10, FieldReason: 11}},
		{"OneName", []string{"Klass", "Fullständigt namn", "Personnummer/samordningsnummer", "KON", "Telefon vårdnadshavare", "E-postadress", "Orsak"},
			Mapping{FieldName: 1, FieldPersonnummer: 2, FieldGender: 3, FieldEmail: 5, FieldReason: 6}},
		{"FirstColumnWins", []string{"Pnr", "personnr", "Elev", "Tilltalsnamn", "Förnamn"},
			Mapping{FieldPersonnummer: 0, FieldName: 2, FieldFirstName: 3}},
		{"Empty", nil, Mapping{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range Fields {
				if _, ok := tc.want[f]; !ok {
					tc.want[f] = -1
				}
			}
			if got := Guess(tc.header); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMissing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		m    Mapping
		want []Field
	}{
		{"OK", Mapping{FieldPersonnummer: 0, FieldName: 1}, nil},
		{"SeparateNames", Mapping{FieldPersonnummer: 2, FieldFirstName: 0, FieldLastName: 1, FieldName: -1}, nil},
		{"Nothing", Guess([]string{"Klass"}), []Field{FieldPersonnummer, FieldName}},
		{"NoLastName", Mapping{FieldPersonnummer: 0, FieldFirstName: 1, FieldLastName: -1}, []Field{FieldLastName}},
		{"NoFirstName", Mapping{FieldLastName: 1}, []Field{FieldPersonnummer, FieldFirstName}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.m.Missing(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseMapping(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		form     map[string][]string
		want     Mapping
		problems []string
	}{
		{"OK", map[string][]string{"personnummer": {"3"}, "name": {"0"}, "mobile": {""}, "email": {"-1"}, "csrf": {"x"}},
			Mapping{FieldPersonnummer: 3, FieldName: 0}, nil},
		{"OutOfRange", map[string][]string{"personnummer": {"4"}, "name": {"-2"}, "city": {"två"}},
			Mapping{}, []string{
				"Ogiltigt kolumnval för Personnummer. Välj en av filens kolumner.",
				"Ogiltigt kolumnval för Namn (för- och efternamn i samma kolumn). Välj en av filens kolumner.",
				"Ogiltigt kolumnval för Ort. Välj en av filens kolumner.",
			}},
		{"SameColumnTwice", map[string][]string{"first_name": {"1"}, "last_name": {"1"}},
			Mapping{FieldFirstName: 1}, []string{"Kolumn 2 är vald för både Förnamn och Efternamn. Välj en kolumn per uppgift."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range Fields {
				if _, ok := tc.want[f]; !ok {
					tc.want[f] = -1
				}
			}
			m, problems := ParseMapping(tc.form, 4)
			if !reflect.DeepEqual(m, tc.want) || !reflect.DeepEqual(problems, tc.problems) {
				t.Errorf("got %v %q, want %v %q", m, problems, tc.want, tc.problems)
			}
		})
	}
}

func TestRows(t *testing.T) {
	t.Parallel()
	m := Mapping{}
	for i, f := range Fields {
		m[f] = i
	}
	base := Row{Line: 2, Personnummer: "200803010024", FirstName: "Åsa", LastName: "Öberg", Gender: "not_stated", Reason: "unknown"}
	for _, tc := range []struct {
		name  string
		cells map[Field]string
		want  func(*Row)
	}{
		{"OK", map[Field]string{FieldMobile: "070-123 45 67", FieldEmail: "Asa.Oberg@Example.SE", FieldStreet: "Storgatan 1",
			FieldPostalCode: "281 31", FieldCity: "Hässleholm", FieldGender: "Kvinna", FieldSchool: "Jacobsskolan", FieldProgramme: "IMSPR", FieldReason: "Avbrott"},
			func(r *Row) {
				r.Mobile, r.Email, r.Street, r.PostalCode, r.City = "+46701234567", "asa.oberg@example.se", "Storgatan 1", "28131", "Hässleholm"
				r.Gender, r.School, r.Programme, r.Reason = "woman", "Jacobsskolan", "IMSPR", "dropped_out"
			}},
		{"PersonnummerTenDigits", map[Field]string{FieldPersonnummer: "0803010024"}, nil},
		{"PersonnummerExcelDroppedZero", map[Field]string{FieldPersonnummer: "803010024"}, func(r *Row) { r.NumberAsWritten = "803010024" }},
		{"PersonnummerLastCentury", map[Field]string{FieldPersonnummer: "991231-9994"}, func(r *Row) { r.Personnummer = "199912319994" }},
		{"Samordningsnummer", map[Field]string{FieldPersonnummer: "080361-0021"}, func(r *Row) { r.Personnummer = "200803610021" }},
		{"LeapDay", map[Field]string{FieldPersonnummer: "20040229-0027"}, func(r *Row) { r.Personnummer = "200402290027" }},
		{"PersonnummerMissing", map[Field]string{FieldPersonnummer: " "},
			func(r *Row) { r.Personnummer, r.Errors = "", []string{"Personnummer saknas."} }},
		{"PersonnummerCheckDigit", map[Field]string{FieldPersonnummer: "20080301-0025"},
			func(r *Row) {
				r.Personnummer, r.Errors = "", []string{errCheck + " Cellen i filen: ”20080301-0025”."}
			}},
		// Serial number 000 does not exist: refused with its own message, on the row of the cell.
		{"PersonnummerSerial000", map[Field]string{FieldPersonnummer: "20080301-0008"},
			func(r *Row) {
				r.Personnummer, r.Errors = "", []string{"Personnumret finns inte: födelsenumret (de tre siffrorna efter datumet) kan inte vara 000. Kontrollera siffrorna. Cellen i filen: ”20080301-0008”."}
			}},
		{"PersonnummerFormat", map[Field]string{FieldPersonnummer: "2008-03-01"},
			func(r *Row) {
				r.Personnummer, r.Errors = "", []string{personnummer.Message(personnummer.ErrFormat) + " Cellen i filen: ”2008-03-01”."}
			}},
		{"NameLastCommaFirst", map[Field]string{FieldFirstName: "", FieldLastName: "", FieldName: " Öberg ,  Åsa  Maria "}, func(r *Row) { r.FirstName = "Åsa Maria" }},
		{"NameFirstLast", map[Field]string{FieldFirstName: "", FieldLastName: "", FieldName: "Åsa Maria  Öberg"}, func(r *Row) { r.FirstName = "Åsa Maria" }},
		{"NameMissing", map[Field]string{FieldFirstName: "", FieldLastName: "", FieldName: " "},
			func(r *Row) { r.FirstName, r.LastName, r.Errors = "", "", []string{"Namn saknas."} }},
		{"NameOneWord", map[Field]string{FieldFirstName: "", FieldLastName: "", FieldName: "Åsa"},
			func(r *Row) { r.LastName, r.Errors = "", []string{"Efternamn saknas."} }},
		{"FirstNameMissing", map[Field]string{FieldFirstName: ""}, func(r *Row) { r.FirstName, r.Errors = "", []string{"Förnamn saknas."} }},
		{"NameTooLong", map[Field]string{FieldFirstName: strings.Repeat("Å", 101), FieldLastName: strings.Repeat("Ö", 100)},
			func(r *Row) {
				r.FirstName, r.LastName = strings.Repeat("Å", 101), strings.Repeat("Ö", 100)
				r.Errors = []string{"Förnamnet är för långt (högst 100 tecken)."}
			}},
		{"MobileInternational", map[Field]string{FieldMobile: "+46 (0)73-123 45 67"}, func(r *Row) { r.Mobile = "+46731234567" }},
		{"MobileDoubleZero", map[Field]string{FieldMobile: "0046 76 123 45 67"}, func(r *Row) { r.Mobile = "+46761234567" }},
		{"MobileExcelNumber", map[Field]string{FieldMobile: "701234567"}, func(r *Row) { r.Mobile = "+46701234567" }},
		{"MobileLandline", map[Field]string{FieldMobile: "0451-123 45"},
			func(r *Row) { r.Errors = []string{errMobile} }},
		{"MobileText", map[Field]string{FieldMobile: "mamma 070-123 45 67"},
			func(r *Row) { r.Errors = []string{errMobile} }},
		{"MobileForeign", map[Field]string{FieldMobile: "+47 912 34 567"},
			func(r *Row) { r.Errors = []string{errMobile} }},
		{"EmailDisplayName", map[Field]string{FieldEmail: "Åsa Öberg <ASA@example.se>"}, func(r *Row) { r.Email = "asa@example.se" }},
		{"EmailInvalid", map[Field]string{FieldEmail: "asa@"}, func(r *Row) { r.Errors = []string{"E-postadressen är inte giltig."} }},
		{"PostalCodeInvalid", map[Field]string{FieldPostalCode: "2813"}, func(r *Row) { r.Errors = []string{errPostal} }},
		{"GenderMan", map[Field]string{FieldGender: "Pojke"}, func(r *Row) { r.Gender = "man" }},
		{"GenderNonBinary", map[Field]string{FieldGender: "Icke-binär"}, func(r *Row) { r.Gender = "non_binary" }},
		{"GenderNotStated", map[Field]string{FieldGender: "Okänt"}, nil},
		{"GenderUnknown", map[Field]string{FieldGender: "K?"},
			func(r *Row) { r.Errors = []string{errGender} }},
		{"ReasonIMDropout", map[Field]string{FieldReason: "Avbrott introduktionsprogram"}, func(r *Row) { r.Reason = "dropped_out_im" }},
		// Attending IM is not a reason to be in KAA (since 2018): no reason is taken from it.
		{"ReasonIMAttending", map[Field]string{FieldReason: "Introduktionsprogram"}, func(r *Row) {
			r.ReasonNote = "Orsaken ”Introduktionsprogram” i filen finns inte bland orsakerna till registrering: den sparas som ”Uppgift saknas”." +
				" Den som går på ett introduktionsprogram omfattas inte av aktivitetsansvaret: ta bort raden om personen går kvar där."
		}},
		{"ReasonStudyCertificate", map[Field]string{FieldReason: "studiebevis"}, func(r *Row) { r.Reason = "study_certificate" }},
		{"ReasonNeverStarted", map[Field]string{FieldReason: "Ej påbörjat"}, func(r *Row) { r.Reason = "never_started" }},
		{"ReasonOther", map[Field]string{FieldReason: "flyttat"}, func(r *Row) {
			r.ReasonNote = "Orsaken ”flyttat” i filen finns inte bland orsakerna till registrering: den sparas som ”Uppgift saknas”."
		}},
		{"SeveralErrors", map[Field]string{FieldPersonnummer: "", FieldFirstName: "", FieldLastName: "", FieldPostalCode: "abc", FieldGender: "?"},
			func(r *Row) {
				r.Personnummer, r.FirstName, r.LastName = "", "", ""
				r.Errors = []string{"Personnummer saknas.", "Namn saknas.", errPostal,
					errGender}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := make([]string, len(Fields))
			rec[0], rec[1], rec[2] = "20080301-0024", "Åsa", "Öberg"
			for f, v := range tc.cells {
				rec[m[f]] = v
			}
			want := base
			if tc.want != nil {
				tc.want(&want)
			}
			got := Rows(&Table{Rows: [][]string{rec}}, m, today)
			if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestRowsFile(t *testing.T) {
	t.Parallel()
	data := []byte("Personnummer;Namn;Kön\n20080301-0024;Åsa Öberg;\n\n0803010024;Öberg, Åsa\n991231-9994;Bo Ek\n080301-0024;Åsa Öberg\n")
	tab, err := Read("lista.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	rows := Rows(tab, Mapping{FieldPersonnummer: 0, FieldName: 1, FieldMobile: 7}, today) // gender not mapped; mobile beyond every row
	dup := []string{"Personnumret finns redan på rad 2 i filen."}
	for i, want := range []struct {
		line   int
		errors []string
	}{{2, nil}, {4, dup}, {5, nil}, {6, dup}} {
		r := rows[i]
		if r.Line != want.line || !reflect.DeepEqual(r.Errors, want.errors) || r.Gender != "not_stated" || r.Mobile != "" {
			t.Errorf("row %d: %+v, want line %d errors %q", i, r, want.line, want.errors)
		}
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"Personnummer;Namn;Mobil;E-post;Postnummer;Kön;Orsak\n20080301-0024;Åsa Öberg;0701234567;a@b.se;123 45;K;IM\n0803010024;\"Öberg, Åsa\";;;;;\n",
		"\xEF\xBB\xBFpnr,förnamn,efternamn\n991231-9994,Bo,Ek\n20080301-0025,,\n",
		"Pnr\tNamn\n080361-0021\tCia Ek\n\n20040229-0027\t\"Dan\nEk\"\n",
		"Personnummer;Ort\n20080301-0024;H\xe4ssleholm\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := Read("lista.csv", data)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) || fe.Msg == "" {
				t.Fatalf("error %v is not a *FileError", err)
			}
			return
		}
		m := Guess(tab.Header)
		if len(m.Missing()) > 0 { // validate the columns anyway
			m = Mapping{FieldPersonnummer: 0, FieldName: 1, FieldMobile: 2, FieldEmail: 3, FieldPostalCode: 4, FieldGender: 5, FieldReason: 6}
		}
		for _, r := range Rows(tab, m, today) {
			if len(r.Errors) > 0 {
				continue
			}
			if n, err := personnummer.Parse(r.Personnummer, today); len(r.Personnummer) != 12 || err != nil || n.String() != r.Personnummer {
				t.Fatalf("valid row with personnummer %q: %v", r.Personnummer, err)
			}
		}
	})
}

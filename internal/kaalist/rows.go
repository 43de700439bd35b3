package kaalist

import (
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kaa-plattform/kaa/internal/personnummer"
)

// maxNameLen is the longest first or last name, in characters.
const maxNameLen = 100

// maxSchoolLen is the longest school name, in characters.
const maxSchoolLen = 200

// Row is one validated line of the list.
type Row struct {
	Line                                    int    // 1-based line in the file including the header line (the first data row is line 2), as the coordinator sees it in Excel
	Personnummer                            string // normalised 12 digits, "" when invalid
	FirstName, LastName                     string
	Mobile, Email, Street, PostalCode, City string // Mobile as +467XXXXXXXX, Email lower case, PostalCode 5 digits
	Gender                                  string // "woman", "man", "non_binary" or "not_stated"
	School, Programme                       string
	Reason                                  string    // a key of codes.RegistrationReason; "unknown" (uppgift saknas) when the list says nothing
	ReasonNote                              string    // Swedish, when the list gives a reason the register does not know: it is not silently dropped
	RegisteredOn, LeftSchoolOn              time.Time // zero when the list has none
	Temporary                               bool      // the number is a reservnummer or another temporary number: the row goes to the queue "Saknar giltigt personnummer"
	NumberAsWritten                         string    // the cell as written, when Personnummer was repaired from it or it is a temporary number
	Errors                                  []string  // Swedish, each says what is wrong and what to do; empty when the row is valid
}

var genders = map[string]string{
	"k": "woman", "kvinna": "woman", "f": "woman", "flicka": "woman", "female": "woman",
	"m": "man", "man": "man", "pojke": "man", "male": "man",
	"ickebinar": "non_binary", "annat": "non_binary", "x": "non_binary",
	"": "not_stated", "ejangivet": "not_stated", "okant": "not_stated",
}

var reasons = map[string]string{
	"avbrottim": "dropped_out_im", "avbrutitim": "dropped_out_im", "avbrottintroduktionsprogram": "dropped_out_im",
	"avbrutitintroduktionsprogram": "dropped_out_im", "inflyttad": "moved_in", "inflyttning": "moved_in", "uppgiftsaknas": "unknown",
	"avbrott": "dropped_out", "avbrutit": "dropped_out", "avhopp": "dropped_out",
	"studiebevis":        "study_certificate",
	"ejpaborjat":         "never_started",
	"aldrigborjat":       "never_started",
	"ejborjat":           "never_started",
	"ingengymnasieskola": "never_started",
}

// Rows validates every data row of t with the mapping m, as of today.
// Cells beyond the end of a row count as empty.
func Rows(t *Table, m Mapping, today time.Time) []Row {
	out := make([]Row, 0, len(t.Rows))
	// Day or month first is decided per column, from all its cells.
	orders := map[Field]columnOrder{}
	for _, f := range []Field{FieldRegisteredOn, FieldLeftSchoolOn} {
		if c := m.Col(f); c >= 0 {
			var values []string
			for _, rec := range t.Rows {
				if c < len(rec) {
					values = append(values, rec[c])
				}
			}
			orders[f] = dateOrder(values)
		}
	}
	first := map[string]int{} // personnummer -> line where it first appears
	for i, rec := range t.Rows {
		cell := func(f Field) string {
			if c := m.Col(f); c < len(rec) && c >= 0 {
				return strings.TrimSpace(rec[c])
			}
			return ""
		}
		r := Row{Line: i + 2, Street: cell(FieldStreet), City: cell(FieldCity),
			School: cell(FieldSchool), Programme: cell(FieldProgramme), Gender: "not_stated", Reason: "unknown"}
		if i < len(t.Lines) {
			r.Line = t.Lines[i]
		}
		fail := func(msg string) { r.Errors = append(r.Errors, msg) }
		var birth time.Time // zero when the number could not be read

		switch p := cell(FieldPersonnummer); {
		case p == "":
			fail("Personnummer saknas.")
		default:
			n, repaired, msg := ReadPersonnummer(p, today)
			switch {
			case msg == "" && repaired:
				r.NumberAsWritten = p
			case msg != "" && Temporary(p):
				r.Temporary, r.NumberAsWritten = true, p
				if line, ok := first["T"+p]; ok {
					fail(fmt.Sprintf("Numret finns redan på rad %d i filen.", line))
				} else {
					first["T"+p] = r.Line
				}
			case msg != "":
				fail(msg)
			}
			if msg != "" {
				break
			}
			r.Personnummer, birth = n.String(), n.Birth()
			if line, ok := first[r.Personnummer]; ok {
				fail(fmt.Sprintf("Personnumret finns redan på rad %d i filen.", line))
			} else {
				first[r.Personnummer] = r.Line
			}
		}
		for _, d := range []struct {
			field Field
			to    *time.Time
			name  string
		}{{FieldRegisteredOn, &r.RegisteredOn, "Registreringsdatumet"}, {FieldLeftSchoolOn, &r.LeftSchoolOn, "Avbrottsdatumet"}} {
			s := cell(d.field)
			if s == "" {
				continue
			}
			o := orders[d.field]
			if o.ambiguous && dmy.MatchString(datePart(s)) {
				fail(fmt.Sprintf("Kolumnen för %s har datum skrivna både med dagen först (till exempel ”%s”) och med månaden först (till exempel ”%s”), så ingen av dem kan läsas säkert. Skriv datumen som ÅÅÅÅ-MM-DD och ladda upp filen igen.",
					strings.ToLower(Label(d.field)), o.dayFirstExample, o.monthFirstExample))
				continue
			}
			day, ok := ParseDateWith(s, DateOptions{MonthFirst: o.monthFirst, Date1904: t.Date1904})
			switch {
			case !ok:
				fail(fmt.Sprintf("%s ”%s” kan inte läsas som ett datum. Skriv det som ÅÅÅÅ-MM-DD, till exempel 2026-08-15.", d.name, s))
			case day.After(today):
				fail(fmt.Sprintf("%s %s ligger i framtiden. Rätta datumet i filen.", d.name, day.Format(time.DateOnly)))
			case day.Before(earliestDate):
				fail(fmt.Sprintf("%s %s är före 1990 och kan inte stämma. Rätta datumet i filen.", d.name, day.Format(time.DateOnly)))
			default:
				*d.to = day
			}
		}
		// A registration date must be possible: not before the 15th birthday
		// (the activity responsibility starts when compulsory school ends)
		// nor before the day the person left school.
		switch reg := r.RegisteredOn; {
		case reg.IsZero():
		case !birth.IsZero() && reg.Before(birth.AddDate(15, 0, 0)):
			fail(fmt.Sprintf("Registreringsdatumet %s är före personens 15-årsdag (%s) och kan inte stämma. Kontrollera att kolumnen är registreringsdatumet och inte till exempel inskrivningsdatumet i skolan.",
				reg.Format(time.DateOnly), birth.AddDate(15, 0, 0).Format(time.DateOnly)))
			r.RegisteredOn = time.Time{}
		case !r.LeftSchoolOn.IsZero() && reg.Before(r.LeftSchoolOn):
			fail(fmt.Sprintf("Registreringsdatumet %s är före avbrottsdatumet %s: den som går kvar i skolan registreras inte. Rätta datumen i filen.",
				reg.Format(time.DateOnly), r.LeftSchoolOn.Format(time.DateOnly)))
			r.RegisteredOn = time.Time{}
		}

		r.FirstName, r.LastName = cell(FieldFirstName), cell(FieldLastName)
		if r.FirstName == "" && r.LastName == "" {
			r.FirstName, r.LastName = splitName(cell(FieldName))
		}
		switch {
		case r.FirstName == "" && r.LastName == "":
			fail("Namn saknas.")
		case r.FirstName == "":
			fail("Förnamn saknas.")
		case r.LastName == "":
			fail("Efternamn saknas.")
		}
		if utf8.RuneCountInString(r.FirstName) > maxNameLen {
			fail("Förnamnet är för långt (högst 100 tecken).")
		}
		if utf8.RuneCountInString(r.LastName) > maxNameLen {
			fail("Efternamnet är för långt (högst 100 tecken).")
		}

		if utf8.RuneCountInString(r.School) > maxSchoolLen {
			fail("Skolans namn är för långt (högst 200 tecken).")
		}
		if s := cell(FieldMobile); s != "" {
			var ok bool
			if r.Mobile, ok = NormalizeMobile(s); !ok {
				fail("Mobilnumret ser inte ut som ett svenskt mobilnummer (07X-XXX XX XX).")
			}
		}
		if s := cell(FieldEmail); s != "" {
			if a, err := mail.ParseAddress(s); err != nil {
				fail("E-postadressen är inte giltig.")
			} else {
				r.Email = strings.ToLower(a.Address)
			}
		}
		if s := cell(FieldPostalCode); s != "" {
			if s = strings.Join(strings.Fields(s), ""); len(s) == 5 && digits(s) {
				r.PostalCode = s
			} else {
				fail("Postnumret ska ha fem siffror, till exempel 123 45.")
			}
		}
		if g, ok := genders[key(cell(FieldGender))]; ok {
			r.Gender = g
		} else {
			fail("Okänt värde för kön: ange kvinna, man, icke-binär eller lämna tomt.")
		}
		if reason, ok := reasons[key(cell(FieldReason))]; ok {
			r.Reason = reason
		} else if text := cell(FieldReason); text != "" {
			r.ReasonNote = reasonNote(text)
		}
		out = append(out, r)
	}
	return out
}

// reasonNote says what happens to a reason the register does not know.
// Attending an introduction programme is not a reason to be in the KAA
// register (since 1 July 2018, docs/glossary.md): the note says so.
func reasonNote(text string) string {
	if len([]rune(text)) > 60 {
		text = string([]rune(text)[:60]) + "…"
	}
	note := fmt.Sprintf("Orsaken ”%s” i filen finns inte bland orsakerna till registrering: den sparas som ”Uppgift saknas”.", text)
	if k := key(text); k == "im" || strings.Contains(k, "introduktionsprogram") {
		note += " Den som går på ett introduktionsprogram omfattas inte av aktivitetsansvaret: ta bort raden om personen går kvar där."
	}
	return note
}

// splitName splits "Efternamn, Förnamn" at the comma, or "Förnamn Efternamn"
// before the last word.
func splitName(s string) (first, last string) {
	if l, f, ok := strings.Cut(s, ","); ok {
		return strings.Join(strings.Fields(f), " "), strings.Join(strings.Fields(l), " ")
	}
	w := strings.Fields(s)
	if len(w) < 2 {
		return strings.Join(w, ""), ""
	}
	return strings.Join(w[:len(w)-1], " "), w[len(w)-1]
}

// NormalizeMobile normalises a Swedish mobile number to +467XXXXXXXX. It accepts
// 07X-XXX XX XX, +46 7X…, +46 (0)7X…, 0046 7X…, and the forms Excel leaves
// of a number stored as a number (46 7X…, 7X…).
func NormalizeMobile(s string) (string, bool) {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9', r == '+' && i == 0:
			b.WriteRune(r)
		case unicode.IsSpace(r), strings.ContainsRune("-()./", r):
		default:
			return "", false
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "+46"):
		d = d[3:]
	case strings.HasPrefix(d, "0046"):
		d = d[4:]
	case len(d) == 11 && strings.HasPrefix(d, "467"):
		d = d[2:]
	}
	d = strings.TrimPrefix(d, "0")
	if len(d) != 9 || d[0] != '7' || !digits(d) {
		return "", false
	}
	return "+46" + d, true
}

// digits reports whether s is all ASCII digits.
func digits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ReadPersonnummer reads a personnummer or samordningsnummer as a list
// from Excel may hold it, and says whether it had to be repaired: a number
// Excel wrote in scientific notation with every digit kept
// ("1,99901011234E+11"), one that lost its leading zero (9 digits for
// YYMMDDNNNN), a trailing ",0" or ".0", or spaces inside. msg is a Swedish
// message, naming the cell as written, when the cell is no valid number or
// repairing it would mean guessing (digits lost to the scientific
// notation, "1,99E+11").
func ReadPersonnummer(cell string, today time.Time) (n personnummer.Number, repaired bool, msg string) {
	written := strings.Join(strings.Fields(cell), "")
	p := written
	if m := sciNotation.FindStringSubmatch(p); m != nil {
		mant := m[1] + m[2]
		exp, _ := strconv.Atoi(m[3])
		if exp+1 < len(mant) || exp+1 > 12 {
			return n, false, fmt.Sprintf("Cellen ”%s” är inget personnummer. Kontrollera siffrorna.", cell)
		}
		if exp+1 > len(mant) {
			return n, false, fmt.Sprintf("Personnumret har blivit ”%s” i Excel, och siffror har gått förlorade. Formatera kolumnen som text i Excel, skriv in personnumret igen och ladda upp filen på nytt.", cell)
		}
		p = mant
	}
	if before, ok := strings.CutSuffix(p, ",0"); ok && digits(before) {
		p = before
	} else if before, ok := strings.CutSuffix(p, ".0"); ok && digits(before) {
		p = before
	}
	if len(p) == 9 && digits(p) {
		p = "0" + p // Excel drops the leading zero of YYMMDDNNNN stored as a number
	}
	n, err := personnummer.Parse(p, today)
	if err != nil {
		return n, false, fmt.Sprintf("%s Cellen i filen: ”%s”.", personnummer.Message(err), cell)
	}
	return n, p != written, ""
}

// sciNotation is a number in scientific notation as Excel writes it with
// Swedish or English settings: "1,99901E+11", "1.99901E+11".
var sciNotation = regexp.MustCompile(`^(\d)(?:[,.](\d*))?[Ee]\+?(\d{1,2})$`)

// Temporary reports whether a cell that is no valid personnummer is a
// temporary number: a reservnummer or another number a region or a school
// gives one who lacks a personnummer, which holds letters beside at least
// six digits ("990101-R123", "19990101-TF12", "R1234567").
func Temporary(cell string) bool {
	var letters, digitCount int
	for _, r := range cell {
		switch {
		case r >= '0' && r <= '9':
			digitCount++
		case unicode.IsLetter(r):
			letters++
		case r == '-' || r == '+' || r == ' ':
		default:
			return false
		}
	}
	return letters >= 1 && letters <= 3 && digitCount >= 6 && utf8.RuneCountInString(cell) <= 20
}

// earliestDate is the first date a list may hold: the KAA register is
// younger, and an earlier date is a mistake (or a birth date).
var earliestDate = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// DateOptions say how to read the dates of one column: MonthFirst reads
// 05/08/2026 as 8 May (a CSV from Excel set to American English), and
// Date1904 counts serial numbers from 1904-01-01 (a workbook with the 1904
// date system) instead of 1899-12-30.
type DateOptions struct {
	MonthFirst, Date1904 bool
}

// ParseDate reads a date as lists write it, day first: see ParseDateWith.
func ParseDate(s string) (time.Time, bool) { return ParseDateWith(s, DateOptions{}) }

// ParseDateWith reads a date as lists write it: 2026-08-15, 2026/08/15,
// 15/8/2026, 15.8.2026, 15-8-2026 (8/15/2026 with o.MonthFirst), 20260815,
// an ISO date with a time after it, or an Excel serial date (as an .xlsx
// date cell reads, or a CSV from a date column formatted as a number)
// between 1950 and 2100.
func ParseDateWith(s string, o DateOptions) (time.Time, bool) {
	s = datePart(s)
	if len(s) == 8 && digits(s) {
		return date(s[:4], s[4:6], s[6:])
	}
	if m := ymd.FindStringSubmatch(s); m != nil {
		return date(m[1], m[2], m[3])
	}
	if m := dmy.FindStringSubmatch(s); m != nil {
		if o.MonthFirst {
			return date(m[3], m[1], m[2])
		}
		return date(m[3], m[2], m[1])
	}
	if m := serial.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
		if o.Date1904 {
			base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		if d := base.AddDate(0, 0, n); d.Year() >= 1950 && d.Year() <= 2100 {
			return d, true
		}
	}
	return time.Time{}, false
}

// datePart is s trimmed, without a time after a date of ten characters.
func datePart(s string) string {
	s = strings.TrimSpace(s)
	if d, _, ok := strings.Cut(s, " "); ok && len(d) == 10 {
		return d
	} else if d, _, ok := strings.Cut(s, "T"); ok && len(d) == 10 {
		return d
	}
	return s
}

// columnOrder is how the dates of a column written n/n/yyyy are read.
type columnOrder struct {
	monthFirst, ambiguous              bool
	dayFirstExample, monthFirstExample string // a cell that can only be day first, and one that can only be month first
}

// dateOrder decides whether a column's dates written n/n/yyyy put the day
// or the month first: a first part over 12 can only be a day, a second part
// over 12 only a day too; both kinds in one column make it ambiguous, and
// neither reads the day first, the Swedish way.
func dateOrder(values []string) columnOrder {
	var o columnOrder
	for _, v := range values {
		m := dmy.FindStringSubmatch(datePart(v))
		if m == nil {
			continue
		}
		first, _ := strconv.Atoi(m[1])
		second, _ := strconv.Atoi(m[2])
		switch {
		case first > 12 && o.dayFirstExample == "":
			o.dayFirstExample = v
		case second > 12 && o.monthFirstExample == "":
			o.monthFirstExample = v
		}
	}
	o.ambiguous = o.dayFirstExample != "" && o.monthFirstExample != ""
	o.monthFirst = o.monthFirstExample != "" && !o.ambiguous
	return o
}

var (
	ymd    = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$`)
	dmy    = regexp.MustCompile(`^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$`)
	serial = regexp.MustCompile(`^(\d{5})(?:[.,]\d+)?$`)
)

// date is the day of year y, month m and day d, if there is one.
func date(y, m, d string) (time.Time, bool) {
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	t := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if t.Year() != yi || int(t.Month()) != mi || t.Day() != di || yi < 1900 {
		return time.Time{}, false
	}
	return t, true
}

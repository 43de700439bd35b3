// Package personnummer parses Swedish personal identity numbers
// (personnummer) and coordination numbers (samordningsnummer) in the forms
// people write them, and stores one normalised 12-digit form.
package personnummer

import (
	"errors"
	"strconv"
	"time"
)

// Errors returned by Parse; Message gives the Swedish text for a form.
var (
	ErrFormat     = errors.New("personnummer: format")
	ErrDate       = errors.New("personnummer: no such date")
	ErrCheckDigit = errors.New("personnummer: wrong check digit")
	ErrFuture     = errors.New("personnummer: born in the future")
	ErrSerial     = errors.New("personnummer: serial number 000")
)

// Message returns a Swedish explanation of a Parse error, saying what to do.
func Message(err error) string {
	switch {
	case errors.Is(err, ErrFormat):
		return "Skriv personnumret som ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN."
	case errors.Is(err, ErrDate):
		return "Personnumret innehåller inget giltigt födelsedatum. Kontrollera siffrorna."
	case errors.Is(err, ErrCheckDigit):
		return "Personnumret stämmer inte: kontrollsiffran (den sista) är fel. Kontrollera siffrorna."
	case errors.Is(err, ErrFuture):
		return "Födelsedatumet i personnumret ligger i framtiden."
	case errors.Is(err, ErrSerial):
		return "Personnumret finns inte: födelsenumret (de tre siffrorna efter datumet) kan inte vara 000. Kontrollera siffrorna."
	}
	return "Personnumret kunde inte läsas."
}

// Number is a valid personnummer or samordningsnummer.
type Number struct {
	digits string // 12 digits: YYYYMMDDNNNC, day + 60 for a samordningsnummer
	birth  time.Time
}

// Parse reads s in the forms YYMMDD-NNNN, YYMMDDNNNN, YYMMDD+NNNN (100 years or
// older), YYYYMMDD-NNNN and YYYYMMDDNNNN, surrounding spaces allowed. A
// ten-digit number belongs to the most recent century that does not put the
// birth after today (or, with +, that makes the person at least 100).
func Parse(s string, today time.Time) (Number, error) {
	b := []byte(s)
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	sep := byte(0)
	var digits []byte
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case (c == '-' || c == '+') && sep == 0 && len(b)-i == 5:
			sep = c
		default:
			return Number{}, ErrFormat
		}
	}
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	var year int
	short := len(digits) == 10
	switch len(digits) {
	case 12:
		if sep == '+' {
			return Number{}, ErrFormat
		}
		year, _ = strconv.Atoi(string(digits[:4]))
		if year < 1800 {
			return Number{}, ErrDate
		}
		digits = digits[2:]
	case 10:
		yy, _ := strconv.Atoi(string(digits[:2]))
		year = today.Year() - (today.Year()-yy)%100
		if (today.Year()-yy)%100 < 0 {
			year -= 100
		}
		if sep == '+' {
			year -= 100
		}
	default:
		return Number{}, ErrFormat
	}
	month, _ := strconv.Atoi(string(digits[2:4]))
	day, _ := strconv.Atoi(string(digits[4:6]))
	if day > 60 {
		day -= 60 // samordningsnummer
	}
	birth := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if month < 1 || month > 12 || day < 1 || birth.Day() != day || birth.Month() != time.Month(month) {
		return Number{}, ErrDate
	}
	if short && sep != '+' && birth.After(today) {
		// A ten-digit number whose date has not yet come this century is from the last one.
		year -= 100
		birth = birth.AddDate(-100, 0, 0)
	}
	if birth.After(today) {
		return Number{}, ErrFuture
	}
	if !luhnValid(digits) {
		return Number{}, ErrCheckDigit
	}
	if string(digits[6:9]) == "000" {
		// Skatteverket gives födelsenummer from 001: 000 is no one's.
		return Number{}, ErrSerial
	}
	return Number{digits: strconv.Itoa(year/100) + string(digits), birth: birth}, nil
}

// luhnValid checks the Luhn digit of the ten digits YYMMDDNNNC.
func luhnValid(d []byte) bool {
	return CheckDigit(string(d[:9])) == int(d[9]-'0')
}

// CheckDigit returns the Luhn check digit of the nine digits YYMMDDNNN.
func CheckDigit(nine string) int {
	sum := 0
	for i, c := range nine {
		v := int(c - '0')
		if i%2 == 0 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return (10 - sum%10) % 10
}

// String is the normalised form YYYYMMDDNNNC, as stored.
func (n Number) String() string { return n.digits }

// Formatted is the form people read: YYYYMMDD-NNNN.
func (n Number) Formatted() string {
	if n.digits == "" {
		return ""
	}
	return n.digits[:8] + "-" + n.digits[8:]
}

// Birth is the date of birth.
func (n Number) Birth() time.Time { return n.birth }

// Coordination reports whether n is a samordningsnummer.
func (n Number) Coordination() bool { return n.digits != "" && n.digits[6] >= '6' }

// AgeOn is the age in whole years on date.
func (n Number) AgeOn(date time.Time) int {
	age := date.Year() - n.birth.Year()
	if date.Month() < n.birth.Month() || (date.Month() == n.birth.Month() && date.Day() < n.birth.Day()) {
		age--
	}
	return age
}

// Turns20 is the date the person turns 20, when KAA responsibility ends.
func (n Number) Turns20() time.Time { return n.birth.AddDate(20, 0, 0) }

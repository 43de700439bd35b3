// Package sv writes numbers and dates the way Swedish readers expect them:
// 1 234 567 with non-breaking spaces, 1 234,5 with a decimal comma, dates as
// 2026-11-23 in tables and forms and 23 nov. 2026 in running text.
package sv

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

var printer = message.NewPrinter(language.Swedish)

// Num writes a whole number in groups of three, and a minus sign (−) where
// negative, as the Swedish CLDR data says: 31 500.
func Num(n int) string { return printer.Sprint(n) }

// Decimal writes f with the given number of decimals and a decimal comma.
func Decimal(f float64, decimals int) string { return printer.Sprintf("%.*f", decimals, f) }

// Number writes f as a whole number when it is one (921) and otherwise with
// one decimal (37,5): for targets and shares typed by people.
func Number(f float64) string {
	if f == float64(int64(f)) {
		return Num(int(f))
	}
	return Decimal(f, 1)
}

// Plain undoes Num: "31 500" is 31500 again, for files a spreadsheet sums.
// Anything that is not a grouped whole number comes back unchanged.
func Plain(s string) string {
	p := strings.NewReplacer("\u00a0", "", "\u2212", "-").Replace(s)
	if p == s || p == "" || strings.Trim(p, "-0123456789") != "" {
		return s
	}
	return p
}

// Months in the abbreviated form of the Swedish CLDR data, as in "23 nov. 2026".
var months = [12]string{"jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "dec."}

// Date is the numeric date of tables and forms (ISO 8601, as Swedes write it).
func Date(t time.Time) string { return t.Format("2006-01-02") }

// ProseDate is a date in running text: 23 nov. 2026.
func ProseDate(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
}

// Genitive is a name's possessive form: Anna Svenssons, but Lars and Max
// unchanged (a name ending in s, x or z takes no further s).
func Genitive(name string) string {
	if strings.HasSuffix(strings.ToLower(name), "s") || strings.HasSuffix(strings.ToLower(name), "x") || strings.HasSuffix(strings.ToLower(name), "z") {
		return name
	}
	return name + "s"
}

// SortBy sorts s by the text key gives each element, in Swedish alphabetical
// order (å, ä, ö after z; case and accents only break ties). The sort is
// stable. For names stored in PostgreSQL the database's collation sv does the
// same; this is for labels made in Go.
func SortBy[T any](s []T, key func(T) string) {
	c := collate.New(language.Swedish) // a collator is not safe for concurrent use
	slices.SortStableFunc(s, func(a, b T) int { return c.CompareString(key(a), key(b)) })
}

// Count writes n with the noun in the singular when n is 1 and in the plural
// otherwise: Count(1, "dag", "dagar") is "1 dag", Count(0, ...) "0 dagar",
// Count(1500, ...) "1 500 dagar".
func Count(n int, one, many string) string {
	if n == 1 || n == -1 {
		return Num(n) + " " + one
	}
	return Num(n) + " " + many
}

// Turns says when a person born on birth reaches age, seen on today: "fyllde
// 20 den 1 mars 2026" once the birthday has passed, "fyller 20 i dag" on the
// day and "fyller 20 den 1 mars 2027" before it. The dates are compared as
// calendar days; someone born on 29 February has the birthday on 1 March in
// other years.
func Turns(birth time.Time, age int, today time.Time) string {
	day := birth.AddDate(age, 0, 0)
	d := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	t := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case d.Before(t):
		return fmt.Sprintf("fyllde %d den %s", age, ProseDate(d))
	case d.Equal(t):
		return fmt.Sprintf("fyller %d i dag", age)
	}
	return fmt.Sprintf("fyller %d den %s", age, ProseDate(d))
}

// Capital writes s with its first letter in upper case, for a phrase that
// starts a sentence: "Fyllde 20 den 1 mars 2026".
func Capital(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

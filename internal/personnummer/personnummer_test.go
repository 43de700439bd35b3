package personnummer

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

var today = time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)

func TestParse(t *testing.T) {
	tests := []struct {
		name, in, want string
		err            error
	}{
		{"TwelveDigitsWithDash", "20080301-0008", "200803010008", nil},
		{"TwelveDigits", "200803010008", "200803010008", nil},
		{"TenDigitsWithDash", "080301-0008", "200803010008", nil},
		{"TenDigits", "0803010008", "200803010008", nil},
		{"Spaces", "  080301-0008 ", "200803010008", nil},
		{"LastCentury", "991231-9994", "199912319994", nil},
		{"PlusMeansHundredOrOlder", "080301+0008", "190803010008", nil},
		{"TenDigitsLaterThisYearIsLastCentury", "261224-0008", "192612240008", nil},
		{"Samordningsnummer", "080361-0005", "200803610005", nil},
		{"SamordningsnummerTwelve", "200803610005", "200803610005", nil},
		{"LeapDay", "20040229-0001", "200402290001", nil},
		{"ErrCheckDigit", "20080301-0009", "", ErrCheckDigit},
		{"ErrNoLeapDay", "20050229-0000", "", ErrDate},
		{"ErrMonth", "20081301-0000", "", ErrDate},
		{"ErrDayZero", "20080300-0000", "", ErrDate},
		{"ErrSamordningDay", "20080392-0000", "", ErrDate},
		{"ErrFuture", "20300101-0002", "", ErrFuture},
		{"ErrLetters", "2008030l-0007", "", ErrFormat},
		{"ErrYear", "004001010000", "", ErrDate},
		{"ErrShort", "080301-007", "", ErrFormat},
		{"ErrPlusOnTwelve", "20080301+0008", "", ErrFormat},
		{"ErrSeparatorPlace", "2008-03010007", "", ErrFormat},
		{"ErrEmpty", "", "", ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.in, today)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("Parse(%q) error %v, want %v", tt.in, err, tt.err)
				}
				if Message(err) == "" {
					t.Error("no Swedish message")
				}
				return
			}
			if err != nil || n.String() != tt.want {
				t.Fatalf("Parse(%q) = %q, %v; want %q", tt.in, n.String(), err, tt.want)
			}
		})
	}
}

func TestDerived(t *testing.T) {
	n, err := Parse("080361-0005", today)
	if err != nil {
		t.Fatal(err)
	}
	if !n.Coordination() || n.Birth() != time.Date(2008, 3, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("coordination %v birth %v", n.Coordination(), n.Birth())
	}
	if n.AgeOn(today) != 18 || n.AgeOn(time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)) != 19 || n.AgeOn(time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC)) != 20 {
		t.Errorf("ages wrong")
	}
	if n.Turns20() != time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC) || n.Formatted() != "20080361-0005" {
		t.Errorf("turns 20 %v formatted %s", n.Turns20(), n.Formatted())
	}
}

// luhn is an independent check of the ten digits YYMMDDNNNC.
func luhn(ten string) bool {
	sum := 0
	for i := 0; i < 10; i++ {
		d, _ := strconv.Atoi(ten[i : i+1])
		if i%2 == 0 {
			d = d * 2
			d = d/10 + d%10
		}
		sum += d
	}
	return sum%10 == 0
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"20080301-0008", "080301+0008", "080361-0005", "0803010008", "x", "991231-9994", "+", "000000-0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s, today)
		if err != nil {
			return
		}
		d := n.String()
		if len(d) != 12 {
			t.Fatalf("Parse(%q) accepted and normalised to %q", s, d)
		}
		if !luhn(d[2:]) {
			t.Fatalf("Parse(%q) accepted a wrong check digit: %s", s, d)
		}
		if n.Birth().After(today) {
			t.Fatalf("Parse(%q) accepted a birth in the future", s)
		}
		again, err := Parse(d, today)
		if err != nil || again.String() != d {
			t.Fatalf("the normalised form %q does not parse back to itself: %v", d, err)
		}
	})
}

package sv_test

import (
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/sv"
)

func TestFormats(t *testing.T) {
	t.Parallel()
	for got, want := range map[string]string{
		sv.Num(7):                    "7",
		sv.Num(1234):                 "1\u00a0234",
		sv.Num(-31500):               "\u221231\u00a0500",
		sv.Plain(sv.Num(-31500)):     "-31500",
		sv.Decimal(1234.5, 1):        "1\u00a0234,5",
		sv.Number(921):               "921",
		sv.Number(37.5):              "37,5",
		sv.Number(1500):              "1\u00a0500",
		sv.Decimal(0.25, 2):          "0,25",
		sv.Plain(sv.Num(1234567)):    "1234567",
		sv.Plain("12 %"):             "12 %",
		sv.Genitive("Anna Svensson"): "Anna Svenssons",
		sv.Genitive("Lars"):          "Lars",
		sv.Genitive("Osby kommun"):   "Osby kommuns",
		sv.Plain("<5"):               "<5",
		sv.Plain("1\u00a0234,5"):     "1\u00a0234,5",
		sv.Date(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)):      "2026-11-23",
		sv.ProseDate(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)): "23 nov. 2026",
		sv.ProseDate(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)):   "1 mars 2027",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestSortBy(t *testing.T) {
	t.Parallel()
	names := []string{"Öberg", "ärlig", "Zorn", "Åberg", "andersson", "Ahlström", "Eriksson", "Érik"}
	sv.SortBy(names, func(s string) string { return s })
	want := []string{"Ahlström", "andersson", "Érik", "Eriksson", "Zorn", "Åberg", "ärlig", "Öberg"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("got %v, want %v", names, want)
	}
}

func TestCount(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 dagar"}, {1, "1 dag"}, {2, "2 dagar"}, {21, "21 dagar"}, {1500, "1\u00a0500 dagar"}} {
		if got := sv.Count(c.n, "dag", "dagar"); got != c.want {
			t.Errorf("Count(%d): got %q, want %q", c.n, got, c.want)
		}
	}
	if got := sv.Count(1, "person", "personer"); got != "1 person" {
		t.Errorf("got %q", got)
	}
	if got := sv.Count(1, "åtgärd", "åtgärder") + ", " + sv.Count(3, "åtgärd", "åtgärder"); got != "1 åtgärd, 3 åtgärder" {
		t.Errorf("got %q", got)
	}
}

func TestTurns(t *testing.T) {
	t.Parallel()
	birth := time.Date(2007, 3, 1, 0, 0, 0, 0, time.UTC)
	stockholm, _ := time.LoadLocation("Europe/Stockholm")
	for _, c := range []struct {
		today time.Time
		want  string
	}{
		{time.Date(2027, 2, 28, 23, 30, 0, 0, time.UTC), "fyller 20 den 1 mars 2027"},
		{time.Date(2027, 3, 1, 0, 10, 0, 0, stockholm), "fyller 20 i dag"},
		{time.Date(2027, 3, 2, 8, 0, 0, 0, time.UTC), "fyllde 20 den 1 mars 2027"},
		{time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), "fyllde 20 den 1 mars 2027"},
	} {
		if got := sv.Turns(birth, 20, c.today); got != c.want {
			t.Errorf("on %s: got %q, want %q", c.today, got, c.want)
		}
	}
	if got := sv.Capital(sv.Turns(birth, 20, time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC))); got != "Fyllde 20 den 1 mars 2027" {
		t.Errorf("got %q", got)
	}
	if got := sv.Capital("ändrad"); got != "Ändrad" {
		t.Errorf("got %q", got)
	}
}

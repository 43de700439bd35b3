package sv_test

import (
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/sv"
)

func TestFormats(t *testing.T) {
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
	names := []string{"Öberg", "ärlig", "Zorn", "Åberg", "andersson", "Ahlström", "Eriksson", "Érik"}
	sv.SortBy(names, func(s string) string { return s })
	want := []string{"Ahlström", "andersson", "Érik", "Eriksson", "Zorn", "Åberg", "ärlig", "Öberg"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("got %v, want %v", names, want)
	}
}

func TestPlural(t *testing.T) {
	for got, want := range map[string]string{
		sv.Plural(1, "dag", "dagar"):    "1 dag",
		sv.Plural(3, "dag", "dagar"):    "3 dagar",
		sv.Plural(0, "dag", "dagar"):    "0 dagar",
		sv.Plural(1500, "dag", "dagar"): "1\u00a0500 dagar",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

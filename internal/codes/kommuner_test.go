package codes

import (
	"regexp"
	"testing"
)

// TestMunicipalities holds the list to SCB's kommunkoder: 290 municipalities,
// unique four-digit codes and names, and a few known ones (the first and the
// last code, the capital, and the seed tenants).
func TestMunicipalities(t *testing.T) {
	t.Parallel()
	if n := len(Municipalities); n != 290 {
		t.Errorf("%d municipalities, want 290", n)
	}
	four := regexp.MustCompile(`^[0-9]{4}$`)
	codes, names := map[string]bool{}, map[string]bool{}
	for _, m := range Municipalities {
		if !four.MatchString(m.Code) || m.Name == "" || codes[m.Code] || names[m.Name] {
			t.Errorf("bad or repeated entry %+v", m)
		}
		codes[m.Code], names[m.Name] = true, true
	}
	for code, name := range map[string]string{
		"0114": "Upplands Väsby", "0180": "Stockholm", "1273": "Osby", "2584": "Kiruna",
		"1290": "Kristianstad", "1256": "Östra Göinge", "0484": "Eskilstuna", "1983": "Köping",
		"1491": "Ulricehamn", "1382": "Falkenberg", "2023": "Malung-Sälen", "0980": "Gotland",
	} {
		if got := MunicipalityName(code); got != name {
			t.Errorf("MunicipalityName(%s) = %q, want %q", code, got, name)
		}
	}
	if MunicipalityName("0000") != "" || MunicipalityName("1274") != "" {
		t.Error("a code that is no municipality has a name")
	}
}

package codes

import (
	_ "embed"
	"strings"
)

// Municipality is one of Sweden's municipalities: its official four-digit
// code (kommunkod, SCB) and its name.
type Municipality struct {
	Code string
	Name string
}

//go:embed kommuner.tsv
var kommunerTSV string

// Municipalities is the official list of Sweden's 290 municipalities in code
// order, read from kommuner.tsv (the one home of the list). An avregistrering
// as "Flyttat till annan kommun" keeps the new home municipality's code.
var Municipalities = func() []Municipality {
	var out []Municipality
	for _, line := range strings.Split(kommunerTSV, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		code, name, ok := strings.Cut(line, "\t")
		if !ok {
			panic("codes: kommuner.tsv: a line without a tab: " + line)
		}
		out = append(out, Municipality{Code: code, Name: name})
	}
	return out
}()

// MunicipalityName is the name of the municipality with code, or "" when
// there is none.
func MunicipalityName(code string) string {
	for _, m := range Municipalities {
		if m.Code == code {
			return m.Name
		}
	}
	return ""
}

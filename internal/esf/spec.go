// Package esf builds a municipality's monthly participant file for an
// ESF project, which SCB collects for Svenska ESF-rådet: one row per
// participant in the project during the month, the checks run before the
// download, and the archive of every file made. It also holds the table of
// the ESF+ common indicators saying, one by one, whether the project
// reports the value or SCB derives it from registers
// (docs/design/esf-reporting.md).
package esf

// Column is one column of the monthly participant file: our field, the
// heading in the file, and the source that says SCB asks for the value
// (Source empty: the column is our assumption).
type Column struct {
	Field  string
	Name   string
	Source string
}

// SpecTable is the layout of the monthly file: the one place that holds
// the file's column names and codes. Where no source is named, the name or
// code is this product's assumption; compare with SCB's Excel template
// ("Excelmall för redovisning av projektdeltagare", given to the project
// after login at SCB) before the first file is sent, correct it here and
// name the source.
type SpecTable struct {
	Version   string
	Title     string
	Sheet     string
	InfoSheet string
	Columns   []Column
	Genders   map[string]string // codes.Gender key → value in the file
	// GenderSource names where the three values come from.
	GenderSource string
}

// Sources quoted in the spec table and in the indicator table.
const (
	SourceSCB        = "SCB, Lämna uppgifter: Europeiska socialfonden (scb.se/lamna-uppgifter/undersokningar/Europeiska-socialfonden)"
	SourceESFTime    = "Svenska ESF-rådet, Redovisning av deltagare (esf.se): deltagarens tid i projektet ska redovisas och intygas"
	SourceESFPlus    = "Förordning (EU) 2021/1057 (ESF+), bilaga I"
	SourceRegisters  = "En projektägares beskrivning av SCB-rapporteringen (solomikro.se/registrering/scb-rapportering): SCB hämtar uppgifter från Arbetsförmedlingen och Försäkringskassan"
	SourceAssumption = ""
)

// Spec is the layout in use.
var Spec = SpecTable{
	Version:   "2026-12",
	Title:     "Deltagare i ESF-projekt, månadsfil till SCB",
	Sheet:     "Deltagare",
	InfoSheet: "Om filen",
	Columns: []Column{
		{"case_number", "Diarienummer", SourceAssumption},
		{"subproject", "Delprojekt", SourceAssumption},
		{"municipality", "Kommunkod", SourceAssumption},
		{"personnummer", "Personnummer", SourceSCB},
		{"gender", "Kön", SourceESFPlus},
		{"start", "Startdatum", SourceSCB},
		{"end", "Slutdatum", SourceSCB},
		{"hours", "Timmar i projektet under månaden", SourceESFTime},
	},
	Genders:      map[string]string{"woman": "Kvinna", "man": "Man", "non_binary": "Icke-binär"},
	GenderSource: SourceESFPlus,
}

// Head is the file's header row.
func (s SpecTable) Head() []string {
	out := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		out[i] = c.Name
	}
	return out
}

package ss12000

import (
	"slices"
	"strings"

	"github.com/kaa-plattform/kaa/internal/kaalist"
)

// Header is the list's header row, in the words the KAA import recognises
// (kaalist.Guess), so the preview maps the columns by itself.
var Header = []string{"Personnummer", "Förnamn", "Efternamn", "Skola", "Program", "Orsak", "Avbrottsdatum"}

// Format names a list that came from a school system rather than a file.
const Format = "ss12000"

// Table is the candidates as a KAA list, sorted by personnummer so that the
// same school data gives the same list.
func Table(cs []Candidate) *kaalist.Table {
	cs = slices.Clone(cs)
	slices.SortFunc(cs, func(a, b Candidate) int { return strings.Compare(a.Personnummer, b.Personnummer) })
	t := &kaalist.Table{Header: slices.Clone(Header), Format: Format, Rows: [][]string{}}
	for i, c := range cs {
		ended := ""
		if !c.EndedOn.IsZero() {
			ended = c.EndedOn.Format("2006-01-02")
		}
		t.Rows = append(t.Rows, []string{c.Personnummer, c.GivenName, c.FamilyName, c.School, c.Programme, string(c.Reason), ended})
		t.Lines = append(t.Lines, i+2)
	}
	return t
}

package participant

import (
	"slices"
	"testing"
)

func TestPrefixLexemes(t *testing.T) {
	for in, want := range map[string]string{
		`'sök' & 'jobb'`:     `'sök':* & 'jobb':*`,
		`'sökt' <-> 'jobb'`:  `'sökt':* <-> 'jobb':*`,
		`'lag' | !'o''neil'`: `'lag':* | !'o''neil':*`,
	} {
		if got := prefixLexemes(in); got != want {
			t.Errorf("prefixLexemes(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitMarks(t *testing.T) {
	for in, want := range map[string][]SnippetPart{
		"Hon " + markStart + "sökte" + markStop + " jobb":       {{Text: "Hon "}, {Text: "sökte", Marked: true}, {Text: " jobb"}},
		markStart + "a" + markStop + markStart + "b" + markStop: {{Text: "a", Marked: true}, {Text: "b", Marked: true}},
		"ingen träff":             {{Text: "ingen träff"}},
		"slut " + markStart + "x": {{Text: "slut "}, {Text: "x", Marked: true}},
		"":                        nil,
	} {
		if got := splitMarks(in); !slices.Equal(got, want) {
			t.Errorf("splitMarks(%q) = %+v, want %+v", in, got, want)
		}
	}
}

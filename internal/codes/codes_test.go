package codes

import (
	"slices"
	"testing"
)

// TestListsAreOneDefinition: the lists that name the same things in other
// words (a gender as a group of people, a follow-up in a table's row) have
// exactly the keys of the list they rename, in its order, so that a gender
// or follow-up added in one place and not the other fails here; and every
// list has unique keys with a Swedish label.
func TestListsAreOneDefinition(t *testing.T) {
	for _, pair := range []struct{ of, in List }{{Gender, GenderPlural}, {Followup, FollowupShort}} {
		if !slices.Equal(pair.of.Keys(), pair.in.Keys()) {
			t.Errorf("%s has %q, %s has %q", pair.in.Name, pair.in.Keys(), pair.of.Name, pair.of.Keys())
		}
	}
	names := map[string]bool{}
	for _, l := range All {
		if names[l.Name] {
			t.Errorf("two lists are called %q", l.Name)
		}
		names[l.Name] = true
		seen := map[string]bool{}
		for _, c := range l.Codes {
			if seen[c.Key] {
				t.Errorf("%s: key %q twice", l.Name, c.Key)
			}
			seen[c.Key] = true
			if c.Label == "" || (c.Key != "" && c.Label == c.Key) {
				t.Errorf("%s: key %q has no Swedish label", l.Name, c.Key)
			}
		}
	}
}

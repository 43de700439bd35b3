package dashboard

import (
	"maps"
	"slices"
	"testing"
)

// TestNamedCellSuppression: suppression is a function of the data, by name.
// Two municipalities (ids 10 and 20) and the project's total; the genders
// sum to the participants. Kristianstad's 3 women are hidden as "<5", and
// then enough complementary cells that neither a row's total nor a
// municipality's participants gives them away: Osby's women (the smaller
// of the row's other cells) and both municipalities' men. The same table
// with its rows in another order hides the same named cells, so nothing
// depends on where a row stands.
func TestNamedCellSuppression(t *testing.T) {
	counts := map[string]map[int]int{
		"participants": {10: 12, 20: 15},
		"gender_woman": {10: 3, 20: 8},
		"gender_man":   {10: 9, 20: 7},
		"identified":   {10: 6, 20: 2},
	}
	count := func(row string, member int) int { return counts[row][member] }
	sum := []string{"participants", "gender_woman", "gender_man"}
	want := map[CellName]bool{
		{"gender_woman", 10}: true, {"gender_woman", 20}: true, {"gender_man", 10}: true, {"gender_man", 20}: true,
		// identified sums to nothing but its row: Osby's 2 and, so that the
		// total 8 does not give it away, Kristianstad's 6.
		{"identified", 20}: true, {"identified", 10}: true,
	}
	for _, rows := range [][]string{
		{"participants", "identified", "gender_woman", "gender_man"},
		{"gender_man", "gender_woman", "identified", "participants"},
		{"identified", "gender_woman", "participants", "gender_man"},
	} {
		tb := NewTable(rows, []int{10, 20}, count, sum)
		if got := tb.HiddenCells(); !maps.Equal(got, want) {
			t.Errorf("rows %v: hidden %v, want %v", rows, got, want)
		}
		if tb.Count("participants", Total) != 27 || tb.Count("gender_woman", Total) != 11 {
			t.Errorf("rows %v: the total column is not the members' sum", rows)
		}
		if tb.Text("gender_woman", 10) != "<5" || tb.Text("gender_man", 10) != "dold" || tb.Text("participants", 10) != "12" {
			t.Errorf("rows %v: shown %q, %q, %q", rows, tb.Text("gender_woman", 10), tb.Text("gender_man", 10), tb.Text("participants", 10))
		}
		if !slices.Equal(tb.Cols, []int{10, 20, Total}) {
			t.Errorf("columns %v", tb.Cols)
		}
	}
	t.Run("NoSmallNoHiding", func(t *testing.T) {
		tb := NewTable([]string{"participants", "gender_woman", "gender_man"}, []int{10, 20},
			func(row string, member int) int {
				return map[string]int{"participants": 20, "gender_woman": 10, "gender_man": 10}[row]
			}, sum)
		if len(tb.HiddenCells()) != 0 {
			t.Errorf("hidden %v", tb.HiddenCells())
		}
	})
	t.Run("ASumNamingAnUnknownRowIsAnError", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("a sum of a row the table does not have was accepted")
			}
		}()
		NewTable([]string{"participants"}, []int{10}, count, []string{"participants", "gender_woman"})
	})
}

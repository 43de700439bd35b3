package dashboard

import (
	"reflect"
	"testing"
)

func TestSuppressed(t *testing.T) {
	t.Parallel()
	// One row of three municipalities and the total (column 3); the group is the whole row.
	row := func(cells ...int) ([][]int, [][][2]int) {
		g := make([][2]int, len(cells))
		for i := range cells {
			g[i] = [2]int{0, i}
		}
		return [][]int{cells}, [][][2]int{g}
	}
	for name, tc := range map[string]struct {
		cells []int
		want  []bool
	}{
		"NothingSmall":               {[]int{5, 6, 7, 18}, []bool{false, false, false, false}},
		"ExactlyFiveIsShown":         {[]int{5, 0, 0, 5}, []bool{false, false, false, false}},
		"OneSmallHidesAnother":       {[]int{3, 10, 12, 25}, []bool{true, true, false, false}},
		"ZerosCannotHideSoTotalGoes": {[]int{4, 0, 0, 4}, []bool{true, false, false, true}},
		"OneSmallBesideZeros":        {[]int{4, 0, 20, 24}, []bool{true, false, true, false}},
		"TwoSmallAreEnough":          {[]int{1, 2, 30, 33}, []bool{true, true, false, false}},
		"NobodyAtAll":                {[]int{0, 0, 0, 0}, []bool{false, false, false, false}},
	} {
		t.Run(name, func(t *testing.T) {
			counts, groups := row(tc.cells...)
			if got := Suppressed(counts, groups)[0]; !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Suppressed(%v) = %v, want %v", tc.cells, got, tc.want)
			}
		})
	}
	t.Run("RowsAndColumns", func(t *testing.T) {
		// Two genders (rows) × two municipalities and a total (columns); rows and
		// columns both sum to shown totals. Hiding one cell must ripple until no
		// row or column has a single hidden cell.
		counts := [][]int{{3, 9, 12}, {8, 7, 15}, {11, 16, 27}}
		var groups [][][2]int
		for r := 0; r < 3; r++ {
			groups = append(groups, [][2]int{{r, 0}, {r, 1}, {r, 2}})
		}
		for c := 0; c < 3; c++ {
			groups = append(groups, [][2]int{{0, c}, {1, c}, {2, c}})
		}
		hide := Suppressed(counts, groups)
		for _, g := range groups {
			n := 0
			for _, cell := range g {
				if hide[cell[0]][cell[1]] {
					n++
				}
			}
			if n == 1 {
				t.Errorf("group %v has exactly one hidden cell: %v", g, hide)
			}
		}
		if !hide[0][0] {
			t.Error("the 3 is shown")
		}
	})
}

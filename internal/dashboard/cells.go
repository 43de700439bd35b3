package dashboard

// Total is the column of the whole project: in every row, the sum of the
// members' columns.
const Total = 0

// CellName names one count of a table: its row (an indicator) and its column (a
// member organisation's id, or Total).
type CellName struct {
	Row string
	Col int
}

// Table is a table of counts named by row and column, suppressed as a
// whole: the ui reads counts and what is hidden by name and only renders.
type Table struct {
	Rows   []string // in the order the groups are walked
	Cols   []int    // the members, then Total
	counts map[CellName]int
	hidden map[CellName]bool
}

// NewTable counts rows for members through count, adds the Total column
// (the members' sum, row by row) and hides what must not be shown: every
// count from 1 to MinCell-1, and more cells until no group that sums to a
// shown total has exactly one hidden cell. The groups are every row across
// the columns and, in every column, each of sums: a row that is the sum of
// the rows named after it (such as the participants and their genders).
func NewTable(rows []string, members []int, count func(row string, member int) int, sums ...[]string) Table {
	t := Table{Rows: rows, Cols: append(append([]int{}, members...), Total), counts: map[CellName]int{}, hidden: map[CellName]bool{}}
	for _, r := range rows {
		for _, m := range members {
			n := count(r, m)
			t.counts[CellName{r, m}] = n
			t.counts[CellName{r, Total}] += n
		}
	}
	// The engine works on positions; the positions are made here, from the
	// names, and never leave this function.
	at := map[string]int{}
	matrix := make([][]int, len(rows))
	var groups [][][2]int
	for i, r := range rows {
		at[r] = i
		matrix[i] = make([]int, len(t.Cols))
		g := make([][2]int, len(t.Cols))
		for c, col := range t.Cols {
			matrix[i][c] = t.counts[CellName{r, col}]
			g[c] = [2]int{i, c}
		}
		groups = append(groups, g)
	}
	for _, sum := range sums {
		for c := range t.Cols {
			var g [][2]int
			for _, r := range sum {
				i, ok := at[r]
				if !ok {
					panic("dashboard: a sum names the row " + r + ", which the table does not have")
				}
				g = append(g, [2]int{i, c})
			}
			groups = append(groups, g)
		}
	}
	hide := Suppressed(matrix, groups)
	for i, r := range rows {
		for c, col := range t.Cols {
			if hide[i][c] {
				t.hidden[CellName{r, col}] = true
			}
		}
	}
	return t
}

// Count is the count of row in column col (a member's id or Total).
func (t Table) Count(row string, col int) int { return t.counts[CellName{row, col}] }

// Hidden reports whether the count of row in col must not be shown.
func (t Table) Hidden(row string, col int) bool { return t.hidden[CellName{row, col}] }

// HiddenCells is every cell that must not be shown.
func (t Table) HiddenCells() map[CellName]bool { return t.hidden }

// Text is the count of row in col as shown: the number, "<5" or "dold".
func (t Table) Text(row string, col int) string { return Show(t.Count(row, col), t.Hidden(row, col)) }

// Table is rows of u for its members, suppressed with sums (see NewTable).
func (u Umbrella) Table(rows []string, sums ...[]string) Table {
	return NewTable(rows, u.Orgs, func(row string, member int) int { return u.Count(member, row) }, sums...)
}

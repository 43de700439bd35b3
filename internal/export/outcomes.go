package export

import (
	"context"
	"fmt"
	"slices"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/dashboard"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/table"
)

// outcomeKey is a row of an outcome table: a municipality or sub-project
// and a gender.
type outcomeKey struct{ group, parent, gender string }

// noFollowUp is the column of people whose follow-up is not recorded (yet).
const noFollowUp = "Ingen uppföljning registrerad"

// OutcomeTables are the outcomes at exit and six months after, by
// municipality and gender and by sub-project and gender, counted over the
// people of the row-level file (so the two never disagree and no one left
// out of the file can be worked out by subtracting it from a table). A
// count of 1–4 is "<5", and where a row or a municipality's column would
// let one be worked out from its total, one more cell is hidden ("dold"),
// as on the project's dashboards (dashboard.Suppressed).
func (x *Prepared) OutcomeTables(ctx context.Context, label Labeller) ([]table.Table, error) {
	rows, err := x.tx.Query(ctx, `SELECT rn, outcome_exit, outcome_six_months FROM export_rows ORDER BY rn`)
	if err != nil {
		return nil, fmt.Errorf("export: outcomes: %w", err)
	}
	cats := participant.FollowUpOccupations
	// counts[by][when][key][category]; the category len(cats) is no follow-up.
	var counts [2][2]map[outcomeKey][]int
	for by := range 2 {
		for when := range 2 {
			counts[by][when] = map[outcomeKey][]int{}
		}
	}
	var rn int
	var exit, six *string
	for rows.Next() {
		if err := rows.Scan(&rn, &exit, &six); err != nil {
			return nil, fmt.Errorf("export: outcomes: %w", err)
		}
		i := rn - 1
		if i < 0 || i >= len(x.mask) || x.mask[i] == dropped {
			continue
		}
		r := x.d.rows[i]
		pl, gender := x.d.places[r[Place]], x.d.genders[r[Gender]]
		for by, group := range []string{pl.municipality, pl.municipality + " – " + pl.sub} {
			parent := map[int]string{1: pl.municipality}[by]
			for when, outcome := range []*string{exit, six} {
				c := len(cats)
				if outcome != nil {
					if j := slices.Index(cats, *outcome); j >= 0 {
						c = j
					}
				}
				k := outcomeKey{group, parent, gender}
				if counts[by][when][k] == nil {
					counts[by][when][k] = make([]int, len(cats)+1)
				}
				counts[by][when][k][c]++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("export: outcomes: %w", err)
	}
	head := func(by string) []string {
		h := []string{by, "Kön"}
		for _, c := range cats {
			h = append(h, label("occupation", c))
		}
		return append(h, noFollowUp, "Totalt")
	}
	out := make([]table.Table, 4)
	for when, whenName := range []string{"vid avslut", "sex månader efter avslut"} {
		var t [2]table.Table
		for by, byName := range []string{"kommun", "delprojekt"} {
			t[by] = table.Table{Title: "Utfall " + whenName + " per " + byName + " och kön",
				Head: head(map[int]string{0: "Kommun", 1: "Delprojekt"}[by]),
				Notes: []string{"Räknat över personerna i radfilen (data), med kommun, delprojekt och kön som de är registrerade.",
					"Kategorierna är uppföljningens; " + noFollowUp + ": uppföljningen är inte gjord eller inskrivningen pågår."}}
		}
		out[when], out[2+when] = outcomePair(t, [2]map[outcomeKey][]int{counts[0][when], counts[1][when]}, label)
	}
	return out, nil
}

// block is the rows of one municipality or sub-project: one per gender
// and one for every gender ("Alla").
type block struct {
	name, parent string
	rows         map[string]int // gender ("" for Alla): row of the matrix
}

// outcomePair fills the municipality table t[0] and the sub-project table
// t[1] with a row per group and gender and one for the group's every
// gender, small cells hidden. The two are suppressed as one: a hidden
// count of a sub-project cannot be worked out from its municipality's row
// and the municipality's other sub-projects either.
func outcomePair(t [2]table.Table, counts [2]map[outcomeKey][]int, label Labeller) (table.Table, table.Table) {
	var names [][2]string // group, gender label
	var matrix [][]int
	var which []int // the table of each row
	var sumGroups [][][2]int
	var blocks [2][]block
	width := 0
	for by := range 2 {
		byGroup := map[string]map[string][]int{}
		parents := map[string]string{}
		for k, v := range counts[by] {
			if byGroup[k.group] == nil {
				byGroup[k.group] = map[string][]int{}
			}
			byGroup[k.group][k.gender], parents[k.group], width = v, k.parent, len(v)
		}
		groups := make([]string, 0, len(byGroup))
		for g := range byGroup {
			groups = append(groups, g)
		}
		slices.Sort(groups)
		for _, g := range groups {
			b := block{name: g, parent: parents[g], rows: map[string]int{}}
			all := make([]int, width)
			first := len(matrix)
			for _, gender := range codes.Gender.Keys() {
				v, ok := byGroup[g][gender]
				if !ok {
					continue
				}
				for i, n := range v {
					all[i] += n
				}
				b.rows[gender] = len(matrix)
				names, matrix, which = append(names, [2]string{g, label("gender", gender)}), append(matrix, append(slices.Clone(v), sum(v))), append(which, by)
			}
			b.rows[""] = len(matrix)
			names, matrix, which = append(names, [2]string{g, "Alla"}), append(matrix, append(all, sum(all))), append(which, by)
			last := len(matrix) - 1
			// Each row sums to its total; each column of the group sums to its "Alla" row.
			for r := first; r <= last; r++ {
				var cells [][2]int
				for c := range width + 1 {
					cells = append(cells, [2]int{r, c})
				}
				sumGroups = append(sumGroups, cells)
			}
			for c := range width + 1 {
				var cells [][2]int
				for r := first; r <= last; r++ {
					cells = append(cells, [2]int{r, c})
				}
				sumGroups = append(sumGroups, cells)
			}
			blocks[by] = append(blocks[by], b)
		}
	}
	// A municipality's row of a gender is the sum of its sub-projects' rows
	// of that gender, column by column.
	for _, m := range blocks[0] {
		for gender, mr := range m.rows {
			for c := range width + 1 {
				cells := [][2]int{{mr, c}}
				for _, sb := range blocks[1] {
					if r, ok := sb.rows[gender]; ok && sb.parent == m.name {
						cells = append(cells, [2]int{r, c})
					}
				}
				sumGroups = append(sumGroups, cells)
			}
		}
	}
	hide := dashboard.Suppressed(matrix, sumGroups)
	for r, row := range matrix {
		cells := table.Texts(names[r][0], names[r][1])
		for c, n := range row {
			if hide[r][c] {
				cells = append(cells, table.Hidden(dashboard.Show(n, true)))
			} else {
				cells = append(cells, table.N(n))
			}
		}
		t[which[r]].Rows = append(t[which[r]].Rows, cells)
	}
	return t[0], t[1]
}

func sum(v []int) int {
	s := 0
	for _, n := range v {
		s += n
	}
	return s
}

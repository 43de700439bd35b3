package export

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/table"
)

// person is one row of a test dataset.
type person struct {
	org         int
	gender      string
	age         int
	entry, exit string // 2018-03; exit "" while it goes on
}

var testPlaces = map[int]place{
	1273: {1273, "Osby kommun", "Within Osby", "12"},
	1290: {1290, "Kristianstads kommun", "Within Kristianstad", "12"},
	484:  {484, "Eskilstuna kommun", "KlarFramtid Eskilstuna", "04"},
}

func dataOf(t *testing.T, people []person) *dataset {
	t.Helper()
	d := &dataset{}
	for _, p := range people {
		entry, err := time.Parse("2006-01", p.entry)
		if err != nil {
			t.Fatal(err)
		}
		var exit *time.Time
		if p.exit != "" {
			e, err := time.Parse("2006-01", p.exit)
			if err != nil {
				t.Fatal(err)
			}
			exit = &e
		}
		if err := d.add(testPlaces[p.org], p.gender, p.age, entry, exit); err != nil {
			t.Fatal(err)
		}
	}
	d.build()
	return d
}

func repeat(n int, p person) []person {
	out := make([]person, n)
	for i := range out {
		out[i] = p
	}
	return out
}

// kAnonymous is the check of the output, written apart from the search:
// the rows' quasi-identifiers as the file writes them (a suppressed cell is
// the text "dold"), grouped; every group must hold k.
func kAnonymous(t *testing.T, d *dataset, res Result, k int) {
	t.Helper()
	x := &Prepared{d: d, mask: res.Mask, Report: Report{Node: res.Node}}
	groups := map[[6]string]int{}
	for i := range d.rows {
		if res.Mask[i] == dropped {
			continue
		}
		a, b, c, e, f, g := x.quasi(i)
		groups[[6]string{a, b, c, e, f, g}]++
	}
	for key, n := range groups {
		if n < k {
			t.Errorf("%d rows share %v, fewer than k = %d", n, key, k)
		}
	}
}

func search(t *testing.T, d *dataset, k int, keep string) Result {
	t.Helper()
	p := d.problem(k, keep)
	res, err := p.search(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Ten women of Osby aged 17, who started in January, February and March
// (3, 3 and 4): no month holds five, the quarter holds all ten. The least
// loss is quarters for the start and nothing else touched.
func TestSearchPicksLeastLossNode(t *testing.T) {
	var people []person
	for i, m := range []string{"2018-01", "2018-01", "2018-01", "2018-02", "2018-02", "2018-02", "2018-03", "2018-03", "2018-03", "2018-03"} {
		_ = i
		people = append(people, person{org: 1273, gender: "woman", age: 17, entry: m})
	}
	d := dataOf(t, people)
	res := search(t, d, 5, KeepGender)
	if want := (Node{Entry: 1}); res.Node != want || res.Dropped != 0 || res.SuppressedRows != 0 {
		t.Errorf("node %v, dropped %d, suppressed %d; want %v and nothing suppressed", res.Node, res.Dropped, res.SuppressedRows, want)
	}
	// Loss: the start's cells only, each quarter over three months: (3−1)/(3−1) = 1 of 5 weighted columns (gender weighs 3).
	if want := 1.0 / 7; math.Abs(res.Loss-want) > 1e-9 {
		t.Errorf("loss %.4f, want %.4f", res.Loss, want)
	}
	kAnonymous(t, d, res, 5)
}

// The search's answer is the least loss over every node that holds the
// cap, found by trying each one: branch and bound and predictive tagging
// skip only nodes that cannot win.
func TestSearchEqualsExhaustive(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 22))
	orgs := []int{1273, 1290, 484}
	genders := []string{"woman", "man", "woman", "man", "non_binary"}
	for round := range 6 {
		var people []person
		n := 40 + rng.IntN(160)
		for range n {
			p := person{org: orgs[rng.IntN(3)], gender: genders[rng.IntN(len(genders))], age: 16 + rng.IntN(9),
				entry: time.Date(2016+rng.IntN(3), time.Month(1+rng.IntN(12)), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")}
			if rng.IntN(3) > 0 {
				p.exit = time.Date(2019+rng.IntN(2), time.Month(1+rng.IntN(12)), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
			}
			people = append(people, p)
		}
		d := dataOf(t, people)
		for _, keep := range []string{KeepGender, KeepMunicipality, KeepAge, KeepNothing} {
			p := d.problem(5, keep)
			got, err := p.search(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			e := newEvaluator(p)
			best, any := math.Inf(1), math.Inf(1)
			var walk func(dim int, n Node)
			walk = func(dim int, n Node) {
				if dim == int(NumDims) {
					r := e.evaluate(n)
					if r.CapHeld {
						best = min(best, r.Loss)
					}
					any = min(any, r.Loss)
					return
				}
				for l := 0; l <= p.maxLevel[dim]; l++ {
					n[dim] = l
					walk(dim+1, n)
				}
			}
			walk(0, Node{})
			want := best
			if math.IsInf(best, 1) {
				want = any
			}
			if math.Abs(got.Loss-want) > 1e-12 || !got.Complete {
				t.Errorf("round %d, %s: search loss %.6f (complete %v), exhaustive %.6f", round, keep, got.Loss, got.Complete, want)
			}
			if got.Evaluated > got.LatticeSize {
				t.Errorf("evaluated %d of %d", got.Evaluated, got.LatticeSize)
			}
			kAnonymous(t, d, got, 5)
		}
	}
}

// One person of an unusual age among 95 of two common ones: hiding that
// one age cell (and the same cell of four people from a large group, so
// that the hidden ones are five) loses less than generalising everyone's
// age or leaving the person out; nobody is left out.
func TestLocalSuppressionBeforeDroppingRows(t *testing.T) {
	people := append(repeat(50, person{org: 1273, gender: "woman", age: 18, entry: "2018-01"}),
		repeat(45, person{org: 1273, gender: "woman", age: 19, entry: "2018-01"})...)
	people = append(people, person{org: 1273, gender: "woman", age: 24, entry: "2018-01"})
	d := dataOf(t, people)
	res := search(t, d, 5, KeepGender)
	if res.Dropped != 0 || res.Node != (Node{}) {
		t.Errorf("node %v, %d rows dropped; want nothing generalised and nobody left out", res.Node, res.Dropped)
	}
	if res.SuppressedCells[Age] != 5 || res.SuppressedRows != 5 || res.Mask[95] != 1<<Age {
		t.Errorf("suppressed cells %v in %d rows, the lone row's mask %b", res.SuppressedCells, res.SuppressedRows, res.Mask[95])
	}
	if !res.CapHeld {
		t.Error("the cap was not held")
	}
	kAnonymous(t, d, res, 5)
}

// The evaluator's priority changes the answer: Osby and Kristianstad, three
// women and three men each. Keeping gender means the two municipalities
// become one; keeping the municipality means gender goes.
func TestPriorityChangesTheResult(t *testing.T) {
	var people []person
	for _, org := range []int{1273, 1290} {
		people = append(people, repeat(3, person{org: org, gender: "woman", age: 20, entry: "2018-01"})...)
		people = append(people, repeat(3, person{org: org, gender: "man", age: 20, entry: "2018-01"})...)
	}
	d := dataOf(t, people)
	g := search(t, d, 5, KeepGender)
	if g.Node[Gender] != 0 || g.Node[Place] < 2 || g.SuppressedCells[Gender] != 0 || g.Dropped != 0 {
		t.Errorf("keep gender: node %v, suppressed %v, dropped %d", g.Node, g.SuppressedCells, g.Dropped)
	}
	m := search(t, d, 5, KeepMunicipality)
	if m.Node[Place] > 1 || m.Node[Gender] != 1 || m.SuppressedCells[Place] != 0 || m.Dropped != 0 {
		t.Errorf("keep municipality: node %v, suppressed %v, dropped %d", m.Node, m.SuppressedCells, m.Dropped)
	}
	kAnonymous(t, d, g, 5)
	kAnonymous(t, d, m, 5)
}

// A search with no budget left after the first node still answers, with
// the fully generalised node, and says it was cut short; a cancelled
// context stops it.
func TestSearchIsBounded(t *testing.T) {
	var people []person
	for i := range 60 {
		people = append(people, person{org: []int{1273, 1290}[i%2], gender: []string{"woman", "man"}[i%3%2], age: 16 + i%7, entry: "2018-0" + string(rune('1'+i%9))})
	}
	d := dataOf(t, people)
	p := d.problem(5, KeepGender)
	p.budget = len(people)
	res, err := p.search(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Evaluated != 1 || res.Complete || res.Node != Node(p.maxLevel) {
		t.Errorf("evaluated %d, complete %v, node %v", res.Evaluated, res.Complete, res.Node)
	}
	kAnonymous(t, d, res, 5)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.problem(5, KeepGender).search(ctx); err == nil {
		t.Error("a cancelled search answered")
	}
}

// randomPeople is n people of a large project: 60 members, ages 15–29,
// five years of starts, two thirds ended.
func randomPeople(n int, seed uint64) []person {
	rng := rand.New(rand.NewPCG(seed, 7))
	genders := []string{"woman", "man", "woman", "man", "non_binary", "not_stated"}
	var people []person
	for range n {
		org := 1000 + rng.IntN(60)
		if _, ok := testPlaces[org]; !ok {
			testPlaces[org] = place{org, "Kommun " + strconv.Itoa(org), "Delprojekt " + strconv.Itoa(org), strconv.Itoa(10 + org%12)}
		}
		p := person{org: org, gender: genders[rng.IntN(len(genders))], age: 15 + rng.IntN(15),
			entry: time.Date(2016+rng.IntN(5), time.Month(1+rng.IntN(12)), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")}
		if rng.IntN(3) > 0 {
			p.exit = time.Date(2017+rng.IntN(5), time.Month(1+rng.IntN(12)), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
		}
		people = append(people, p)
	}
	return people
}

// TestSearchTime logs the search on large random projects (go test -v) for
// docs/benchmarks.md, and checks it stays within its bound.
func TestSearchTime(t *testing.T) {
	for _, n := range []int{1000, 20000, 100000} {
		d := dataOf(t, randomPeople(n, uint64(n)))
		start := time.Now()
		res := search(t, d, 5, KeepGender)
		took := time.Since(start)
		t.Logf("%d people: node %v, loss %.1f %%, %d with hidden cells, %d left out, %d of %d nodes, complete %v, %v",
			n, res.Node, 100*res.Loss, res.SuppressedRows, res.Dropped, res.Evaluated, res.LatticeSize, res.Complete, took)
		kAnonymous(t, d, res, 5)
		if res.Evaluated*n > searchBudget+n {
			t.Errorf("%d nodes of %d rows: over the budget", res.Evaluated, n)
		}
	}
}

// A municipality with two sub-projects: three women of A at work and six of
// B. A's 3 is hidden; B's 6 must be too (or Osby's 9), or 9 − 6 would give
// it away across the two tables.
func TestOutcomeTablesHideAcrossTables(t *testing.T) {
	cats := 3
	row := func(work int) []int { v := make([]int, cats); v[0] = work; return v }
	muni := map[outcomeKey][]int{{"Osby kommun", "", "woman"}: row(9)}
	sub := map[outcomeKey][]int{{"Osby kommun – A", "Osby kommun", "woman"}: row(3), {"Osby kommun – B", "Osby kommun", "woman"}: row(6)}
	label := func(group, code string) string { return code }
	m, s := outcomePair([2]table.Table{{}, {}}, [2]map[outcomeKey][]int{muni, sub}, label)
	hidden := func(t table.Table, group, gender string) bool {
		for _, r := range t.Rows {
			if r[0].S == group && r[1].S == gender {
				return r[2].Kind == table.Suppressed
			}
		}
		return false
	}
	if !hidden(s, "Osby kommun – A", "woman") {
		t.Fatal("A's 3 is shown")
	}
	if !hidden(s, "Osby kommun – B", "woman") && !hidden(m, "Osby kommun", "woman") {
		t.Errorf("A's 3 can be worked out: Osby %v, B %v", m.Rows, s.Rows)
	}
}

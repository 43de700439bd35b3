package export

import (
	"context"
	"fmt"
	"math/bits"
	"slices"
	"time"
)

// Dim is a quasi-identifier: a column an outsider may know about a person
// (where, gender, age, when), which the export generalises or suppresses.
type Dim int

// The quasi-identifiers, each with its generalisation hierarchy.
const (
	Place  Dim = iota // delprojekt → kommun → län → hela projektet
	Gender            // kön → alla
	Age               // år → 2-årsgrupp → 5-årsgrupp → alla åldrar
	Entry             // månad → kvartal → år → hela perioden
	Exit              // as Entry; "pågår" while the enrolment has not ended
	NumDims
)

// DimNames name the quasi-identifiers in the report.
var DimNames = [NumDims]string{"plats (kommun, delprojekt)", "kön", "ålder", "startperiod", "slutperiod"}

// LevelNames name the levels of each hierarchy, finest first.
var LevelNames = [NumDims][]string{
	{"delprojekt", "kommun", "län", "hela projektet"},
	{"kön", "alla kön"},
	{"ålder i år", "2-årsgrupp", "5-årsgrupp", "alla åldrar"},
	{"månad", "kvartal", "år", "hela perioden"},
	{"månad", "kvartal", "år", "hela perioden"},
}

// Bits of a class key per dimension; the all-ones value of a field is the
// suppressed cell.
var fieldBits = [NumDims]uint{14, 4, 8, 12, 12}

const dropped = 1 << 7 // in a row's mask: the row is left out

// hierarchy is a quasi-identifier's generalisation over the values seen in
// the data (its leaves, numbered 0..n-1).
type hierarchy struct {
	gen  [][]uint16  // gen[level][leaf]: the generalised value's number
	loss [][]float64 // loss[level][leaf]: (leaves under the value − 1)/(leaves − 1)
	vals []int       // values per level
}

// newHierarchy builds a hierarchy from each leaf's generalised value at
// every level, as comparable keys (level 0 is the leaf itself).
func newHierarchy(levels [][]string) hierarchy {
	n := len(levels[0])
	h := hierarchy{}
	for _, keys := range levels {
		num := map[string]uint16{}
		gen := make([]uint16, n)
		under := map[uint16]int{}
		for leaf, key := range keys {
			v, ok := num[key]
			if !ok {
				v = uint16(len(num))
				num[key] = v
			}
			gen[leaf] = v
			under[v]++
		}
		loss := make([]float64, n)
		for leaf := range loss {
			if n > 1 {
				loss[leaf] = float64(under[gen[leaf]]-1) / float64(n-1)
			}
		}
		h.gen, h.loss, h.vals = append(h.gen, gen), append(h.loss, loss), append(h.vals, len(num))
	}
	return h
}

// Node is a point of the generalisation lattice: a level per dimension.
type Node [NumDims]int

func (n Node) height() int {
	s := 0
	for _, l := range n {
		s += l
	}
	return s
}

// problem is what the search is given: the rows as leaf numbers, the
// hierarchies and the evaluator's priorities.
type problem struct {
	rows     [][NumDims]uint16
	h        [NumDims]hierarchy
	k        int
	weight   [NumDims]float64
	maxLevel [NumDims]int  // the highest level the search may use
	fixed    [NumDims]bool // never suppressed: the evaluator keeps it
	cap      int           // rows that may carry a suppressed cell or be left out
	budget   int           // row evaluations the search may spend
}

// Result is the search's choice and what it cost.
type Result struct {
	Node            Node
	Mask            []uint8 // per row: bit d set when its cell of Dim d is suppressed; dropped when left out
	Loss            float64 // information loss, 0..1 (share of the weighted cells' information)
	Dropped         int
	SuppressedRows  int // rows kept with at least one suppressed cell
	SuppressedCells [NumDims]int
	CapHeld         bool // no more rows touched than the cap allowed
	Evaluated       int  // nodes whose groups were counted
	LatticeSize     int
	Complete        bool // the search proved the node optimal (it was not cut short)
	Smallest        int  // the smallest group in the output; 0 when it is empty
	Took            time.Duration
}

func (p *problem) totalWeight() float64 {
	s := 0.0
	for _, w := range p.weight {
		s += w
	}
	return s
}

// genLoss is the loss of node with nothing suppressed: a lower bound of its
// loss with suppression, since a suppressed cell loses all of it.
func (p *problem) genLoss(node Node, sums *[NumDims][]float64) float64 {
	s := 0.0
	for d := range NumDims {
		s += p.weight[d] * sums[d][node[d]]
	}
	return s / (float64(len(p.rows)) * p.totalWeight())
}

// search finds the node of the lattice with the least information loss
// whose rows, after local suppression, hold at least k in every group and
// touch no more rows than the cap; when no node manages the cap, the node
// of least loss. Nodes are visited in the order of their loss without
// suppression, a lower bound of their loss, so the search stops as soon as
// no node left can beat the best found (branch and bound). It stops early,
// keeping the best so far, when ctx ends or the budget is spent; the fully
// generalised node is evaluated first, so there is always an answer.
func (p *problem) search(ctx context.Context) (Result, error) {
	start := time.Now()
	if len(p.rows) == 0 {
		return Result{Complete: true, CapHeld: true, LatticeSize: 1}, nil
	}
	for d := range NumDims {
		if p.h[d].vals[0] >= 1<<fieldBits[d]-1 {
			return Result{}, fmt.Errorf("export: %d distinct values of %s", p.h[d].vals[0], DimNames[d])
		}
	}
	var sums [NumDims][]float64
	for d := range NumDims {
		sums[d] = make([]float64, len(p.h[d].gen))
		for _, r := range p.rows {
			for l := range sums[d] {
				sums[d][l] += p.h[d].loss[l][r[d]]
			}
		}
	}
	var nodes []Node
	var walk func(d int, n Node)
	walk = func(d int, n Node) {
		if d == int(NumDims) {
			nodes = append(nodes, n)
			return
		}
		for l := 0; l <= p.maxLevel[d]; l++ {
			n[d] = l
			walk(d+1, n)
		}
	}
	walk(0, Node{})
	bound := make(map[Node]float64, len(nodes))
	for _, n := range nodes {
		bound[n] = p.genLoss(n, &sums)
	}
	slices.SortStableFunc(nodes, func(a, b Node) int {
		switch {
		case bound[a] < bound[b]:
			return -1
		case bound[a] > bound[b]:
			return 1
		}
		return a.height() - b.height()
	})
	top := Node(p.maxLevel)
	order := append([]Node{top}, slices.DeleteFunc(slices.Clone(nodes), func(n Node) bool { return n == top })...)

	e := newEvaluator(p)
	var best, bestAny *Result
	var missed []Node
	res := Result{LatticeSize: len(nodes), Complete: true}
	spent := 0
	for i, n := range order {
		if i > 0 {
			if best != nil && (bound[n] > best.Loss+eps || bound[n] > best.Loss-eps && n.height() >= best.Node.height()) {
				break // no node left can beat it, nor tie it lower in the lattice
			}
			if spent+len(p.rows) > p.budget || ctx.Err() != nil {
				res.Complete = false
				break
			}
		}
		// Once a node holds the cap, a node below one known to miss it
		// cannot (predictive tagging, as in ARX's Flash): skipped unseen.
		if best != nil && slices.ContainsFunc(missed, func(m Node) bool { return below(n, m) }) {
			continue
		}
		spent += len(p.rows)
		res.Evaluated++
		// Nor can one with more rows standing out than the cap.
		if best != nil && e.outliers(n) > p.cap {
			missed = append(missed, n)
			continue
		}
		r := e.evaluate(n)
		if r.CapHeld && better(r, best) {
			best = &r
		}
		if better(r, bestAny) {
			bestAny = &r
		}
	}
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("export: search: %w", err)
	}
	chosen := best
	if chosen == nil {
		chosen = bestAny
	}
	chosen.LatticeSize, chosen.Evaluated, chosen.Complete, chosen.Took = res.LatticeSize, res.Evaluated, res.Complete, time.Since(start)
	return *chosen, nil
}

// eps is the tolerance of comparing losses, which are sums of fractions.
const eps = 1e-12

// better reports whether r beats best: less loss, or as little and lower
// in the lattice (less generalised).
func better(r Result, best *Result) bool {
	switch {
	case best == nil || r.Loss < best.Loss-eps:
		return true
	case r.Loss > best.Loss+eps:
		return false
	}
	return r.Node.height() < best.Node.height()
}

// below reports whether a is at or below b in every dimension.
func below(a, b Node) bool {
	for d := range NumDims {
		if a[d] > b[d] {
			return false
		}
	}
	return true
}

// evaluator applies nodes to the rows, reusing its buffers.
type evaluator struct {
	p      *problem
	keys   []uint64
	mask   []uint8
	counts map[uint64]int32
}

func newEvaluator(p *problem) *evaluator {
	return &evaluator{p: p, keys: make([]uint64, len(p.rows)), counts: map[uint64]int32{}}
}

// key is row i's class at node with the cells in suppressed (a bit per
// Dim) replaced by the suppression marker.
func (e *evaluator) key(i int, node Node, suppressed uint8) uint64 {
	var k uint64
	r := e.p.rows[i]
	for d := range NumDims {
		v := uint64(e.p.h[d].gen[node[d]][r[d]])
		if suppressed&(1<<d) != 0 {
			v = 1<<fieldBits[d] - 1
		}
		k = k<<fieldBits[d] | v
	}
	return k
}

// outliers counts the rows in groups smaller than k at node, with nothing
// suppressed. Each of them must be suppressed or left out, so a node with
// more than the cap cannot hold it, nor can any node below it (a finer
// generalisation only splits groups).
func (e *evaluator) outliers(node Node) int {
	clear(e.counts)
	for i := range e.p.rows {
		e.keys[i] = e.key(i, node, 0)
		e.counts[e.keys[i]]++
	}
	n := 0
	for _, c := range e.counts {
		if int(c) < e.p.k {
			n += int(c)
		}
	}
	return n
}

// evaluate generalises the rows to node, then suppresses single cells of
// the rows in groups smaller than k (local suppression), and leaves out
// only the rows that no suppression can hide.
//
// A suppressed cell is a value of its own ("dold"): a row with a suppressed
// age forms groups only with other rows whose age is suppressed, so that the
// output is k-anonymous when its columns are read as they are, with no
// assumption about what a suppressed cell might hold. Patterns of
// suppressed cells are tried cheapest first: fewer cells, and among equals
// the columns with the most distinct values first (sdcMicro's default
// importance); each pattern takes the rows still standing out that form a
// group of at least k with it. Rows left after the last pattern (every
// suppressible cell) are filled up to k with rows from groups larger than k,
// which then suppress the same cells, before any row is left out.
func (e *evaluator) evaluate(node Node) Result {
	p := e.p
	n := len(p.rows)
	mask := make([]uint8, n)
	clear(e.counts)
	for i := range n {
		e.keys[i] = e.key(i, node, 0)
		e.counts[e.keys[i]]++
	}
	var out []int
	for i := range n {
		if int(e.counts[e.keys[i]]) < p.k {
			out = append(out, i)
		}
	}
	var free uint8
	for d := range NumDims {
		if !p.fixed[d] {
			free |= 1 << d
		}
	}
	if len(out) > 0 && free != 0 {
		var patterns []uint8
		for s := free; s != 0; s = (s - 1) & free {
			patterns = append(patterns, s)
		}
		distinct := func(s uint8) int {
			v := 0
			for d := range NumDims {
				if s&(1<<d) != 0 {
					v += p.h[d].vals[node[d]]
				}
			}
			return v
		}
		slices.SortStableFunc(patterns, func(a, b uint8) int {
			if c := bits.OnesCount8(a) - bits.OnesCount8(b); c != 0 {
				return c
			}
			return distinct(b) - distinct(a)
		})
		groups := map[uint64][]int{}
		for _, s := range patterns {
			clear(groups)
			for _, i := range out {
				k := e.key(i, node, s)
				groups[k] = append(groups[k], i)
			}
			rest := out[:0]
			for _, i := range out {
				if len(groups[e.key(i, node, s)]) >= p.k {
					mask[i] = s
				} else {
					rest = append(rest, i)
				}
			}
			out = rest
			if len(out) == 0 {
				break
			}
		}
		if len(out) > 0 {
			out = e.fillUp(node, patterns, mask, out)
		}
	}
	for _, i := range out {
		mask[i] = dropped
	}
	return e.score(node, mask)
}

// fillUp places the rows still standing out after every pattern: for each
// pattern, cheapest first, it fills the rows' groups up to k with rows of
// the same values outside the pattern taken from groups larger than k,
// which then suppress the same cells. It returns the rows it could not
// place.
func (e *evaluator) fillUp(node Node, patterns []uint8, mask []uint8, out []int) []int {
	p := e.p
	standing := make([]bool, len(p.rows))
	for _, i := range out {
		standing[i] = true
	}
	size := map[uint64]int{}
	for i := range p.rows {
		if !standing[i] {
			size[e.key(i, node, mask[i])]++
		}
	}
	donors := map[uint64][]int{}
	groups := map[uint64][]int{}
	for _, s := range patterns {
		clear(donors)
		clear(groups)
		for i := range p.rows {
			if !standing[i] && mask[i] != s {
				k := e.key(i, node, s)
				donors[k] = append(donors[k], i)
			}
		}
		for _, i := range out {
			k := e.key(i, node, s)
			groups[k] = append(groups[k], i)
		}
		keys := make([]uint64, 0, len(groups))
		for k := range groups {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			g := groups[k]
			need := p.k - len(g)
			var taken []int
			for _, i := range donors[k] {
				if need == 0 {
					break
				}
				if own := e.key(i, node, mask[i]); size[own] > p.k {
					size[own]--
					taken = append(taken, i)
					need--
				}
			}
			if need > 0 {
				for _, i := range taken { // give them back
					size[e.key(i, node, mask[i])]++
				}
				continue
			}
			for _, i := range append(g, taken...) {
				mask[i], standing[i] = s, false
			}
			size[k] += len(g) + len(taken)
			donors[k] = slices.DeleteFunc(donors[k], func(i int) bool { return slices.Contains(taken, i) })
		}
		out = slices.DeleteFunc(out, func(i int) bool { return !standing[i] })
		if len(out) == 0 {
			break
		}
	}
	return out
}

// score computes the loss and counts of node with mask applied.
func (e *evaluator) score(node Node, mask []uint8) Result {
	p := e.p
	r := Result{Node: node, Mask: mask}
	clear(e.counts)
	total := 0.0
	touched := 0
	for i, row := range p.rows {
		m := mask[i]
		if m == dropped {
			r.Dropped++
			touched++
			total += p.totalWeight()
			continue
		}
		if m != 0 {
			r.SuppressedRows++
			touched++
		}
		for d := range NumDims {
			if m&(1<<d) != 0 {
				r.SuppressedCells[d]++
				total += p.weight[d]
			} else {
				total += p.weight[d] * p.h[d].loss[node[d]][row[d]]
			}
		}
		e.counts[e.key(i, node, m)]++
	}
	r.Loss = total / (float64(len(p.rows)) * p.totalWeight())
	r.CapHeld = touched <= p.cap
	for _, c := range e.counts {
		if r.Smallest == 0 || int(c) < r.Smallest {
			r.Smallest = int(c)
		}
	}
	return r
}

package dashboard

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/sv"
)

// MinCell is the smallest count shown across a municipality's border; 1–4
// people show as "<5".
const MinCell = 5

// Umbrella holds a project's counts per member organisation.
type Umbrella struct {
	Orgs   []int                  // member organisations, in the order shown
	Counts map[int]map[string]int // org -> indicator -> count
	Months []time.Time            // the last 24 months, oldest first
	List   map[int][]int          // org -> KAA list size at the end of each of Months
}

// Count returns a count, 0 when there is none.
func (u Umbrella) Count(org int, indicator string) int { return u.Counts[org][indicator] }

// BuildUmbrella reads project's counts per member organisation for p through
// project_indicators, the only path across municipalities. It returns
// nothing unless userID leads or evaluates the project. It also reads the
// members' KAA list sizes over the 24 months up to today through
// project_kaa_list. The read is in the security log.
func BuildUmbrella(ctx context.Context, pool *pgxpool.Pool, userID, project int, orgs []int, p Period, today time.Time) (Umbrella, error) {
	u := Umbrella{Orgs: orgs, Counts: map[int]map[string]int{}, List: map[int][]int{}}
	for _, o := range orgs {
		u.Counts[o], u.List[o] = map[string]int{}, make([]int, 24)
	}
	first := time.Date(today.Year(), today.Month()-23, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 24; i++ {
		u.Months = append(u.Months, first.AddDate(0, i, 0))
	}
	err := db.InGlobal(ctx, pool, userID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT org_id, indicator, value FROM project_indicators($1, $2, $3)`, project, p.From, p.To)
		var org int
		var ind string
		var v int
		if _, err := pgx.ForEachRow(rows, []any{&org, &ind, &v}, func() error {
			if u.Counts[org] != nil {
				u.Counts[org][ind] = v
			}
			return nil
		}); err != nil {
			return fmt.Errorf("dashboard: umbrella: %w", err)
		}
		rows, _ = tx.Query(ctx, `SELECT org_id, month, value FROM project_kaa_list($1, $2)`, project, today)
		var month time.Time
		if _, err := pgx.ForEachRow(rows, []any{&org, &month, &v}, func() error {
			i := (month.Year()-first.Year())*12 + int(month.Month()-first.Month())
			if u.List[org] != nil && i >= 0 && i < 24 {
				u.List[org][i] = v
			}
			return nil
		}); err != nil {
			return fmt.Errorf("dashboard: umbrella list: %w", err)
		}
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: userID, Action: "umbrella.read", ProjectID: project,
			Detail: map[string]any{"from": p.From.Format("2006-01-02"), "to": p.To.Format("2006-01-02")}})
	})
	return u, err
}

// ProjectParticipants counts, per member, the people in the project's
// sub-projects from p.From to p.To, through project_participants: the
// cheap count the umbrella compares with the planned participants over the
// project's life. The read is in the security log.
func ProjectParticipants(ctx context.Context, pool *pgxpool.Pool, userID, project int, p Period) (map[int]int, error) {
	counts := map[int]int{}
	err := db.InGlobal(ctx, pool, userID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT org_id, value FROM project_participants($1, $2, $3)`, project, p.From, p.To)
		var org, n int
		if _, err := pgx.ForEachRow(rows, []any{&org, &n}, func() error {
			counts[org] = n
			return nil
		}); err != nil {
			return fmt.Errorf("dashboard: project participants: %w", err)
		}
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: userID, Action: "umbrella.read", ProjectID: project,
			Detail: map[string]any{"from": p.From.Format("2006-01-02"), "to": p.To.Format("2006-01-02"), "participants_only": true}})
	})
	return counts, err
}

// Suppressed marks which cells of a table of counts must not be shown:
// every count from 1 to MinCell-1, and, in every group of cells whose sum is
// shown, one more cell wherever exactly one is hidden, so that no hidden
// count can be worked out by subtraction. groups lists the cells (row,
// column) of each such group.
func Suppressed(counts [][]int, groups [][][2]int) [][]bool {
	hide := make([][]bool, len(counts))
	for r := range counts {
		hide[r] = make([]bool, len(counts[r]))
		for c, n := range counts[r] {
			hide[r][c] = n > 0 && n < MinCell
		}
	}
	for changed := true; changed; {
		changed = false
		for _, g := range groups {
			hidden, best := 0, [2]int{-1, -1}
			for _, cell := range g {
				if hide[cell[0]][cell[1]] {
					hidden++
					continue
				}
				// The smallest visible cell is the cheapest to hide; a zero hides nothing.
				n := counts[cell[0]][cell[1]]
				if n > 0 && (best[0] < 0 || n < counts[best[0]][best[1]]) {
					best = cell
				}
			}
			if hidden == 1 && best[0] >= 0 {
				hide[best[0]][best[1]] = true
				changed = true
			}
		}
	}
	return hide
}

// Show is the text of a count: "<5" for a small hidden cell, "dold" for one
// hidden so that a total does not reveal a small one.
func Show(n int, hidden bool) string {
	switch {
	case hidden && n < MinCell:
		return "<5"
	case hidden:
		return "dold"
	}
	return sv.Num(n)
}

// BuildESF reads the ESF+ common indicators of project per member through
// project_esf_indicators, keyed "<indicator>_<gender>" with the gender
// "all" for everyone. Like BuildUmbrella it answers only the project's
// leaders and evaluators, and the read is in the security log.
func BuildESF(ctx context.Context, pool *pgxpool.Pool, userID, project int, orgs []int, p Period) (Umbrella, error) {
	u := Umbrella{Orgs: orgs, Counts: map[int]map[string]int{}}
	for _, o := range orgs {
		u.Counts[o] = map[string]int{}
	}
	err := db.InGlobal(ctx, pool, userID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT org_id, indicator, gender, value FROM project_esf_indicators($1, $2, $3)`, project, p.From, p.To)
		var org int
		var ind, gender string
		var v int
		if _, err := pgx.ForEachRow(rows, []any{&org, &ind, &gender, &v}, func() error {
			if u.Counts[org] != nil {
				u.Counts[org][ind+"_"+gender] = v
			}
			return nil
		}); err != nil {
			return fmt.Errorf("dashboard: esf: %w", err)
		}
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: userID, Action: "esf.read", ProjectID: project,
			Detail: map[string]any{"from": p.From.Format("2006-01-02"), "to": p.To.Format("2006-01-02")}})
	})
	return u, err
}

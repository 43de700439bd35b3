package participant

import "time"

// PlanChangeKind is what kind of difference a PlanChange is.
type PlanChangeKind string

// The kinds of difference between two versions of a plan.
const (
	GoalAdded      PlanChangeKind = "goal_added"      // Goal is new
	GoalMoved      PlanChangeKind = "goal_status"     // Goal went from status From to To
	GoalRemoved    PlanChangeKind = "goal_removed"    // Goal is gone
	MeasureAdded   PlanChangeKind = "measure_added"   // an åtgärd of type Measure is new
	MeasureEnded   PlanChangeKind = "measure_ended"   // the åtgärd's end date became ToDate
	MeasureChanged PlanChangeKind = "measure_changed" // start, responsible or follow-up changed
	MeasureRemoved PlanChangeKind = "measure_removed" // the åtgärd is gone
	FollowUpMoved  PlanChangeKind = "follow_up"       // the plan's follow-up went from FromDate to ToDate
	AgreedChanged  PlanChangeKind = "agreed"          // the young person's agreement is now dated ToDate
)

// PlanChange is one difference between two versions of a plan.
type PlanChange struct {
	Kind     PlanChangeKind
	Goal     string // the goal's text, for the goal kinds
	Measure  string // the åtgärd's type, for the measure kinds
	From, To string // the goal's status before and after, for GoalMoved
	FromDate *time.Time
	ToDate   *time.Time
}

// PlanChanges are the differences from version prev to version cur of a
// plan: goals in cur's order and then the removed ones, then åtgärder the
// same way, then the plan's dates. A goal is the same goal when its text is;
// an åtgärd is the same åtgärd when its type and description are.
func PlanChanges(prev, cur Plan) []PlanChange {
	var out []PlanChange
	old := map[string]Goal{}
	for _, g := range prev.Goals {
		old[g.Text] = g
	}
	for _, g := range cur.Goals {
		o, ok := old[g.Text]
		switch {
		case !ok:
			out = append(out, PlanChange{Kind: GoalAdded, Goal: g.Text})
		case o.Status != g.Status:
			out = append(out, PlanChange{Kind: GoalMoved, Goal: g.Text, From: o.Status, To: g.Status})
		}
		delete(old, g.Text)
	}
	for _, g := range prev.Goals {
		if _, gone := old[g.Text]; gone {
			out = append(out, PlanChange{Kind: GoalRemoved, Goal: g.Text})
		}
	}
	type key struct{ typ, desc string }
	oldM := map[key]Measure{}
	for _, m := range prev.Measures {
		oldM[key{m.Type, m.Description}] = m
	}
	for _, m := range cur.Measures {
		k := key{m.Type, m.Description}
		o, ok := oldM[k]
		switch {
		case !ok:
			out = append(out, PlanChange{Kind: MeasureAdded, Measure: m.Type})
		case !sameDate(o.EndsOn, m.EndsOn):
			out = append(out, PlanChange{Kind: MeasureEnded, Measure: m.Type, FromDate: o.EndsOn, ToDate: m.EndsOn})
		case !sameDate(o.StartsOn, m.StartsOn) || o.Responsible != m.Responsible || o.ResponsibleUnit != m.ResponsibleUnit ||
			!sameDate(o.FollowUpOn, m.FollowUpOn):
			out = append(out, PlanChange{Kind: MeasureChanged, Measure: m.Type})
		}
		delete(oldM, k)
	}
	for _, m := range prev.Measures { // in plan order, not map order
		if _, gone := oldM[key{m.Type, m.Description}]; gone {
			out = append(out, PlanChange{Kind: MeasureRemoved, Measure: m.Type})
		}
	}
	if !sameDate(prev.FollowUpOn, cur.FollowUpOn) {
		out = append(out, PlanChange{Kind: FollowUpMoved, FromDate: prev.FollowUpOn, ToDate: cur.FollowUpOn})
	}
	if !sameDate(prev.AgreedOn, cur.AgreedOn) {
		out = append(out, PlanChange{Kind: AgreedChanged, FromDate: prev.AgreedOn, ToDate: cur.AgreedOn})
	}
	return out
}

// sameDate reports whether two optional dates are both absent or the same day.
func sameDate(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Format(time.DateOnly) == b.Format(time.DateOnly)
}

package participant_test

import (
	"context"
	"testing"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/pgtest"
)

// statusRule is the specification of a participant's status, written as the
// domain states it: the first line whose condition holds decides. The rule
// itself lives in the database alone (participant_status, migration 000030);
// this table is what it is held to.
var statusRule = []struct {
	when   string
	holds  func(participant.StatusFacts) bool
	status string
}{
	{"enrolled at least once and every enrolment ended", func(f participant.StatusFacts) bool { return f.Enrolments > 0 && f.Open == 0 }, participant.StatusEnded},
	{"has a plan", func(f participant.StatusFacts) bool { return f.Plan }, participant.StatusActivePlan},
	{"reached at least once", func(f participant.StatusFacts) bool { return f.Reached }, participant.StatusInContact},
	{"contact attempted", func(f participant.StatusFacts) bool { return f.Contacted }, participant.StatusContactAttempted},
	{"otherwise", func(participant.StatusFacts) bool { return true }, participant.StatusIdentified},
}

// TestStatusRuleOverEveryState: the database's status rule, which both the
// stored status and the page's history of status changes use, gives the
// specified status for every combination of the facts (no, one or several
// enrolments with none, some or all of them open; a plan or not; reached,
// attempted or not contacted). A second copy of the rule that disagreed, or
// a change to the function, fails here state by state.
func TestStatusRuleOverEveryState(t *testing.T) {
	t.Parallel()
	d := pgtest.New(t)
	ctx := context.Background()
	var facts []participant.StatusFacts
	for enrolments := 0; enrolments <= 2; enrolments++ {
		for open := 0; open <= enrolments; open++ {
			for _, plan := range []bool{false, true} {
				for _, reached := range []bool{false, true} {
					for _, contacted := range []bool{false, true} {
						if reached && !contacted {
							continue // reached is a contact
						}
						facts = append(facts, participant.StatusFacts{Enrolments: enrolments, Open: open, Plan: plan, Reached: reached, Contacted: contacted})
					}
				}
			}
		}
	}
	var got []string
	err := db.InTenant(ctx, d.App, 0, 0, func(tx db.Tx) (err error) {
		got, err = participant.StatusesAt(ctx, tx, facts)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(facts) {
		t.Fatalf("%d statuses for %d states", len(got), len(facts))
	}
	produced := map[string]bool{}
	for i, f := range facts {
		want := ""
		for _, r := range statusRule {
			if r.holds(f) {
				want = r.status
				break
			}
		}
		if got[i] != want {
			t.Errorf("%+v: the database says %q, the rule %q", f, got[i], want)
		}
		produced[got[i]] = true
		if codes.Status.Label(got[i]) == "" {
			t.Errorf("%+v: status %q has no Swedish label in internal/codes", f, got[i])
		}
	}
	if len(produced) != len(codes.Status.Codes) {
		t.Errorf("the states give %d statuses, internal/codes.Status has %d", len(produced), len(codes.Status.Codes))
	}
}

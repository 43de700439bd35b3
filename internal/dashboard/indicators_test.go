package dashboard

import (
	"testing"

	"github.com/kaa-plattform/kaa/internal/codes"
)

// TestSurveyTargets: every exit-survey question has exactly one target,
// with #KlarFramtid's goal, which the municipality dashboard compares with
// and the umbrella reads a project's own target under; no target names a
// question the survey does not ask.
func TestSurveyTargets(t *testing.T) {
	for _, q := range codes.SurveyQuestion.Keys() {
		n := 0
		for _, tg := range Targets {
			if tg.Question == q {
				n++
				if tg.Goal <= 0 || tg.Goal > 100 {
					t.Errorf("%s: goal %v", q, tg.Goal)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s has %d targets", q, n)
		}
	}
	for _, tg := range Targets {
		if tg.Question != "" && !codes.SurveyQuestion.Has(tg.Question) {
			t.Errorf("target %s is for %q, which is no survey question", tg.Key, tg.Question)
		}
	}
}

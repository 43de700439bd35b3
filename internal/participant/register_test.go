package participant_test

import (
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/participant"
)

// TestEnrolAgeProblem checks the ages at which the forms refuse an
// enrolment: KAA until the 20th birthday, projects from 15 to 24.
func TestEnrolAgeProblem(t *testing.T) {
	birth := time.Date(2006, 3, 1, 0, 0, 0, 0, time.UTC)
	on := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		kind    string
		start   time.Time
		refused bool
	}{
		{"kaa", on(2026, 2, 28), false}, // 19 the day before the 20th birthday
		{"kaa", on(2026, 3, 1), true},
		{"project", on(2021, 2, 28), true}, // 14
		{"project", on(2021, 3, 1), false},
		{"project", on(2031, 2, 28), false}, // 24
		{"project", on(2031, 3, 1), true},
	} {
		if got := participant.EnrolAgeProblem(tc.kind, birth, tc.start); (got != "") != tc.refused {
			t.Errorf("%s from %s: %q, want refused %v", tc.kind, tc.start.Format(time.DateOnly), got, tc.refused)
		}
	}
}

package views

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/kaa-plattform/kaa/internal/participant"
)

// Every code a page or download shows must have a Swedish name: a missing
// label falls back to the English code ("long_term_goal, woman").
func TestEveryLabelGroupAndCodeIsSwedish(t *testing.T) {
	var files []string
	for _, pattern := range []string{"*.templ", "*.go", "../*.go"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	used := regexp.MustCompile(`Label\("([a-z_]+)"`)
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			seen++
			if labels[m[1]] == nil {
				t.Errorf("%s uses the label group %q, which has no Swedish names", f, m[1])
			}
		}
	}
	if seen < 20 {
		t.Fatalf("found only %d uses of Label: the scan is broken", seen)
	}
	for group, codes := range map[string][]string{
		"occupation": participant.Occupations, "answer": participant.SurveyAnswers, "aim": participant.Directions,
		"referral": participant.ReferralTargets, "goal_status": participant.GoalStatuses, "measure_type": participant.MeasureTypes,
		"responsible": participant.Responsibles, "measure_end": participant.MeasureEndReasons,
		"channel": participant.Channels, "method": participant.Methods, "reason": participant.RegistrationReasons,
		"end_reason": participant.EndReasons, "labour_market": participant.LabourMarketStatuses, "education": participant.EducationLevels,
		"survey_question": {"long_term_goal", "clear_plan", "respect", "no_barrier"},
		"gender_plural":   {"woman", "man", "non_binary", "not_stated"}, "followup_short": {"exit", "six_months"},
	} {
		for _, c := range codes {
			if Label(group, c) == c {
				t.Errorf("%s %q has no Swedish name", group, c)
			}
		}
	}
}

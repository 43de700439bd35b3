package participant_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/participant"
)

// TestPlanChanges checks what the plan page lists under "Ändringar mot
// version n": each kind of change, in the page's order, and nothing for a
// version that changed nothing.
func TestPlanChanges(t *testing.T) {
	day := func(s string) *time.Time { d, _ := time.Parse(time.DateOnly, s); return &d }
	prev := participant.Plan{Version: 1, FollowUpOn: day("2027-01-15"),
		Goals: []participant.Goal{
			{Position: 1, Text: "Söka till komvux", Status: "not_started"},
			{Position: 2, Text: "Ta körkort", Status: "in_progress"},
			{Position: 3, Text: "Flytta hemifrån", Status: "not_started"},
		},
		Measures: []participant.Measure{
			{Position: 1, Type: "komvux", Description: "Matte", Responsible: "school", ResponsibleUnit: "Komvux Osby", StartsOn: day("2026-09-01")},
			{Position: 2, Type: "internship", Description: "Affär", Responsible: "employer", ResponsibleUnit: "ICA", StartsOn: day("2026-09-01")},
			{Position: 3, Type: "study_visit", Description: "", Responsible: "municipality", StartsOn: day("2026-09-01")},
			{Position: 4, Type: "guidance", Description: "", Responsible: "municipality", FollowUpOn: day("2026-10-01")},
		},
	}
	same := prev
	if got := participant.PlanChanges(prev, same); len(got) != 0 {
		t.Errorf("the same plan: %d changes, want none: %+v", len(got), got)
	}
	// The same dates read again from the database are other pointers.
	again := prev
	again.FollowUpOn = day("2027-01-15")
	if got := participant.PlanChanges(prev, again); len(got) != 0 {
		t.Errorf("the same follow-up date: %+v, want no change", got)
	}

	cur := participant.Plan{Version: 2, FollowUpOn: day("2027-02-01"), AgreedOn: day("2026-12-01"),
		Goals: []participant.Goal{
			{Position: 1, Text: "Praktik i vår", Status: "not_started"},
			{Position: 2, Text: "Söka till komvux", Status: "reached"},
			{Position: 3, Text: "Ta körkort", Status: "in_progress"},
		},
		Measures: []participant.Measure{
			{Position: 1, Type: "komvux", Description: "Matte", Responsible: "school", ResponsibleUnit: "Komvux Osby", StartsOn: day("2026-09-01"), EndsOn: day("2026-11-30")},
			{Position: 2, Type: "internship", Description: "Affär", Responsible: "employer", ResponsibleUnit: "Coop", StartsOn: day("2026-09-01")},
			{Position: 3, Type: "study_visit", Description: "", Responsible: "municipality", StartsOn: day("2026-09-01")},
			{Position: 4, Type: "work", Description: "Sommarjobb", Responsible: "employer", ResponsibleUnit: "Kommunen"},
		},
	}
	want := []participant.PlanChange{
		{Kind: participant.GoalAdded, Goal: "Praktik i vår"},
		{Kind: participant.GoalMoved, Goal: "Söka till komvux", From: "not_started", To: "reached"},
		{Kind: participant.GoalRemoved, Goal: "Flytta hemifrån"},
		{Kind: participant.MeasureEnded, Measure: "komvux", ToDate: day("2026-11-30")},
		{Kind: participant.MeasureChanged, Measure: "internship"},
		{Kind: participant.MeasureAdded, Measure: "work"},
		{Kind: participant.MeasureRemoved, Measure: "guidance"},
		{Kind: participant.FollowUpMoved, FromDate: day("2027-01-15"), ToDate: day("2027-02-01")},
		{Kind: participant.AgreedChanged, ToDate: day("2026-12-01")},
	}
	if got := participant.PlanChanges(prev, cur); !reflect.DeepEqual(got, want) {
		t.Errorf("changes from version 1 to 2:\n got %+v\nwant %+v", got, want)
	}
}

package views

import (
	"fmt"
	"time"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/sv"
)

// Swedish names of the codes stored in the register: every list of
// internal/codes under its name, and the queues, which are the product's own
// words rather than stored codes.
var labels = func() map[string]map[string]string {
	m := map[string]map[string]string{
		"queue": {
			"appointments":          "Bokade möten och planerade åtgärder",
			"never_contacted":       "Aldrig kontaktade",
			"no_recent_contact":     "Ingen kontakt på länge",
			"never_reached":         "Kontakt sökt men aldrig nådda",
			"turns_20":              "Fyller 20 inom 60 dagar",
			"identified_waiting":    "Identifierade för mer än 14 dagar sedan utan kontaktförsök",
			"followups_due":         "Uppföljningar att göra (inom en vecka eller försenade)",
			"plan_review_passed":    "Handlingsplaner vars uppföljningsdatum har passerat",
			"long_measures":         "Åtgärder utan slutdatum som började för mer än sex månader sedan",
			"measure_review_passed": "Åtgärder vars uppföljningsdatum har passerat",
			"moved_in_to_register":  "Inflyttade att registrera",
		},
	}
	for _, l := range codes.All {
		g := map[string]string{}
		for _, c := range l.Codes {
			g[c.Key] = c.Label
		}
		m[l.Name] = g
	}
	return m
}()

// endGroup is the label group of the reasons an enrolment of kind ends for.
func endGroup(kind string) string {
	if kind == "kaa" {
		return codes.Deregistration.Name
	}
	return codes.ProjectEnd.Name
}

// EndLabel is the Swedish reason an enrolment of kind ended for: an
// avregistrering from the KAA register, or the end of a project enrolment.
func EndLabel(kind, reason string) string {
	return Label(endGroup(kind), reason)
}

// Label is the Swedish name of a code in a group ("status", "channel", ...).
func Label(group, code string) string {
	if l, ok := labels[group][code]; ok {
		return l
	}
	return code
}

// Option is one choice of a select or radio group.
type Option struct {
	Value, Label string
}

// Options returns the choices for codes in a group.
func Options(group string, codes []string) []Option {
	out := make([]Option, len(codes))
	for i, c := range codes {
		out[i] = Option{c, Label(group, c)}
	}
	return out
}

// Date formats a date the Swedish way (2026-11-23).
func Date(t time.Time) string { return sv.Date(t) }

// DatePtr formats an optional date, "–" when absent.
func DatePtr(t *time.Time) string {
	if t == nil {
		return "–"
	}
	return Date(*t)
}

// DateTime formats a moment in Swedish time.
func DateTime(t time.Time) string { return participant.Local(t).Format("2006-01-02 15:04") }

func itoa(n int) string { return fmt.Sprint(n) }

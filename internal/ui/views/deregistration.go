package views

import (
	"fmt"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/sv"
)

// EndText is how an ended enrolment reads on the person's page:
// "Avregistrerad ur KAA-registret 2026-05-15: Flyttat till annan kommun
// (Kiruna)", or for a project "Avslutat deltagande i X 2026-05-15: ...".
func EndText(e participant.Enrolment) string {
	if e.EndsOn == nil || e.EndReason == nil {
		return ""
	}
	s := "Avregistrerad ur KAA-registret " + Date(*e.EndsOn) + ": "
	if e.Kind != "kaa" {
		s = "Avslutat deltagande i " + e.SubprojectName + " " + Date(*e.EndsOn) + ": "
	}
	return s + endReasonText(e.Kind, *e.EndReason, e.EndNote, e.MovedTo)
}

// endReasonText is a reason with its text or municipality.
func endReasonText(kind, reason string, note, movedTo *string) string {
	s := EndLabel(kind, reason)
	switch {
	case note != nil && *note != "":
		s += " (" + *note + ")"
	case movedTo != nil && *movedTo != "":
		if name := codes.MunicipalityName(*movedTo); name != "" {
			s += " (" + name + ")"
		}
	}
	return s
}

// CorrectionText is one correction as the history shows it: who, what it
// was, what it became, and why.
func CorrectionText(c participant.Correction) string {
	what := "Avregistreringen"
	if c.Kind != "kaa" {
		what = "Avslutet av deltagandet"
	}
	was := Date(c.OldOn) + ", " + endReasonText(c.Kind, c.OldReason, c.OldNote, c.OldMovedTo)
	var s string
	if c.Reopened() {
		s = fmt.Sprintf("%s (%s) hävdes", what, was)
	} else {
		s = fmt.Sprintf("%s rättades från %s till %s, %s", what, was, Date(*c.NewOn), endReasonText(c.Kind, *c.NewReason, c.NewNote, c.NewMovedTo))
	}
	s += " av " + orDash(c.AuthorName) + " " + DateTime(c.At) + ". Skäl: " + c.Why
	return s
}

// MunicipalityOptions are Sweden's municipalities by name, except own: a
// move within the municipality is no avregistrering.
func MunicipalityOptions(own string) []Option {
	out := make([]Option, 0, len(codes.Municipalities))
	for _, m := range codes.Municipalities {
		if m.Code != own {
			out = append(out, Option{m.Code, m.Name})
		}
	}
	sv.SortBy(out, func(o Option) string { return o.Label })
	return out
}

func correctionsOf(all []participant.Correction, eid int64) []participant.Correction {
	var out []participant.Correction
	for _, c := range all {
		if c.EnrolmentID == eid {
			out = append(out, c)
		}
	}
	return out
}

func correctionOptions(kind string) []Option {
	if kind == "kaa" {
		return []Option{{"change", "Ändra datum, orsak, text eller kommun"}, {"reopen", "Häv avregistreringen: personen är registrerad igen"}}
	}
	return []Option{{"change", "Ändra datum, orsak eller text"}, {"reopen", "Häv avslutet: personen deltar igen"}}
}

func correctValue(v ParticipantView, id int64, field, def string) string {
	if v.CorrectID == id {
		return v.Correct.Values[fmt.Sprintf("%s_%d", field, id)]
	}
	return def
}

func correctErrors(v ParticipantView, id int64) Errors {
	if v.CorrectID == id {
		return v.Correct.Errors
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

package ss12000

import (
	"fmt"
	"strings"
	"time"

	"github.com/kaa-plattform/kaa/internal/personnummer"
)

// This file is the one place of our reading of SS12000 data for the KAA
// target group (Skollagen 29 kap. 9 §). The spec (info.version 2.1.0) has
// no field saying that an upper secondary education was completed with a
// diploma, nor why an enrolment ended: what is assumed below is listed in
// docs/design/ss12000.md, "What the spec does not say".

// Reason is why a person is a candidate, as the KAA list's "Orsak"
// column words it (kaalist reads these words).
type Reason string

// The reasons a candidate is found.
const (
	DroppedOut   Reason = "Avbrott"     // left a national programme (GY, GYS)
	DroppedOutIM Reason = "Avbrott IM"  // left an introduction programme
	NeverStarted Reason = "Ej påbörjat" // left compulsory school, no upper secondary enrolment
)

// Skip is why a person was left out, counted for the page; no person's
// data is kept for it.
type Skip string

// The reasons a person is left out that the page reports.
const (
	SkipNotResident  Skip = "bor i en annan kommun enligt folkbokföringsadressen"
	SkipNoResidence  Skip = "saknar folkbokföringsadress i skolsystemet"
	SkipAge          Skip = "är 20 år eller äldre, eller saknar födelsedatum"
	SkipUnclear      Skip = "har en avslutad inskrivning som inte går att bedöma (årskurs saknas)"
	SkipNotCandidate Skip = "går i gymnasieskolan eller motsvarande, eller har inte lämnat grundskolan"
)

var (
	upperSecondary = map[string]bool{"GY": true, "GYS": true}
	compulsory     = map[string]bool{"GR": true, "GRS": true, "TR": true, "SP": true, "SAM": true}
	// equivalent is education that ends the KAA responsibility while it
	// goes on (gymnasial komvux, folkhögskola), besides GY and GYS.
	equivalent = map[string]bool{"GY": true, "GYS": true, "VUXGY": true, "VUXSARGY": true, "SARVUXGY": true, "FHS": true}
)

// Candidate is a person who may be in the KAA target group.
type Candidate struct {
	Personnummer string // civicNo.value as given (12 characters)
	GivenName    string
	FamilyName   string
	School       string // enroledAt.displayName of the enrolment that ended
	Programme    string // programme.displayName, else educationCode
	Reason       Reason
	EndedOn      time.Time // the enrolment's endDate: avbrottsdatum
}

// Judge says whether p is a candidate for the KAA list of the
// municipality kommunkod on today, or why not.
func Judge(p Person, kommunkod string, today time.Time) (Candidate, Skip, bool) {
	if p.PersonStatus != "" && p.PersonStatus != "Aktiv" {
		return Candidate{}, SkipNotCandidate, false
	}
	if s, ok := resident(p, kommunkod); !ok {
		return Candidate{}, s, false
	}
	birth, ok := birthDate(p, today)
	if !ok || !birth.AddDate(20, 0, 0).After(today) {
		return Candidate{}, SkipAge, false
	}
	var lastUpper, lastCompulsory *Enrolment
	for i := range p.Enrolments {
		e := &p.Enrolments[i]
		if e.Cancelled { // "avbrutits i förväg": never took place
			continue
		}
		start, end := date(e.StartDate), date(e.EndDate)
		if equivalent[e.SchoolType] && (end.IsZero() || !end.Before(today)) {
			return Candidate{}, SkipNotCandidate, false // goes on, or starts later
		}
		if end.IsZero() || !end.Before(today) || start.After(end) {
			continue
		}
		switch {
		case upperSecondary[e.SchoolType]:
			if lastUpper == nil || end.After(date(lastUpper.EndDate)) {
				lastUpper = e
			}
		case compulsory[e.SchoolType]:
			if lastCompulsory == nil || end.After(date(lastCompulsory.EndDate)) {
				lastCompulsory = e
			}
		}
	}
	c := Candidate{GivenName: p.GivenName, FamilyName: p.FamilyName}
	if p.CivicNo != nil {
		c.Personnummer = p.CivicNo.Value
	}
	switch {
	case lastUpper != nil:
		im := strings.HasPrefix(strings.ToUpper(lastUpper.EducationCode), "IM")
		if !im {
			if lastUpper.SchoolYear == nil && summerEnd(date(lastUpper.EndDate)) {
				return Candidate{}, SkipUnclear, false
			}
			if completed(*lastUpper) {
				return Candidate{}, SkipNotCandidate, false
			}
		}
		c.Reason = DroppedOut
		if im {
			c.Reason = DroppedOutIM
		}
		fill(&c, *lastUpper)
	case lastCompulsory != nil:
		if lastCompulsory.SchoolYear == nil {
			return Candidate{}, SkipUnclear, false
		}
		if *lastCompulsory.SchoolYear < 9 {
			return Candidate{}, SkipNotCandidate, false // moved away or changed school mid-way
		}
		c.Reason = NeverStarted
		fill(&c, *lastCompulsory)
	default:
		return Candidate{}, SkipNotCandidate, false
	}
	return c, "", true
}

// completed is our assumption for "fullföljd": a national programme's
// enrolment that ended in the summer (June–August) after its third year
// (schoolYear 3 or more; the spec's "årskurs"). The spec cannot say whether
// a diploma (examen) was given; those with only a studiebevis are not found
// here and still come with the school's list.
func completed(e Enrolment) bool {
	return e.SchoolYear != nil && *e.SchoolYear >= 3 && summerEnd(date(e.EndDate))
}

func summerEnd(d time.Time) bool { return d.Month() >= time.June && d.Month() <= time.August }

// resident: a "Folkbokföring" address whose municipalityCode is the
// municipality's kommunkod. Without one we cannot tell, and leave them out.
func resident(p Person, kommunkod string) (Skip, bool) {
	for _, a := range p.Addresses {
		if a.Type == "Folkbokföring" && a.MunicipalityCode != nil {
			if code := *a.MunicipalityCode; kommunkod == fmt.Sprintf("%04d", code) {
				return "", true
			}
			return SkipNotResident, false
		}
	}
	return SkipNoResidence, false
}

// birthDate from the personnummer, else from birthDate.
func birthDate(p Person, today time.Time) (time.Time, bool) {
	if p.CivicNo != nil {
		if n, err := personnummer.Parse(p.CivicNo.Value, today); err == nil {
			return n.Birth(), true
		}
	}
	d := date(p.BirthDate)
	return d, !d.IsZero()
}

func fill(c *Candidate, e Enrolment) {
	c.School = e.EnroledAt.DisplayName
	if e.Programme != nil && e.Programme.DisplayName != "" {
		c.Programme = e.Programme.DisplayName
	} else {
		c.Programme = e.EducationCode
	}
	c.EndedOn = date(e.EndDate)
}

// date reads an RFC 3339 full-date ("2016-10-15"); zero when empty or bad.
func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

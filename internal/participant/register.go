package participant

import (
	"context"
	"time"

	"github.com/kaa-plattform/kaa/internal/db"
)

// Registration is a young person entered by hand: the facts, the
// coordinators (the creator unless they were chosen) and the enrolment to
// start with, if any.
type Registration struct {
	Fields       Fields
	Chosen       bool  // the coordinators were chosen: Coordinators replace the creator
	Coordinators []int // when Chosen
	Enrolment    *Enrolment
}

// Register stores a new participant with its coordinators and first
// enrolment, in the transaction it is given. Returns the new id, or an
// *ExistsError when the personnummer is registered here already,
// ErrNotCoordinator for a coordinator who is none, db.ErrNotFound for an
// unknown sub-project.
func Register(ctx context.Context, tx db.Tx, reg Registration) (int64, error) {
	id, err := Create(ctx, tx, reg.Fields)
	if err != nil {
		return id, err
	}
	if reg.Chosen {
		if err := SetCoordinators(ctx, tx, id, reg.Coordinators); err != nil {
			return id, err
		}
	}
	if reg.Enrolment != nil {
		_, err = Enrol(ctx, tx, id, *reg.Enrolment)
	}
	return id, err
}

// Edit changes participant id's facts and replaces its coordinators, in
// the transaction it is given. Returns what Update and SetCoordinators
// return: an *ExistsError for another person's personnummer,
// ErrNotCoordinator for a coordinator who is none.
func Edit(ctx context.Context, tx db.Tx, id int64, f Fields, coordinators []int) error {
	if err := Update(ctx, tx, id, f); err != nil {
		return err
	}
	return SetCoordinators(ctx, tx, id, coordinators)
}

// Age is the age on a day of someone born on birth.
func Age(birth, on time.Time) int {
	a := on.Year() - birth.Year()
	if on.Month() < birth.Month() || (on.Month() == birth.Month() && on.Day() < birth.Day()) {
		a--
	}
	return a
}

// EnrolAgeProblem says why someone born on birth cannot be enrolled (kind
// "kaa" or "project") from startsOn, "" when they can: KAA ends at 20,
// projects take 15–24.
func EnrolAgeProblem(kind string, birth, startsOn time.Time) string {
	a := Age(birth, startsOn)
	switch {
	case kind == "kaa" && a >= 20:
		return "Personen hade fyllt 20 på startdatumet och omfattas inte av aktivitetsansvaret. Registrera deltagande i ett projekt i stället."
	case kind == "project" && (a < 15 || a > 24):
		return "Projekt tar emot deltagare från 15 till 24 år."
	}
	return ""
}

// Package letter writes the letters a coordinator prints from the person
// page: the Swedish templates, their merge fields, the rule that a letter to
// a guardian is only for a young person under 18, and the printing, which
// logs the letter as a contact. See docs/design/letters.md.
package letter

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
)

// The letters (codes.Letter).
const (
	First    = "first"
	Reminder = "reminder"
	Meeting  = "meeting"
	Guardian = "guardian"
)

// GuardianAge is the age from which a young person gets no letter to a
// guardian: at 18 they are of age, and the letter goes to them alone.
const GuardianAge = 18

// ErrGuardianAdult means a letter to a guardian was asked for a young person
// who is 18 or older.
var ErrGuardianAdult = errors.New("letter: no letter to a guardian from 18")

// ErrUnknown means the letter asked for is not one of codes.Letter.
var ErrUnknown = errors.New("letter: unknown letter")

// Request is what the coordinator chose and filled in.
type Request struct {
	Kind string
	// The meeting of an invitation (Meeting); unused by the other letters.
	MeetingDate  time.Time
	MeetingTime  string // "14:30"
	MeetingPlace string
}

// Person is what a letter needs to know about the young person.
type Person struct {
	FirstName, LastName      string
	Street, PostalCode, City string
	BirthDate                time.Time
}

// Letter is a letter ready to print.
type Letter struct {
	Kind         string
	Title        string // the letter's name, as the contact's note
	Party        string // codes.Party: who the letter is to
	Municipality string // the letterhead
	Address      []string
	NoAddress    bool // the register has no postal address for the person
	Date         string
	Greeting     string
	Paragraphs   []string
	Sign         []string // the closing lines: greeting, name, municipality
	Sender       participant.ContactPerson
}

// Offered returns the letters offered for a person born on birth: the letter
// to a guardian only while they are under 18 on today.
func Offered(birth, today time.Time) []string {
	var out []string
	for _, k := range codes.Letter.Keys() {
		if k == Guardian && participant.Age(birth, today) >= GuardianAge {
			continue
		}
		out = append(out, k)
	}
	return out
}

// Allowed returns ErrUnknown or ErrGuardianAdult when letter kind cannot be
// written to a person born on birth on today.
func Allowed(kind string, birth, today time.Time) error {
	if !codes.Letter.Has(kind) {
		return fmt.Errorf("%q: %w", kind, ErrUnknown)
	}
	if kind == Guardian && participant.Age(birth, today) >= GuardianAge {
		return ErrGuardianAdult
	}
	return nil
}

// PartyOf is who letter kind is to.
func PartyOf(kind string) string {
	if kind == Guardian {
		return participant.PartyGuardian
	}
	return participant.PartyYoungPerson
}

// Compose merges the template of r.Kind with the person, the sender and the
// municipality (its name as the letterhead), dated today.
func Compose(r Request, p Person, sender participant.ContactPerson, municipality string, today time.Time) Letter {
	f := fields(r, p, sender, municipality, today)
	t := templates[r.Kind]
	l := Letter{Kind: r.Kind, Title: codes.Letter.Label(r.Kind), Party: PartyOf(r.Kind), Municipality: municipality,
		Date: f["datum"], Greeting: merge(t.greeting, f), Sender: sender}
	name := strings.TrimSpace(p.FirstName + " " + p.LastName)
	if r.Kind == Guardian {
		l.Address = append(l.Address, "Till vårdnadshavare för", name)
	} else {
		l.Address = append(l.Address, name)
	}
	if p.Street != "" {
		l.Address = append(l.Address, p.Street)
	}
	if pc := strings.TrimSpace(p.PostalCode + " " + p.City); pc != "" {
		l.Address = append(l.Address, pc)
	}
	l.NoAddress = p.Street == "" || p.City == ""
	for _, para := range t.paragraphs {
		l.Paragraphs = append(l.Paragraphs, merge(para, f))
	}
	l.Sign = []string{"Vänliga hälsningar", sender.Name, municipality}
	return l
}

// Print writes letter r to participant id of tx's municipality: it checks
// the letter is allowed, composes it with the person's first contact person
// as the sender, and logs it as an outgoing letter contact with one audit
// event (participant.LogLetter), all in tx. Returns db.ErrNotFound for an
// unknown participant, ErrUnknown or ErrGuardianAdult.
func Print(ctx context.Context, tx db.Tx, id int64, r Request, municipality string, now time.Time) (Letter, error) {
	var p Person
	// Read here, not with participant.Get: the letter's one audit event,
	// letter.print, says the person was read for the letter.
	err := tx.QueryRow(ctx, `
		SELECT first_name, last_name, street, postal_code, city, birth_date FROM participants
		WHERE tenant_id = $1 AND id = $2 AND erased_on IS NULL`, tx.TenantID, id).
		Scan(&p.FirstName, &p.LastName, &p.Street, &p.PostalCode, &p.City, &p.BirthDate)
	if errors.Is(err, pgx.ErrNoRows) {
		return Letter{}, fmt.Errorf("participant %d: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return Letter{}, fmt.Errorf("letter: read person: %w", err)
	}
	today := participant.Today()
	if err := Allowed(r.Kind, p.BirthDate, today); err != nil {
		return Letter{}, err
	}
	senders, err := participant.ContactPersons(ctx, tx, id)
	if err != nil {
		return Letter{}, err
	}
	l := Compose(r, p, first(senders), municipality, today)
	if _, err := participant.LogLetter(ctx, tx, id, r.Kind, l.Party, now); err != nil {
		return Letter{}, err
	}
	return l, nil
}

// first is who signs a letter: the first of people (the signed-in user
// first when they are one of them).
func first(people []participant.ContactPerson) participant.ContactPerson {
	if len(people) == 0 {
		return participant.ContactPerson{}
	}
	return people[0]
}

// Sender returns who signs a letter of participant id: the first of their contact persons.
func Sender(ctx context.Context, tx db.Tx, id int64) (participant.ContactPerson, error) {
	people, err := participant.ContactPersons(ctx, tx, id)
	return first(people), err
}

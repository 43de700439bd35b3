// Package participant stores the KAA register of one municipality: the young
// people, their enrolments and the contact log. Every function takes the
// tenant-scoped transaction and writes the audit log for what it reads and
// writes.
package participant

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/db"
)

// Statuses a participant moves through, derived from what was logged by
// the database's participant_status (the rule's one home); the keys and
// labels are codes.Status.
const (
	StatusIdentified       = "identified"
	StatusContactAttempted = "contact_attempted"
	StatusInContact        = "in_contact"
	StatusActivePlan       = "active_plan"
	StatusEnded            = "ended"
)

// Statuses lists them in order.
var Statuses = codes.Status.Keys()

// Fields are what a coordinator types about a person.
type Fields struct {
	Personnummer   string // normalised 12 digits
	BirthDate      time.Time
	FirstName      string
	LastName       string
	Mobile         string
	Email          string
	Street         string
	PostalCode     string
	City           string
	Gender         string
	CompulsoryDone *bool
	UpperSecondary string
	Programme      string
	LeftSchoolOn   *time.Time
	Source         string
	IdentifiedOn   time.Time
	NoSMS          bool // the person does not want SMS ("vill inte ha sms")
}

// Participant is one young person in the register.
type Participant struct {
	ID int64
	Fields
	School        string // the school last attended, as an imported list names it
	Status        string
	LastContactAt *time.Time
	Coordinators  []int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// statusSQL and lastContactSQL read the summary the database keeps on each
// participant (migrations 000002 and 000030): the status is computed there
// by participant_status, and Go only reads it.
const (
	statusSQL      = `p.status`
	lastContactSQL = `p.last_contact_at`
)

const columns = `p.id, p.personnummer, p.birth_date, p.first_name, p.last_name, p.mobile, p.email, p.street,
	p.postal_code, p.city, p.gender, p.compulsory_done, p.upper_secondary, p.programme, p.left_school_on, p.school,
	p.source, p.identified_on, p.no_sms, p.created_at, p.updated_at, ` + statusSQL + `, ` + lastContactSQL + `,
	ARRAY(SELECT pc.user_id FROM participant_coordinators pc WHERE pc.tenant_id = p.tenant_id AND pc.participant_id = p.id ORDER BY pc.user_id)`

func scan(row pgx.CollectableRow) (Participant, error) { return scanWith(row) }

// scanWith scans columns, then extra destinations for columns that follow them.
func scanWith(row pgx.CollectableRow, extra ...any) (Participant, error) {
	var p Participant
	dest := append([]any{&p.ID, &p.Personnummer, &p.BirthDate, &p.FirstName, &p.LastName, &p.Mobile, &p.Email, &p.Street,
		&p.PostalCode, &p.City, &p.Gender, &p.CompulsoryDone, &p.UpperSecondary, &p.Programme, &p.LeftSchoolOn, &p.School,
		&p.Source, &p.IdentifiedOn, &p.NoSMS, &p.CreatedAt, &p.UpdatedAt, &p.Status, &p.LastContactAt, &p.Coordinators}, extra...)
	err := row.Scan(dest...)
	return p, err
}

// ExistsError reports that the personnummer is already registered here, and where.
type ExistsError struct{ ID int64 }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("participant: already registered as %d", e.ID)
}

// Unwrap makes an ExistsError a db.ErrConflict.
func (e *ExistsError) Unwrap() error { return db.ErrConflict }

// Create registers a person, with the creating user as coordinator. Returns an
// *ExistsError (a db.ErrConflict) naming the existing record when the
// personnummer is already registered in this municipality.
func Create(ctx context.Context, tx db.Tx, f Fields) (int64, error) {
	var existing int64
	err := tx.QueryRow(ctx, `SELECT id FROM participants WHERE tenant_id = $1 AND personnummer = $2`, tx.TenantID, f.Personnummer).Scan(&existing)
	if err == nil {
		return existing, &ExistsError{ID: existing}
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("participant: create: %w", err)
	}
	var id int64
	err = tx.QueryRow(ctx, `
		INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, mobile, email, street,
		    postal_code, city, gender, compulsory_done, upper_secondary, programme, left_school_on, source, identified_on, created_by, no_sms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, NULLIF($18, 0), $19)
		RETURNING id`,
		tx.TenantID, f.Personnummer, f.BirthDate, f.FirstName, f.LastName, f.Mobile, f.Email, f.Street,
		f.PostalCode, f.City, f.Gender, f.CompulsoryDone, f.UpperSecondary, f.Programme, f.LeftSchoolOn, f.Source, f.IdentifiedOn, tx.UserID, f.NoSMS).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("participant: create: %w", err)
	}
	if tx.UserID != 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO participant_coordinators (tenant_id, participant_id, user_id) VALUES ($1, $2, $3)`, tx.TenantID, id, tx.UserID); err != nil {
			return 0, fmt.Errorf("participant: create: %w", err)
		}
	}
	return id, audit.Record(ctx, tx, audit.Event{Action: "participant.create", RecordType: "participant", RecordID: strconv.FormatInt(id, 10)})
}

// Update replaces what a coordinator types about participant id; the gender
// only for someone with a project enrolment (ESF+ asks for it, the KAA
// register may not hold it: docs/privacy.md), else "not_stated". Returns
// db.ErrNotFound if there is no such participant here, and an *ExistsError if
// the new personnummer belongs to someone else here.
func Update(ctx context.Context, tx db.Tx, id int64, f Fields) error {
	var other int64
	err := tx.QueryRow(ctx, `SELECT id FROM participants WHERE tenant_id = $1 AND personnummer = $2 AND id <> $3`, tx.TenantID, f.Personnummer, id).Scan(&other)
	if err == nil {
		return &ExistsError{ID: other}
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("participant: update: %w", err)
	}
	tag, err := tx.Exec(ctx, `
		UPDATE participants SET personnummer = $3, birth_date = $4, first_name = $5, last_name = $6, mobile = $7, email = $8,
		    street = $9, postal_code = $10, city = $11,
		    gender = CASE WHEN EXISTS (SELECT 1 FROM enrolments e WHERE e.tenant_id = $1 AND e.participant_id = $2 AND e.kind = 'project')
		                  THEN $12 ELSE 'not_stated' END,
		    compulsory_done = $13, upper_secondary = $14,
		    programme = $15, left_school_on = $16, source = $17, identified_on = $18, no_sms = $19, updated_at = now()
		WHERE tenant_id = $1 AND id = $2`,
		tx.TenantID, id, f.Personnummer, f.BirthDate, f.FirstName, f.LastName, f.Mobile, f.Email, f.Street,
		f.PostalCode, f.City, f.Gender, f.CompulsoryDone, f.UpperSecondary, f.Programme, f.LeftSchoolOn, f.Source, f.IdentifiedOn, f.NoSMS)
	if err != nil {
		return fmt.Errorf("participant: update: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("participant: update %d: %w", id, db.ErrNotFound)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "participant.update", RecordType: "participant", RecordID: strconv.FormatInt(id, 10)})
}

// Get returns participant id and records the read. Returns db.ErrNotFound if
// there is no such participant in this municipality.
func Get(ctx context.Context, tx db.Tx, id int64) (Participant, error) {
	rows, _ := tx.Query(ctx, `SELECT `+columns+` FROM participants p WHERE p.tenant_id = $1 AND p.id = $2 AND p.erased_on IS NULL`, tx.TenantID, id)
	p, err := pgx.CollectExactlyOneRow(rows, scan)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("participant %d: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("participant: get: %w", err)
	}
	return p, audit.Record(ctx, tx, audit.Event{Action: "participant.read", RecordType: "participant", RecordID: strconv.FormatInt(id, 10)})
}

// ErrNotCoordinator means a user to be assigned holds no coordinator role here.
var ErrNotCoordinator = errors.New("participant: not a coordinator here")

// SetCoordinators replaces the coordinators assigned to participant id; each
// must hold the coordinator role here, or it returns ErrNotCoordinator.
func SetCoordinators(ctx context.Context, tx db.Tx, id int64, userIDs []int) error {
	if _, err := tx.Exec(ctx, `DELETE FROM participant_coordinators WHERE tenant_id = $1 AND participant_id = $2`, tx.TenantID, id); err != nil {
		return fmt.Errorf("participant: coordinators: %w", err)
	}
	tag, err := tx.Exec(ctx, `
		INSERT INTO participant_coordinators (tenant_id, participant_id, user_id)
		SELECT $1, $2, m.user_id FROM memberships m
		WHERE m.tenant_id = $1 AND m.role = 'coordinator' AND m.user_id = ANY($3)`, tx.TenantID, id, userIDs)
	if err != nil {
		return fmt.Errorf("participant: coordinators: %w", err)
	}
	if int(tag.RowsAffected()) != len(userIDs) {
		return ErrNotCoordinator
	}
	return audit.Record(ctx, tx, audit.Event{Action: "participant.assign", RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"coordinators": userIDs}})
}

// Coordinator is a user who may be assigned participants.
type Coordinator struct {
	ID   int
	Name string
}

// Coordinators lists the users holding the coordinator role here.
func Coordinators(ctx context.Context, tx db.Tx) ([]Coordinator, error) {
	rows, _ := tx.Query(ctx, `
		SELECT u.id, u.name FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.tenant_id = $1 AND m.role = 'coordinator' AND u.active ORDER BY u.name`, tx.TenantID)
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Coordinator])
}

// Exists returns db.ErrNotFound unless participant id is registered here.
func Exists(ctx context.Context, tx db.Tx, id int64) error {
	var ok bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM participants WHERE tenant_id = $1 AND id = $2)`, tx.TenantID, id).Scan(&ok); err != nil {
		return fmt.Errorf("participant: exists: %w", err)
	}
	if !ok {
		return fmt.Errorf("participant %d: %w", id, db.ErrNotFound)
	}
	return nil
}

// StatusFacts are what a participant's status is derived from at one moment.
type StatusFacts struct {
	Enrolments, Open         int
	Plan, Reached, Contacted bool
}

// StatusesAt returns the status for each of facts, computed by the
// database's participant_status: the one home of the rule, which the stored
// status column uses too.
func StatusesAt(ctx context.Context, tx db.Tx, facts []StatusFacts) ([]string, error) {
	if len(facts) == 0 {
		return nil, nil
	}
	var enrolled, open []int32
	var plan, reached, contacted []bool
	for _, f := range facts {
		enrolled, open = append(enrolled, int32(f.Enrolments)), append(open, int32(f.Open))
		plan, reached, contacted = append(plan, f.Plan), append(reached, f.Reached), append(contacted, f.Contacted)
	}
	rows, _ := tx.Query(ctx, `
		SELECT participant_status(e, o, p, r, c)
		FROM unnest($1::int[], $2::int[], $3::bool[], $4::bool[], $5::bool[]) WITH ORDINALITY AS t(e, o, p, r, c, n)
		ORDER BY n`, enrolled, open, plan, reached, contacted)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("participant: statuses: %w", err)
	}
	return out, nil
}

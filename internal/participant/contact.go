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

// Channels of contact, in the order offered.
var Channels = codes.Channel.Keys()

// Parties a contact can be with, in the order offered.
var Parties = codes.Party.Keys()

// The parties the letters are written to.
const (
	PartyYoungPerson = "young_person"
	PartyGuardian    = "guardian"
)

// CanReach reports whether a contact with party can reach the young person.
// Only a contact with the young person can: a guardian, the school or
// another actor reached is not the young person reached, so such a contact
// never counts towards ever_reached, first_reached_at, the status "i
// kontakt", the queues, SCB's file or the reach rates. The database holds
// the same rule as the CHECK contacts_reached_party_check (and its twin on
// contact_amendments); TestReachRuleAgreesWithDatabase compares them.
func CanReach(party string) bool { return party == PartyYoungPerson }

// Methods used in a meeting.
var Methods = codes.Method.Keys()[1:] // not "" (none)

// Contact is one entry of the contact log, as it now reads.
type Contact struct {
	ID         int64
	OccurredAt time.Time
	Channel    string
	Direction  string
	Reached    bool
	Method     string
	Note       string
	CreatedBy  int
	AuthorName string
	CreatedAt  time.Time
	Amended    bool
	Occupation string // the young person's occupation at the contact, for SCB; "unknown" when not known
	Party      string // who the contact was with (codes.Party); "" is the young person
}

// Amendment is a later correction of a contact.
type Amendment struct {
	Contact
	Reason string
}

// LogContact adds a contact to participant id's log, written by the user of
// tx, or by c.CreatedBy when set (a reply the system logs for the user who
// wrote). Returns db.ErrNotFound for an unknown participant.
func LogContact(ctx context.Context, tx db.Tx, id int64, c Contact) (int64, error) {
	return logContact(ctx, tx, id, c, "contact.create", nil)
}

// LogLetter logs a printed letter (codes.Letter) to party as an outgoing
// letter contact with the letter's name as its note. Its one audit event,
// letter.print, also covers reading the person for the letter. Returns
// db.ErrNotFound for an unknown participant.
func LogLetter(ctx context.Context, tx db.Tx, id int64, letter, party string, at time.Time) (int64, error) {
	c := Contact{OccurredAt: at, Channel: "letter", Direction: "outgoing", Party: party, Note: codes.Letter.Label(letter)}
	return logContact(ctx, tx, id, c, "letter.print", map[string]any{"letter": letter})
}

func logContact(ctx context.Context, tx db.Tx, id int64, c Contact, action string, detail map[string]any) (int64, error) {
	by := tx.UserID
	if c.CreatedBy != 0 {
		by = c.CreatedBy
	}
	var cid int64
	err := tx.QueryRow(ctx, `
		INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, method, note, created_by, occupation, party)
		SELECT $1, p.id, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM participants p WHERE p.tenant_id = $1 AND p.id = $2 AND p.erased_on IS NULL
		RETURNING id`, tx.TenantID, id, c.OccurredAt, c.Channel, c.Direction, c.Reached, c.Method, c.Note, by, occupationOf(c), partyOf(c)).Scan(&cid)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("participant %d: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("participant: log contact: %w", err)
	}
	d := map[string]any{"contact": cid, "channel": c.Channel, "reached": c.Reached, "party": partyOf(c)}
	for k, v := range detail {
		d[k] = v
	}
	return cid, audit.Record(ctx, tx, audit.Event{Action: action, RecordType: "participant", RecordID: strconv.FormatInt(id, 10), Detail: d})
}

// GetContact returns contact cid of participant id as it now reads, and its
// amendments oldest first. Returns db.ErrNotFound when it is not there.
func GetContact(ctx context.Context, tx db.Tx, id, cid int64) (Contact, []Amendment, error) {
	rows, _ := tx.Query(ctx, contactSelect+` WHERE c.tenant_id = $1 AND c.participant_id = $2 AND c.id = $3`, tx.TenantID, id, cid)
	c, err := pgx.CollectExactlyOneRow(rows, scanContact)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, nil, fmt.Errorf("contact %d: %w", cid, db.ErrNotFound)
	}
	if err != nil {
		return c, nil, err
	}
	rows, _ = tx.Query(ctx, `
		SELECT a.id, a.occurred_at, a.channel, a.direction, a.reached, a.method, a.note, a.created_by, u.name, a.created_at, true, a.occupation, a.party, a.reason
		FROM contact_amendments a JOIN users u ON u.id = a.created_by
		WHERE a.tenant_id = $1 AND a.contact_id = $2 ORDER BY a.id`, tx.TenantID, cid)
	amends, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Amendment, error) {
		var a Amendment
		err := r.Scan(&a.ID, &a.OccurredAt, &a.Channel, &a.Direction, &a.Reached, &a.Method, &a.Note, &a.CreatedBy, &a.AuthorName, &a.CreatedAt, &a.Amended, &a.Occupation, &a.Party, &a.Reason)
		return a, err
	})
	return c, amends, err
}

// OriginalContact returns contact cid as it was first logged.
func OriginalContact(ctx context.Context, tx db.Tx, id, cid int64) (Contact, error) {
	rows, _ := tx.Query(ctx, `
		SELECT c.id, c.occurred_at, c.channel, c.direction, c.reached, c.method, c.note, c.created_by, u.name, c.created_at, false, c.occupation, c.party
		FROM contacts c JOIN users u ON u.id = c.created_by
		WHERE c.tenant_id = $1 AND c.participant_id = $2 AND c.id = $3`, tx.TenantID, id, cid)
	c, err := pgx.CollectExactlyOneRow(rows, scanContact)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("contact %d: %w", cid, db.ErrNotFound)
	}
	return c, err
}

// CorrectContact changes contact cid of participant id. The author may
// correct it in place on the day it was logged (Swedish time); any other
// correction is kept as an amendment beside the unchanged original, with the
// reason given. Returns db.ErrNotFound when the contact is not there.
func CorrectContact(ctx context.Context, tx db.Tx, id, cid int64, c Contact, reason string, now time.Time) (amended bool, err error) {
	// Lock the contact so a correction and an amendment cannot interleave.
	if _, err := tx.Exec(ctx, `SELECT 1 FROM contacts WHERE tenant_id = $1 AND participant_id = $2 AND id = $3 FOR UPDATE`, tx.TenantID, id, cid); err != nil {
		return false, fmt.Errorf("participant: lock contact: %w", err)
	}
	orig, err := OriginalContact(ctx, tx, id, cid)
	if err != nil {
		return false, err
	}
	var amendments int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM contact_amendments WHERE tenant_id = $1 AND contact_id = $2`, tx.TenantID, cid).Scan(&amendments); err != nil {
		return false, err
	}
	orig.Amended = amendments > 0
	if CanEditInPlace(orig, tx.UserID, now) {
		_, err = tx.Exec(ctx, `
			UPDATE contacts SET occurred_at = $4, channel = $5, direction = $6, reached = $7, method = $8, note = $9, occupation = $10, party = $11, updated_at = now()
			WHERE tenant_id = $1 AND participant_id = $2 AND id = $3`,
			tx.TenantID, id, cid, c.OccurredAt, c.Channel, c.Direction, c.Reached, c.Method, c.Note, occupationOf(c), partyOf(c))
		if err != nil {
			return false, fmt.Errorf("participant: correct contact: %w", err)
		}
		return false, audit.Record(ctx, tx, audit.Event{Action: "contact.update", RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"contact": cid}})
	}
	if reason == "" {
		return true, ErrReasonNeeded
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO contact_amendments (tenant_id, contact_id, occurred_at, channel, direction, reached, method, note, reason, created_by, occupation, party)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		tx.TenantID, cid, c.OccurredAt, c.Channel, c.Direction, c.Reached, c.Method, c.Note, reason, tx.UserID, occupationOf(c), partyOf(c))
	if err != nil {
		return true, fmt.Errorf("participant: amend contact: %w", err)
	}
	return true, audit.Record(ctx, tx, audit.Event{Action: "contact.amend", RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"contact": cid}})
}

// ErrReasonNeeded means a correction must be an amendment and needs a reason.
var ErrReasonNeeded = errors.New("participant: an amendment needs a reason")

// CanEditInPlace reports whether userID may still correct c without an
// amendment: their own contact, never amended, on the day it was logged.
// Never an incoming SMS: its note is the young person's own words (a reply
// through the gateway is logged in the name of whoever wrote to them), so a
// correction stands beside it as an amendment.
func CanEditInPlace(c Contact, userID int, now time.Time) bool {
	if c.Channel == "sms" && c.Direction == "incoming" {
		return false
	}
	return c.CreatedBy == userID && !c.Amended && sameDay(c.CreatedAt, now)
}

var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

// Local returns t in Swedish time.
func Local(t time.Time) time.Time { return t.In(stockholm) }

// Today is the date in Sweden now, at midnight UTC, as dates are stored.
func Today() time.Time {
	t := Local(time.Now())
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func sameDay(a, b time.Time) bool {
	a, b = Local(a), Local(b)
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

const contactSelect = `
	SELECT c.id, c.occurred_at, c.channel, c.direction, c.reached, c.method, c.note, c.created_by, u.name, c.created_at, c.amended, c.occupation, c.party
	FROM contacts_effective c JOIN users u ON u.id = c.created_by`

func scanContact(r pgx.CollectableRow) (Contact, error) {
	var c Contact
	err := r.Scan(&c.ID, &c.OccurredAt, &c.Channel, &c.Direction, &c.Reached, &c.Method, &c.Note, &c.CreatedBy, &c.AuthorName, &c.CreatedAt, &c.Amended, &c.Occupation, &c.Party)
	return c, err
}

// Contacts returns participant id's contacts as they now read, newest first.
func Contacts(ctx context.Context, tx db.Tx, id int64) ([]Contact, error) {
	rows, _ := tx.Query(ctx, contactSelect+` WHERE c.tenant_id = $1 AND c.participant_id = $2 ORDER BY c.occurred_at DESC, c.id DESC`, tx.TenantID, id)
	return pgx.CollectRows(rows, scanContact)
}

func partyOf(c Contact) string {
	if c.Party == "" {
		return PartyYoungPerson
	}
	return c.Party
}

func occupationOf(c Contact) string {
	if c.Occupation == "" {
		return "unknown"
	}
	return c.Occupation
}

// ContactPerson is a coordinator as a letter or the printed plan names them.
type ContactPerson struct {
	Name  string
	Email string
	Phone string // "" when they have not given one
	Self  bool   // the user of the transaction
}

// ContactPersons returns participant id's responsible coordinators, the user
// of tx first when they are one of them, or the user of tx alone when nobody
// is assigned: the people the young person is told to reach.
func ContactPersons(ctx context.Context, tx db.Tx, id int64) ([]ContactPerson, error) {
	rows, _ := tx.Query(ctx, `
		SELECT u.name, u.email, u.phone, u.id = $3 FROM participant_coordinators pc JOIN users u ON u.id = pc.user_id AND u.active
		WHERE pc.tenant_id = $1 AND pc.participant_id = $2
		UNION ALL
		SELECT u.name, u.email, u.phone, true FROM users u
		WHERE u.id = $3 AND NOT EXISTS (SELECT 1 FROM participant_coordinators pc JOIN users x ON x.id = pc.user_id AND x.active
		                                WHERE pc.tenant_id = $1 AND pc.participant_id = $2)
		ORDER BY 4 DESC, 1`, tx.TenantID, id, tx.UserID)
	people, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ContactPerson])
	if err != nil {
		return nil, fmt.Errorf("participant: contact persons: %w", err)
	}
	return people, nil
}

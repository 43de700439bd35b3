// Package moves is what happens when a young person moves to another
// municipality: nothing about them crosses by default (secrecy, see
// docs/privacy.md). The young person may bring a letter with what they choose
// to share, and, with their recorded consent (samtycke), the old municipality
// may send the new one a notice (underrättelse) with name, personnummer and
// the date of the move, through the SQL function send_move_notice.
// Details: docs/design/moves.md.
package moves

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
)

// Outcomes of an attempt to send a notice (codes.NoticeOutcome).
const (
	Sent        = "sent"
	AlreadySent = "already_sent"
	NotUser     = "not_user"
	TurnedOff   = "turned_off"
)

// ErrNotMoved means the person's latest KAA enrolment did not end with a
// move to another municipality: there is nothing to consent to or write a
// letter about.
var ErrNotMoved = errors.New("moves: the latest KAA enrolment did not end with a move")

// Move is a person's latest avregistrering from the KAA register, when its
// reason was a move to another municipality.
type Move struct {
	EnrolmentID int64
	On          time.Time
	To          string    // kommunkod of the new home municipality
	Consents    []Consent // recorded consents, newest first
}

// Consent is a recorded consent (samtycke) to a notice.
type Consent struct {
	GivenBy    string // codes.ConsentGiver
	GivenOn    time.Time
	Method     string // codes.ConsentMethod
	Outcome    string // codes.NoticeOutcome; "" before an attempt
	RecordedBy string // the user's name
	RecordedAt time.Time
}

// Problems are what is wrong with a form, by field, in Swedish.
type Problems map[string]string

func (p Problems) Error() string { return fmt.Sprintf("moves: %d problems", len(p)) }

// Latest returns participant id's latest KAA enrolment if it ended with a
// move, with the consents recorded for it. Returns ErrNotMoved if it did not
// (or there is none). It reads no personal data beyond dates and codes.
func Latest(ctx context.Context, tx db.Tx, id int64) (Move, error) {
	var m Move
	var on *time.Time
	var to, reason *string
	err := tx.QueryRow(ctx, `
		SELECT e.id, e.ends_on, e.moved_to, e.end_reason FROM enrolments e
		WHERE e.tenant_id = $1 AND e.participant_id = $2 AND e.kind = 'kaa'
		ORDER BY e.id DESC LIMIT 1`, tx.TenantID, id).Scan(&m.EnrolmentID, &on, &to, &reason)
	if errors.Is(err, pgx.ErrNoRows) {
		return m, ErrNotMoved
	}
	if err != nil {
		return m, fmt.Errorf("moves: latest: %w", err)
	}
	if on == nil || to == nil || reason == nil || *reason != "moved" {
		return m, ErrNotMoved
	}
	m.On, m.To = *on, *to
	rows, _ := tx.Query(ctx, `
		SELECT c.given_by, c.given_on, c.method, coalesce(c.notice_outcome, ''), coalesce(u.name, ''), c.recorded_at
		FROM move_consents c LEFT JOIN users u ON u.id = c.recorded_by
		WHERE c.tenant_id = $1 AND c.enrolment_id = $2 ORDER BY c.id DESC`, tx.TenantID, m.EnrolmentID)
	m.Consents, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Consent, error) {
		var c Consent
		err := r.Scan(&c.GivenBy, &c.GivenOn, &c.Method, &c.Outcome, &c.RecordedBy, &c.RecordedAt)
		return c, err
	})
	if err != nil {
		return m, fmt.Errorf("moves: consents: %w", err)
	}
	return m, nil
}

// CheckConsent says what is wrong with a consent recorded on today.
func CheckConsent(c Consent, today time.Time) Problems {
	p := Problems{}
	if !codes.ConsentGiver.Has(c.GivenBy) {
		p["given_by"] = "Välj vem som gav samtycket."
	}
	if !codes.ConsentMethod.Has(c.Method) {
		p["method"] = "Välj om samtycket var muntligt eller skriftligt."
	}
	switch {
	case c.GivenOn.IsZero():
		p["given_on"] = "Skriv datumet då samtycket gavs."
	case c.GivenOn.After(today):
		p["given_on"] = "Datumet kan inte vara senare än i dag: samtycket ska redan ha getts."
	}
	return p
}

// RecordConsent records the consent to a notice for participant id's move
// and tries to send the notice, in the same transaction; it returns what
// became of it (Sent, AlreadySent, NotUser, TurnedOff). Both are written to
// the audit log. Returns Problems for a consent that does not hold,
// ErrNotMoved when the latest KAA enrolment did not end with a move, and
// db.ErrNotFound for a person not in this municipality.
func RecordConsent(ctx context.Context, tx db.Tx, id int64, c Consent, today time.Time) (string, error) {
	if p := CheckConsent(c, today); len(p) > 0 {
		return "", p
	}
	if _, err := participantExists(ctx, tx, id); err != nil {
		return "", err
	}
	m, err := Latest(ctx, tx, id)
	if err != nil {
		return "", err
	}
	// The notice appends to the receiver's audit chain as well as to ours:
	// each chain's lock (pg_advisory_xact_lock(1096, tenant), the audit
	// trigger's) is taken here first, lower tenant first, so that two
	// municipalities sending each other notices at the same moment wait
	// for each other instead of deadlocking.
	if err := lockChains(ctx, tx, m.To); err != nil {
		return "", err
	}
	var cid int64
	err = tx.QueryRow(ctx, `
		INSERT INTO move_consents (tenant_id, participant_id, enrolment_id, given_by, given_on, method, recorded_by)
		VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, 0)) RETURNING id`,
		tx.TenantID, id, m.EnrolmentID, c.GivenBy, c.GivenOn, c.Method, tx.UserID).Scan(&cid)
	if err != nil {
		return "", fmt.Errorf("moves: record consent: %w", err)
	}
	rid := strconv.FormatInt(id, 10)
	if err := audit.Record(ctx, tx, audit.Event{Action: "move.consent", RecordType: "participant", RecordID: rid,
		Detail: map[string]any{"enrolment": m.EnrolmentID, "given_by": c.GivenBy, "method": c.Method}}); err != nil {
		return "", err
	}
	var outcome string
	if err := tx.QueryRow(ctx, `SELECT send_move_notice($1)`, m.EnrolmentID).Scan(&outcome); err != nil {
		return "", fmt.Errorf("moves: send notice: %w", err)
	}
	if !codes.NoticeOutcome.Has(outcome) {
		// The function refused what this function has just checked: a bug.
		return "", fmt.Errorf("moves: send notice: %s", outcome)
	}
	if _, err := tx.Exec(ctx, `UPDATE move_consents SET notice_outcome = $3 WHERE tenant_id = $1 AND id = $2`, tx.TenantID, cid, outcome); err != nil {
		return "", fmt.Errorf("moves: record outcome: %w", err)
	}
	return outcome, audit.Record(ctx, tx, audit.Event{Action: "move_notice.send", RecordType: "participant", RecordID: rid,
		Detail: map[string]any{"enrolment": m.EnrolmentID, "to": m.To, "outcome": outcome}})
}

// participantExists returns db.ErrNotFound if participant id is not one of
// this municipality's (or has been erased).
func participantExists(ctx context.Context, tx db.Tx, id int64) (bool, error) {
	var ok bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM participants WHERE tenant_id = $1 AND id = $2 AND erased_on IS NULL)`,
		tx.TenantID, id).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("moves: participant: %w", err)
	}
	if !ok {
		return false, fmt.Errorf("participant %d: %w", id, db.ErrNotFound)
	}
	return true, nil
}

// Choices are what the young person chose to put in the letter.
type Choices struct {
	Name        bool // their own name
	MoveDate    bool // the date of the move
	Coordinator bool // the old coordinator's name, e-mail and municipality
	Goals       bool // the goals of their current plan
}

// Any reports whether anything was chosen.
func (c Choices) Any() bool { return c.Name || c.MoveDate || c.Coordinator || c.Goals }

// Letter is the handover letter "Till dig som flyttar": only what was chosen.
type Letter struct {
	Name             string
	MoveDate         *time.Time
	To               string // the new home municipality's name
	Municipality     string // the old municipality, always (it wrote the letter)
	CoordinatorName  string
	CoordinatorEmail string
	Goals            []string
}

// PrintLetter builds the letter for participant id's move with what the young
// person chose to share, by the signed-in user (userID) of municipality
// orgName, and records the printing in the audit log with the choices (not
// the content). Returns ErrNotMoved or db.ErrNotFound as Latest and Get do.
func PrintLetter(ctx context.Context, tx db.Tx, id int64, ch Choices, orgName string) (Letter, error) {
	if _, err := participantExists(ctx, tx, id); err != nil {
		return Letter{}, err
	}
	m, err := Latest(ctx, tx, id)
	if err != nil {
		return Letter{}, err
	}
	l := Letter{To: codes.MunicipalityName(m.To), Municipality: orgName}
	if ch.Name {
		p, err := participant.Get(ctx, tx, id)
		if err != nil {
			return l, err
		}
		l.Name = p.FirstName + " " + p.LastName
	}
	if ch.MoveDate {
		l.MoveDate = &m.On
	}
	if ch.Coordinator {
		if err := tx.QueryRow(ctx, `SELECT name, email FROM users WHERE id = $1`, tx.UserID).Scan(&l.CoordinatorName, &l.CoordinatorEmail); err != nil {
			return l, fmt.Errorf("moves: coordinator: %w", err)
		}
	}
	if ch.Goals {
		rows, _ := tx.Query(ctx, `
			SELECT g.text FROM plan_goals g
			WHERE g.tenant_id = $1 AND g.participant_id = $2 AND g.parent IS NULL AND g.status IN ('not_started', 'in_progress')
			  AND g.version = (SELECT max(version) FROM plans p WHERE p.tenant_id = g.tenant_id AND p.participant_id = g.participant_id)
			ORDER BY g.position`, tx.TenantID, id)
		if l.Goals, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return l, fmt.Errorf("moves: goals: %w", err)
		}
	}
	return l, audit.Record(ctx, tx, audit.Event{Action: "move.letter", RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"name": ch.Name, "move_date": ch.MoveDate, "coordinator": ch.Coordinator, "goals": ch.Goals}})
}

// lockChains takes the audit-chain locks of this municipality and of the
// one with kommunkod to (when it is in the product), in tenant order.
func lockChains(ctx context.Context, tx db.Tx, to string) error {
	ids := []int{tx.TenantID}
	var receiver int
	err := tx.QueryRow(ctx, `SELECT id FROM orgs WHERE kind = 'municipality' AND key = $1`, to).Scan(&receiver)
	switch {
	case err == nil && receiver != tx.TenantID:
		ids = append(ids, receiver)
	case err != nil && !errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("moves: find the receiving municipality: %w", err)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(1096, $1)`, id); err != nil {
			return fmt.Errorf("moves: lock the audit chains: %w", err)
		}
	}
	return nil
}

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

// Appointment is a booked meeting or planned action (bokat möte, planerad
// åtgärd) with a young person, at a date and time, with a responsible user.
type Appointment struct {
	ID              int64
	ParticipantID   int64
	Kind            string // codes.AppointmentKind
	DueAt           time.Time
	Note            string // a short note or the place, at most 200 characters
	Responsible     int
	ResponsibleName string
	CreatedBy       int
	CreatedAt       time.Time
	DoneAt          *time.Time
	CancelledAt     *time.Time
}

// Open reports whether the appointment is neither done nor cancelled.
func (a Appointment) Open() bool { return a.DoneAt == nil && a.CancelledAt == nil }

// AppointmentNoteMax is the longest note or place an appointment takes.
const AppointmentNoteMax = 200

// ErrAppointmentInvalid is returned for a kind, note or outcome the form
// should have refused.
var ErrAppointmentInvalid = errors.New("participant: invalid appointment")

// ErrAppointmentPast is returned when a meeting is booked in the past without
// being recorded as already held.
var ErrAppointmentPast = errors.New("participant: appointment in the past")

// BookAppointment books a for participant id, with the user of tx as creator
// and, when a.Responsible is 0, as responsible. Any other responsible must be
// an active coordinator of this municipality, or it returns
// ErrNotCoordinator. A time in the past is refused with ErrAppointmentPast
// unless held is true: then it is recorded as done at that time. Returns
// db.ErrNotFound for an unknown participant. Nothing is written on an error.
func BookAppointment(ctx context.Context, tx db.Tx, id int64, a Appointment, held bool, now time.Time) (int64, error) {
	if !codes.AppointmentKind.Has(a.Kind) || len([]rune(a.Note)) > AppointmentNoteMax {
		return 0, fmt.Errorf("participant: book appointment: kind %q or note of %d characters: %w", a.Kind, len([]rune(a.Note)), ErrAppointmentInvalid)
	}
	var done *time.Time
	if held {
		done = &now
	} else if a.DueAt.Before(now) {
		return 0, ErrAppointmentPast
	}
	if a.Responsible == 0 {
		a.Responsible = tx.UserID
	} else if err := checkCoordinators(ctx, tx, []int{a.Responsible}); err != nil {
		return 0, err
	}
	var aid int64
	err := tx.QueryRow(ctx, `
		INSERT INTO appointments (tenant_id, participant_id, kind, due_at, note, responsible, created_by, done_at)
		SELECT $1, p.id, $3, $4, $5, $6, $7, $8 FROM participants p WHERE p.tenant_id = $1 AND p.id = $2 AND p.erased_on IS NULL
		RETURNING id`, tx.TenantID, id, a.Kind, a.DueAt, a.Note, a.Responsible, tx.UserID, done).Scan(&aid)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("participant %d: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("participant: book appointment: %w", err)
	}
	return aid, audit.Record(ctx, tx, audit.Event{Action: "appointment.create", RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"appointment": aid, "kind": a.Kind, "held": held, "responsible": a.Responsible}})
}

// Appointment outcomes, for CloseAppointment.
const (
	AppointmentDone      = "done"
	AppointmentCancelled = "cancelled"
)

// CloseAppointment marks open appointment aid of participant id done or
// cancelled (outcome). Returns db.ErrNotFound when there is no such open
// appointment.
func CloseAppointment(ctx context.Context, tx db.Tx, id, aid int64, outcome string, now time.Time) error {
	col := map[string]string{AppointmentDone: "done_at", AppointmentCancelled: "cancelled_at"}[outcome]
	if col == "" {
		return fmt.Errorf("participant: close appointment: outcome %q: %w", outcome, ErrAppointmentInvalid)
	}
	tag, err := tx.Exec(ctx, `UPDATE appointments SET `+col+` = $4
		WHERE tenant_id = $1 AND participant_id = $2 AND id = $3 AND done_at IS NULL AND cancelled_at IS NULL`,
		tx.TenantID, id, aid, now)
	if err != nil {
		return fmt.Errorf("participant: close appointment: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("appointment %d: %w", aid, db.ErrNotFound)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "appointment." + outcome, RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"appointment": aid}})
}

// Appointments returns participant id's appointments: the open ones first,
// soonest first, then the closed ones, latest first. The page that shows
// them records the read.
func Appointments(ctx context.Context, tx db.Tx, id int64) ([]Appointment, error) {
	rows, _ := tx.Query(ctx, `
		SELECT a.id, a.participant_id, a.kind, a.due_at, a.note, a.responsible, coalesce(u.name, ''), a.created_by, a.created_at, a.done_at, a.cancelled_at
		FROM appointments a LEFT JOIN users u ON u.id = a.responsible
		WHERE a.tenant_id = $1 AND a.participant_id = $2
		ORDER BY (a.done_at IS NULL AND a.cancelled_at IS NULL) DESC,
		         CASE WHEN a.done_at IS NULL AND a.cancelled_at IS NULL THEN a.due_at END,
		         a.due_at DESC, a.id`, tx.TenantID, id)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Appointment, error) {
		var a Appointment
		err := r.Scan(&a.ID, &a.ParticipantID, &a.Kind, &a.DueAt, &a.Note, &a.Responsible, &a.ResponsibleName,
			&a.CreatedBy, &a.CreatedAt, &a.DoneAt, &a.CancelledAt)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("participant: appointments: %w", err)
	}
	return out, nil
}

// DueCounts are a user's open appointments due today and those already late.
type DueCounts struct {
	Today   int // due later today
	Overdue int // due before now
}

// Total is every item due today or overdue.
func (d DueCounts) Total() int { return d.Today + d.Overdue }

// CountDue counts the open appointments user is responsible for in the
// municipality of tx that are due by the end of today (Swedish time), in one
// query on appointments_open_idx. It reads no personal data and records
// nothing.
func CountDue(ctx context.Context, tx db.Tx, user int, now time.Time) (DueCounts, error) {
	l := Local(now)
	endOfDay := time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, l.Location())
	var d DueCounts
	err := tx.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE due_at >= $3), count(*) FILTER (WHERE due_at < $3)
		FROM appointments
		WHERE tenant_id = $1 AND responsible = $2 AND due_at < $4 AND done_at IS NULL AND cancelled_at IS NULL`,
		tx.TenantID, user, now, endOfDay).Scan(&d.Today, &d.Overdue)
	if err != nil {
		return d, fmt.Errorf("participant: count due: %w", err)
	}
	return d, nil
}

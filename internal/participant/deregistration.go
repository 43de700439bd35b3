package participant

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/db"
)

// End is how an enrolment ends: an avregistrering from the KAA register, or
// the end of a project enrolment.
type End struct {
	On      time.Time
	Reason  string // a key of codes.Deregistration (KAA) or codes.ProjectEnd (project)
	Note    string // required for "other" (Annan orsak), at most MaxEndNote characters
	MovedTo string // kommunkod of the new home municipality: KAA "moved" only, and required there
}

// MaxEndNote is the longest text of "Annan orsak", and of a correction's reason.
const MaxEndNote = 200

// Problems are what is wrong with a form, by field ("ends_on", "end_reason",
// "end_note", "moved_to", "correction_reason", "reopen"), in Swedish.
type Problems map[string]string

func (p Problems) Error() string { return fmt.Sprintf("participant: %d problems", len(p)) }

// Errors of an avregistrering and its correction.
var (
	ErrNotEnded = errors.New("participant: enrolment is not ended")
)

// checkEnd says what is wrong with e for an enrolment of kind that started
// on startsOn and belongs to the municipality own (kommunkod).
func checkEnd(kind string, startsOn time.Time, e End, own string) Problems {
	p := Problems{}
	switch {
	case e.Reason == "" && kind == "kaa":
		p["end_reason"] = "Välj orsak till avregistreringen."
	case e.Reason == "":
		p["end_reason"] = "Välj varför deltagandet avslutas."
	case kind == "kaa" && !codes.Deregistration.Has(e.Reason):
		p["end_reason"] = "Välj en av orsakerna till avregistrering ur KAA-registret."
	case kind != "kaa" && !codes.ProjectEnd.Has(e.Reason):
		p["end_reason"] = "Välj en av orsakerna till att deltagandet i projektet avslutas."
	}
	if e.On.Before(startsOn) {
		if kind == "kaa" {
			p["ends_on"] = "Slutdatum: avregistreringen kan inte vara innan registreringen började (" + startsOn.Format("2006-01-02") + ")."
		} else {
			p["ends_on"] = "Slutdatum: deltagandet kan inte sluta innan det började (" + startsOn.Format("2006-01-02") + ")."
		}
	}
	switch n := utf8.RuneCountInString(e.Note); {
	case e.Reason == "other" && n == 0:
		p["end_note"] = "Skriv kort vilken den andra orsaken är."
	case n > MaxEndNote:
		p["end_note"] = fmt.Sprintf("Skriv högst %d tecken (nu %d).", MaxEndNote, n)
	}
	if kind == "kaa" && e.Reason == "moved" {
		switch {
		case e.MovedTo == "":
			p["moved_to"] = "Välj kommunen som personen har flyttat till."
		case e.MovedTo == own:
			p["moved_to"] = "Välj en annan kommun än den egna: den som flyttar inom kommunen avregistreras inte."
		case codes.MunicipalityName(e.MovedTo) == "":
			p["moved_to"] = "Välj kommunen i listan."
		}
	}
	if len(p) == 0 {
		return nil
	}
	return p
}

// normal keeps only what the reason allows: a text for "other", a
// municipality for a KAA move.
func (e End) normal(kind string) (note, movedTo *string) {
	if e.Reason == "other" {
		n := strings.TrimSpace(e.Note)
		note = &n
	}
	if kind == "kaa" && e.Reason == "moved" {
		m := e.MovedTo
		movedTo = &m
	}
	return note, movedTo
}

type enrolmentRow struct {
	kind      string
	startsOn  time.Time
	endsOn    *time.Time
	reason    *string
	note      *string
	movedTo   *string
	birthDate time.Time
}

func lockEnrolment(ctx context.Context, tx db.Tx, id, eid int64) (enrolmentRow, error) {
	var r enrolmentRow
	err := tx.QueryRow(ctx, `
		SELECT e.kind, e.starts_on, e.ends_on, e.end_reason, e.end_note, e.moved_to, p.birth_date
		FROM enrolments e JOIN participants p ON p.tenant_id = e.tenant_id AND p.id = e.participant_id
		WHERE e.tenant_id = $1 AND e.participant_id = $2 AND e.id = $3 FOR UPDATE OF e`,
		tx.TenantID, id, eid).Scan(&r.kind, &r.startsOn, &r.endsOn, &r.reason, &r.note, &r.movedTo, &r.birthDate)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("participant: enrolment %d: %w", eid, db.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("participant: enrolment: %w", err)
	}
	return r, nil
}

// EndEnrolment ends enrolment eid of participant id as e says, checked in
// the transaction against the enrolment's kind: a KAA registration takes the
// law's reasons (codes.Deregistration), a project enrolment the project's
// (codes.ProjectEnd). own is the municipality's kommunkod, which a move
// cannot go to. Returns Problems for bad input, db.ErrNotFound unless the
// enrolment exists, is open and belongs to id.
func EndEnrolment(ctx context.Context, tx db.Tx, id, eid int64, e End, own string) error {
	r, err := lockEnrolment(ctx, tx, id, eid)
	if err != nil {
		return err
	}
	if r.endsOn != nil {
		return fmt.Errorf("participant: end enrolment %d: already ended: %w", eid, db.ErrNotFound)
	}
	if p := checkEnd(r.kind, r.startsOn, e, own); p != nil {
		return p
	}
	note, movedTo := e.normal(r.kind)
	if _, err := tx.Exec(ctx, `UPDATE enrolments SET ends_on = $4, end_reason = $5, end_note = $6, moved_to = $7
		WHERE tenant_id = $1 AND participant_id = $2 AND id = $3`,
		tx.TenantID, id, eid, e.On, e.Reason, note, movedTo); err != nil {
		return fmt.Errorf("participant: end enrolment: %w", err)
	}
	if r.kind == "project" { // the outcome follow-ups are ESF's, never the KAA register's
		if err := scheduleFollowUps(ctx, tx, id, eid, e.On); err != nil {
			return err
		}
	}
	return audit.Record(ctx, tx, audit.Event{Action: "enrolment.end", RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"enrolment": eid, "kind": r.kind, "reason": e.Reason, "ends_on": e.On.Format("2006-01-02"),
			"note": note, "moved_to": movedTo}})
}

// Correction is one correction of an ended enrolment, with the values
// before and after it. A reopening has no new values (NewOn is nil).
type Correction struct {
	ID          int64
	EnrolmentID int64
	At          time.Time
	AuthorName  string
	Why         string
	OldOn       time.Time
	OldReason   string
	OldNote     *string
	OldMovedTo  *string
	NewOn       *time.Time
	NewReason   *string
	NewNote     *string
	NewMovedTo  *string
	Kind        string // kind of the corrected enrolment
}

// Reopened reports whether the correction opened the enrolment again.
func (c Correction) Reopened() bool { return c.NewOn == nil }

// CorrectEnd corrects ended enrolment eid of participant id: with to nil it
// is opened again, else its end becomes *to. why is the required short
// reason for the correction. The original and the new values are kept in
// enrolment_corrections and the audit log. A KAA registration is not opened
// again when another is open (ErrOpenKAA) or the person has turned 20
// (Problems["reopen"]). own is the municipality's kommunkod.
func CorrectEnd(ctx context.Context, tx db.Tx, id, eid int64, to *End, why, own string, today time.Time) error {
	r, err := lockEnrolment(ctx, tx, id, eid)
	if err != nil {
		return err
	}
	if r.endsOn == nil {
		return ErrNotEnded
	}
	p := Problems{}
	why = strings.TrimSpace(why)
	switch n := utf8.RuneCountInString(why); {
	case n == 0:
		p["correction_reason"] = "Skriv kort varför det rättas, till exempel ”fel datum” eller ”flyttade aldrig”."
	case n > MaxEndNote:
		p["correction_reason"] = fmt.Sprintf("Skriv högst %d tecken (nu %d).", MaxEndNote, n)
	}
	var note, movedTo *string
	if to == nil {
		if r.kind == "kaa" {
			if turns20 := r.birthDate.AddDate(20, 0, 0); !today.Before(turns20) {
				p["reopen"] = "Avregistreringen kan inte hävas: personen fyllde 20 den " + turns20.Format("2006-01-02") +
					" och omfattas inte längre av aktivitetsansvaret. Rätta orsak eller datum i stället."
			} else {
				var open bool
				if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM enrolments WHERE tenant_id = $1 AND participant_id = $2
					AND kind = 'kaa' AND ends_on IS NULL AND id <> $3)`, tx.TenantID, id, eid).Scan(&open); err != nil {
					return fmt.Errorf("participant: correct end: %w", err)
				}
				if open {
					p["reopen"] = "Avregistreringen kan inte hävas: personen har en annan öppen registrering i KAA-registret."
				}
			}
		}
	} else {
		for k, v := range checkEnd(r.kind, r.startsOn, *to, own) {
			p[k] = v
		}
		note, movedTo = to.normal(r.kind)
		if to.On.Equal(*r.endsOn) && to.Reason == *r.reason && eqPtr(note, r.note) && eqPtr(movedTo, r.movedTo) && len(p) == 0 {
			p["end_reason"] = "Inget är ändrat: ändra datum, orsak, text eller kommun, eller häv avregistreringen."
		}
	}
	if len(p) > 0 {
		return p
	}
	var newOn *time.Time
	var newReason *string
	if to != nil {
		newOn, newReason = &to.On, &to.Reason
	}
	if _, err := tx.Exec(ctx, `UPDATE enrolments SET ends_on = $4, end_reason = $5, end_note = $6, moved_to = $7
		WHERE tenant_id = $1 AND participant_id = $2 AND id = $3`,
		tx.TenantID, id, eid, newOn, newReason, note, movedTo); err != nil {
		return fmt.Errorf("participant: correct end: %w", err)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO enrolment_corrections (tenant_id, participant_id, enrolment_id, corrected_by, reason,
		    old_ends_on, old_end_reason, old_end_note, old_moved_to, new_ends_on, new_end_reason, new_end_note, new_moved_to)
		VALUES ($1, $2, $3, NULLIF($4, 0), $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		tx.TenantID, id, eid, tx.UserID, why, *r.endsOn, *r.reason, r.note, r.movedTo, newOn, newReason, note, movedTo); err != nil {
		return fmt.Errorf("participant: correct end: %w", err)
	}
	// The follow-ups after the end move with it; an end that did not happen
	// has none still to do.
	if to == nil {
		_, err = tx.Exec(ctx, `DELETE FROM followups f WHERE f.tenant_id = $1 AND f.enrolment_id = $2 AND f.done_on IS NULL
			AND NOT EXISTS (SELECT 1 FROM followup_revisions r WHERE r.tenant_id = f.tenant_id AND r.followup_id = f.id)`, tx.TenantID, eid)
	} else {
		_, err = tx.Exec(ctx, `UPDATE followups SET due_on = CASE kind WHEN 'exit' THEN $3::date + 28 ELSE ($3::date + interval '6 months')::date END
			WHERE tenant_id = $1 AND enrolment_id = $2 AND done_on IS NULL`, tx.TenantID, eid, to.On)
	}
	if err != nil {
		return fmt.Errorf("participant: correct end: follow-ups: %w", err)
	}
	before := map[string]any{"ends_on": r.endsOn.Format("2006-01-02"), "reason": *r.reason, "note": r.note, "moved_to": r.movedTo}
	after := map[string]any{"reopened": true}
	if to != nil {
		after = map[string]any{"ends_on": to.On.Format("2006-01-02"), "reason": to.Reason, "note": note, "moved_to": movedTo}
	}
	return audit.Record(ctx, tx, audit.Event{Action: "enrolment.correct", RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"enrolment": eid, "kind": r.kind, "why": why, "before": before, "after": after}})
}

func eqPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// Corrections returns the corrections of participant id's enrolments, oldest first.
func Corrections(ctx context.Context, tx db.Tx, id int64) ([]Correction, error) {
	rows, _ := tx.Query(ctx, `
		SELECT c.id, c.enrolment_id, c.corrected_at, coalesce(u.name, ''), c.reason, c.old_ends_on, c.old_end_reason, c.old_end_note,
		       c.old_moved_to, c.new_ends_on, c.new_end_reason, c.new_end_note, c.new_moved_to, e.kind
		FROM enrolment_corrections c
		JOIN enrolments e ON e.tenant_id = c.tenant_id AND e.id = c.enrolment_id
		LEFT JOIN users u ON u.id = c.corrected_by
		WHERE c.tenant_id = $1 AND c.participant_id = $2 ORDER BY c.corrected_at, c.id`, tx.TenantID, id)
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Correction])
}

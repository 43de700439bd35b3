package participant

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
)

// Queue is one of the "Att göra" lists: people who risk falling between the chairs.
type Queue struct {
	Key   string
	Items []QueueItem // the first QueueLimit
	Total int         // everyone on the queue
}

// QueueLimit is how many people a queue lists.
const QueueLimit = 200

// QueueItem is a person on a queue.
type QueueItem struct {
	ID            int64
	FirstName     string
	LastName      string
	BirthDate     time.Time
	IdentifiedOn  time.Time
	LastContactAt *time.Time
	// On the queue of åtgärder to follow up: the åtgärd, its follow-up date
	// and how many days that has passed.
	MeasureType     string
	MeasureFollowUp *time.Time
	DaysLate        int
	// Due is when the item is (or was) to be done, by the queue's rule
	// (docs/design/agenda.md): a date at midnight UTC, or, for a booked
	// appointment (DueHasTime), the moment.
	Due        time.Time
	DueHasTime bool
	// On the queue of booked appointments: the appointment.
	Appointment *Appointment
}

// Queue keys, in the order shown.
const (
	QueueNeverContacted = "never_contacted"
	QueueStale          = "no_recent_contact"
	QueueNeverReached   = "never_reached"
	QueueTurns20        = "turns_20"
	QueueWaiting        = "identified_waiting"
	QueueFollowUps      = "followups_due"
	QueuePlanReview     = "plan_review_passed"
	QueueLongMeasures   = "long_measures"
	QueueMeasureReview  = "measure_review_passed"
	QueueAppointments   = "appointments"
)

// WaitingDays is how long after identification a first contact attempt is due.
const WaitingDays = 14

// RetryDays is how long after an attempt that did not reach the person the
// next attempt is due.
const RetryDays = 7

// Settings are a municipality's queue settings.
type Settings struct {
	NoContactDays int
}

// GetSettings returns the settings of the municipality of tx (defaults when unset).
func GetSettings(ctx context.Context, tx db.Tx) (Settings, error) {
	s := Settings{NoContactDays: 30}
	err := tx.QueryRow(ctx, `SELECT coalesce((SELECT no_contact_days FROM tenant_settings WHERE tenant_id = $1), 30)`, tx.TenantID).Scan(&s.NoContactDays)
	return s, err
}

// queueDef is one queue drawn from participants: who is on it and when
// each is due, as SQL over participants p.
type queueDef struct{ key, where, due string }

// openSQL is the statuses short of ended, listed so that the status index
// finds them.
func openSQL() string {
	var notEnded []string
	for _, st := range Statuses {
		if st != StatusEnded {
			notEnded = append(notEnded, "'"+st+"'")
		}
	}
	return `p.status IN (` + strings.Join(notEnded, ", ") + `)`
}

// currentPlan limits plans pl to each person's current version.
const currentPlan = `pl.version = (SELECT max(version) FROM plans x WHERE x.tenant_id = pl.tenant_id AND x.participant_id = pl.participant_id)`

// queueScope limits participants p to the living ones of the municipality
// (@tenant) and, unless @coordinator is 0, to those @coordinator is
// coordinator for: Att göra's Mina ungdomar and Hela kommunen.
const queueScope = `p.tenant_id = @tenant AND p.erased_on IS NULL AND (@coordinator = 0 OR p.id IN (SELECT pc.participant_id FROM participant_coordinators pc
	WHERE pc.tenant_id = @tenant AND pc.user_id = @coordinator))`

// queueDefs are the queues drawn from participants, in the order shown,
// each with its due date by its rule (docs/design/agenda.md). The query
// arguments are @tenant, @coordinator, @now, @today and @days (the
// municipality's no-contact days). The one home of the rules: the Att göra
// page lists them (Queues) and the daily digest counts the late ones
// (OverdueOnQueues).
func queueDefs() []queueDef {
	open := openSQL()
	const anyContact = `p.last_contact_at IS NOT NULL`
	lastContactDay := `(` + lastContactSQL + ` AT TIME ZONE 'Europe/Stockholm')::date`
	conditions := []queueDef{
		{QueueNeverContacted, `NOT ` + anyContact, `p.identified_on + ` + strconv.Itoa(WaitingDays)},
		{QueueStale, anyContact + ` AND ` + lastContactSQL + ` < @now::timestamptz - make_interval(days => @days)`, lastContactDay + ` + @days::int`},
		{QueueNeverReached, anyContact + ` AND NOT p.ever_reached`, lastContactDay + ` + ` + strconv.Itoa(RetryDays)},
		// Also those already 20 whose KAA enrolment is still open: it should have ended.
		{QueueTurns20, `p.birth_date <= (@today::date + 60) - interval '20 years'
			AND EXISTS (SELECT 1 FROM enrolments e WHERE e.tenant_id = p.tenant_id AND e.participant_id = p.id AND e.kind = 'kaa' AND e.ends_on IS NULL)`,
			`(p.birth_date + interval '20 years')::date`},
		{QueueWaiting, `p.identified_on <= @today::date - ` + strconv.Itoa(WaitingDays) + ` AND NOT ` + anyContact, `p.identified_on + ` + strconv.Itoa(WaitingDays)},
	}
	for i := range conditions {
		conditions[i].where = open + ` AND ` + conditions[i].where
	}
	// These concern people whose enrolments may have ended: they are not
	// limited to open ones. Each starts from the records that put a person on
	// the queue, not from every person.
	late := []queueDef{
		// The exit follow-up is to be done from the day of exit; the six-month
		// one from a week before it is due.
		{QueueFollowUps, `p.id IN (SELECT f.participant_id FROM followups f WHERE f.tenant_id = @tenant
			AND f.done_on IS NULL AND f.due_on <= @today::date + 28 AND f.due_on - CASE f.kind WHEN 'exit' THEN 28 ELSE 7 END <= @today::date)`,
			`(SELECT min(f.due_on) FROM followups f WHERE f.tenant_id = p.tenant_id AND f.participant_id = p.id AND f.done_on IS NULL)`},
		{QueuePlanReview, `p.id IN (SELECT pl.participant_id FROM plans pl WHERE pl.tenant_id = @tenant
			AND ` + currentPlan + ` AND pl.follow_up_on < @today::date) AND ` + open,
			`(SELECT pl.follow_up_on FROM plans pl WHERE pl.tenant_id = p.tenant_id AND pl.participant_id = p.id ORDER BY pl.version DESC LIMIT 1)`},
		{QueueLongMeasures, `p.id IN (SELECT m.participant_id FROM plan_measures m JOIN plans pl ON pl.tenant_id = m.tenant_id
			AND pl.participant_id = m.participant_id AND pl.version = m.version
			WHERE m.tenant_id = @tenant AND ` + currentPlan + ` AND m.ends_on IS NULL AND m.starts_on < @today::date - interval '6 months')`,
			// Six months after the earliest open åtgärd of the current plan began.
			`(SELECT (min(m.starts_on) + interval '6 months')::date FROM plan_measures m JOIN plans pl ON pl.tenant_id = m.tenant_id
			AND pl.participant_id = m.participant_id AND pl.version = m.version
			WHERE m.tenant_id = p.tenant_id AND m.participant_id = p.id AND ` + currentPlan + ` AND m.ends_on IS NULL)`},
	}
	return append(conditions, late...)
}

// measureReviewFrom is the queue of åtgärder, one line each, whose own
// follow-up date (m.follow_up_on) has passed: in the current plan, not
// ended, of people whose enrolments are open. Every line is late.
func measureReviewFrom() string {
	return `FROM plan_measures m
		JOIN plans pl ON pl.tenant_id = m.tenant_id AND pl.participant_id = m.participant_id AND pl.version = m.version
		JOIN participants p ON p.tenant_id = m.tenant_id AND p.id = m.participant_id
		WHERE m.tenant_id = @tenant AND m.ends_on IS NULL AND m.follow_up_on < @today::date AND ` + currentPlan + `
		  AND ` + queueScope + ` AND ` + openSQL()
}

// queueArgs are the arguments of queueDefs and measureReviewFrom.
func queueArgs(tx db.Tx, coordinatorID int, s Settings, now time.Time) pgx.NamedArgs {
	today := Local(now)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	return pgx.NamedArgs{"tenant": tx.TenantID, "coordinator": coordinatorID, "now": now, "days": s.NoContactDays, "today": today}
}

// Queues returns the work queues as of now, for one coordinator (coordinatorID)
// or the whole municipality (0), and records the read.
func Queues(ctx context.Context, tx db.Tx, coordinatorID int, now time.Time) ([]Queue, Settings, error) {
	s, err := GetSettings(ctx, tx)
	if err != nil {
		return nil, s, fmt.Errorf("participant: queues: %w", err)
	}
	args := queueArgs(tx, coordinatorID, s, now)
	// The largest municipality's queues and a small one's want different
	// plans; the queries are few.
	if err := db.PlanEachQuery(ctx, tx); err != nil {
		return nil, s, err
	}
	var queues []Queue
	counts := map[string]any{}
	for _, c := range queueDefs() {
		rows, _ := tx.Query(ctx, `
			SELECT * FROM (
			SELECT p.id, p.first_name, p.last_name, p.birth_date, p.identified_on, `+lastContactSQL+`, (`+c.due+`)::date AS due, count(*) OVER ()
			FROM participants p
			WHERE `+queueScope+`
			  AND `+c.where+`) q
			ORDER BY q.due, q.identified_on, q.id LIMIT `+strconv.Itoa(QueueLimit), args)
		q := Queue{Key: c.key}
		var err error
		q.Items, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (QueueItem, error) {
			var it QueueItem
			err := r.Scan(&it.ID, &it.FirstName, &it.LastName, &it.BirthDate, &it.IdentifiedOn, &it.LastContactAt, &it.Due, &q.Total)
			return it, err
		})
		if err != nil {
			return nil, s, fmt.Errorf("participant: queue %s: %w", c.key, err)
		}
		queues = append(queues, q)
		counts[c.key] = q.Total
	}
	// The åtgärder whose own follow-up date has passed, oldest date first.
	rows, _ := tx.Query(ctx, `
		SELECT p.id, p.first_name, p.last_name, p.birth_date, p.identified_on, `+lastContactSQL+`,
		       m.type, m.follow_up_on, @today::date - m.follow_up_on, count(*) OVER ()
		`+measureReviewFrom()+`
		ORDER BY m.follow_up_on, p.id, m.position LIMIT `+strconv.Itoa(QueueLimit), args)
	q := Queue{Key: QueueMeasureReview}
	q.Items, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (QueueItem, error) {
		var it QueueItem
		err := r.Scan(&it.ID, &it.FirstName, &it.LastName, &it.BirthDate, &it.IdentifiedOn, &it.LastContactAt,
			&it.MeasureType, &it.MeasureFollowUp, &it.DaysLate, &q.Total)
		if it.MeasureFollowUp != nil {
			it.Due = *it.MeasureFollowUp
		}
		return it, err
	})
	if err != nil {
		return nil, s, fmt.Errorf("participant: queue %s: %w", q.Key, err)
	}
	// Next to the plans whose follow-up date has passed.
	at := len(queues)
	for i, x := range queues {
		if x.Key == QueuePlanReview {
			at = i + 1
		}
	}
	queues = slices.Insert(queues, at, q)
	counts[q.Key] = q.Total
	// The booked appointments come first: they have a time set with someone.
	q, err = appointmentQueue(ctx, tx, coordinatorID)
	if err != nil {
		return nil, s, err
	}
	queues = slices.Insert(queues, 0, q)
	counts[q.Key] = q.Total
	return queues, s, audit.Record(ctx, tx, audit.Event{Action: "participant.list", RecordType: "participant", Detail: map[string]any{"queues": counts}})
}

// OverdueOnQueues counts the items on coordinatorID's Att göra lists (Mina
// ungdomar; the whole municipality when 0) whose due date has passed
// (before today, Swedish date), by the same queries as the page: the queues
// drawn from participants and the åtgärder to follow up. Booked
// appointments are not in it (CountDue counts them). An item is a person on
// one queue, or one åtgärd: a person on two queues counts twice, as the page
// lists them twice. It reads no personal data and records nothing.
func OverdueOnQueues(ctx context.Context, tx db.Tx, coordinatorID int, now time.Time) (int, error) {
	s, err := GetSettings(ctx, tx)
	if err != nil {
		return 0, fmt.Errorf("participant: overdue on queues: %w", err)
	}
	if err := db.PlanEachQuery(ctx, tx); err != nil {
		return 0, err
	}
	var parts []string
	for _, c := range queueDefs() {
		parts = append(parts, `(SELECT count(*) FROM participants p WHERE `+queueScope+` AND `+c.where+` AND (`+c.due+`)::date < @today::date)`)
	}
	parts = append(parts, `(SELECT count(*) `+measureReviewFrom()+`)`)
	var n int
	if err := tx.QueryRow(ctx, `SELECT `+strings.Join(parts, " + "), queueArgs(tx, coordinatorID, s, now)).Scan(&n); err != nil {
		return 0, fmt.Errorf("participant: overdue on queues: %w", err)
	}
	return n, nil
}

// TimelineEvent is one thing that happened to a participant.
type TimelineEvent struct {
	At       time.Time
	Kind     string // "identified", "enrolment_start", "enrolment_end", "correction", "contact", "plan", "mapping", "status", EventAppointment…
	Contact  *Contact
	Enrol    *Enrolment
	Plan     *Plan
	Mapping  *Mapping
	FollowUp *FollowUp
	Measure  *Measure
	Fix      *Correction // for "correction": an avregistrering (or a project's end) corrected
	Status   string      // the new status, for "status"
	// For a booking's events (EventAppointmentBooked, …Held, …Cancelled).
	Appointment *Appointment
}

// SaveSettings stores the municipality's queue settings.
func SaveSettings(ctx context.Context, tx db.Tx, s Settings) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO tenant_settings (tenant_id, no_contact_days) VALUES ($1, $2)
		ON CONFLICT (tenant_id) DO UPDATE SET no_contact_days = excluded.no_contact_days`, tx.TenantID, s.NoContactDays)
	if err != nil {
		return fmt.Errorf("participant: settings: %w", err)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "settings.update", RecordType: "settings",
		Detail: map[string]any{"no_contact_days": s.NoContactDays}})
}

// appointmentQueue is the open booked appointments, of the people
// coordinatorID is coordinator for or of which they are responsible (all in
// the municipality when 0), the most overdue first.
func appointmentQueue(ctx context.Context, tx db.Tx, coordinatorID int) (Queue, error) {
	rows, _ := tx.Query(ctx, `
		SELECT p.id, p.first_name, p.last_name, p.birth_date, p.identified_on, `+lastContactSQL+`,
		       a.id, a.kind, a.due_at, a.note, a.responsible, coalesce(u.name, ''), count(*) OVER ()
		FROM appointments a
		JOIN participants p ON p.tenant_id = a.tenant_id AND p.id = a.participant_id
		LEFT JOIN users u ON u.id = a.responsible
		WHERE a.tenant_id = @tenant AND a.done_at IS NULL AND a.cancelled_at IS NULL AND p.erased_on IS NULL
		  AND (@coordinator = 0 OR a.responsible = @coordinator OR p.id IN (SELECT pc.participant_id FROM participant_coordinators pc
		      WHERE pc.tenant_id = @tenant AND pc.user_id = @coordinator))
		ORDER BY a.due_at, a.id LIMIT `+strconv.Itoa(QueueLimit),
		pgx.NamedArgs{"tenant": tx.TenantID, "coordinator": coordinatorID})
	q := Queue{Key: QueueAppointments}
	var err error
	q.Items, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (QueueItem, error) {
		it := QueueItem{DueHasTime: true, Appointment: &Appointment{}}
		a := it.Appointment
		err := r.Scan(&it.ID, &it.FirstName, &it.LastName, &it.BirthDate, &it.IdentifiedOn, &it.LastContactAt,
			&a.ID, &a.Kind, &a.DueAt, &a.Note, &a.Responsible, &a.ResponsibleName, &q.Total)
		a.ParticipantID = it.ID
		it.Due = a.DueAt
		return it, err
	})
	if err != nil {
		return q, fmt.Errorf("participant: queue %s: %w", q.Key, err)
	}
	return q, nil
}

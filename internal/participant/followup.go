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

// Follow-up kinds and when they fall due after a project enrolment ends.
// The outcome follow-ups are ESF's: a KAA registration has none.
const (
	FollowUpExit      = "exit"       // due within four weeks of the end
	FollowUpSixMonths = "six_months" // six months after the end
)

// Occupations a contact records in the KAA register, FollowUpOccupations
// those an ESF follow-up records, and the answers of the exit survey.
var (
	Occupations         = occupations(codes.ContactOccupation)
	FollowUpOccupations = occupations(codes.Occupation)
	SurveyAnswers       = codes.SurveyAnswer.Keys()
)

// FollowUp is a scheduled or recorded outcome follow-up.
type FollowUp struct {
	ID             int64
	EnrolmentID    int64
	Kind           string
	DueOn          time.Time
	DoneOn         *time.Time
	Occupation     *string
	JobSearching   *bool
	InEducation    *bool
	Qualification  *bool
	Employed       *bool
	LongTermGoal   *string
	ClearPlan      *string
	Respect        *string
	NoBarrier      *string
	RecordedByName *string
}

// scheduleFollowUps adds the exit and six-month follow-ups of project
// enrolment eid that ended on endsOn; running it twice adds nothing.
func scheduleFollowUps(ctx context.Context, tx db.Tx, id, eid int64, endsOn time.Time) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO followups (tenant_id, participant_id, enrolment_id, kind, due_on)
		VALUES ($1, $2, $3, 'exit', $4::date + 28), ($1, $2, $3, 'six_months', ($4::date + interval '6 months')::date)
		ON CONFLICT (tenant_id, enrolment_id, kind) DO NOTHING`, tx.TenantID, id, eid, endsOn)
	if err != nil {
		return fmt.Errorf("participant: schedule follow-ups: %w", err)
	}
	return nil
}

// FollowUps returns participant id's follow-ups, by due date.
func FollowUps(ctx context.Context, tx db.Tx, id int64) ([]FollowUp, error) {
	rows, _ := tx.Query(ctx, `
		SELECT f.id, f.enrolment_id, f.kind, f.due_on, f.done_on, f.occupation, f.esf_job_searching, f.esf_in_education,
		       f.esf_qualification, f.esf_employed, f.survey_long_term_goal, f.survey_clear_plan, f.survey_respect,
		       f.survey_no_barrier, u.name
		FROM followups f LEFT JOIN users u ON u.id = f.recorded_by
		WHERE f.tenant_id = $1 AND f.participant_id = $2 ORDER BY f.due_on, f.id`, tx.TenantID, id)
	return pgx.CollectRows(rows, pgx.RowToStructByPos[FollowUp])
}

// GetFollowUp returns follow-up fid of participant id. Returns db.ErrNotFound
// when it is not there.
func GetFollowUp(ctx context.Context, tx db.Tx, id, fid int64) (FollowUp, error) {
	all, err := FollowUps(ctx, tx, id)
	if err != nil {
		return FollowUp{}, err
	}
	for _, f := range all {
		if f.ID == fid {
			return f, nil
		}
	}
	return FollowUp{}, fmt.Errorf("follow-up %d: %w", fid, db.ErrNotFound)
}

// ErrNotDue means a follow-up was recorded before the enrolment ended.
var ErrNotDue = errors.New("participant: follow-up before the enrolment ended")

// RecordFollowUp records follow-up fid of participant id, by the user of tx.
// A recorded follow-up can be recorded again (corrected); the audit log keeps
// each. Returns db.ErrNotFound when it is not there.
func RecordFollowUp(ctx context.Context, tx db.Tx, id, fid int64, f FollowUp) error {
	var endsOn *time.Time
	if err := tx.QueryRow(ctx, `SELECT e.ends_on FROM followups f JOIN enrolments e ON e.tenant_id = f.tenant_id AND e.id = f.enrolment_id
		WHERE f.tenant_id = $1 AND f.participant_id = $2 AND f.id = $3`, tx.TenantID, id, fid).Scan(&endsOn); errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("follow-up %d: %w", fid, db.ErrNotFound)
	} else if err != nil {
		return fmt.Errorf("participant: record follow-up: %w", err)
	}
	if f.DoneOn != nil && endsOn != nil && f.DoneOn.Before(*endsOn) {
		return ErrNotDue
	}
	if f.Kind != FollowUpExit {
		f.LongTermGoal, f.ClearPlan, f.Respect, f.NoBarrier = nil, nil, nil, nil
	}
	// Recording again keeps what was recorded before.
	if _, err := tx.Exec(ctx, `
		INSERT INTO followup_revisions (tenant_id, followup_id, snapshot, replaced_by)
		SELECT tenant_id, id, to_jsonb(f) - 'tenant_id' - 'participant_id', $4 FROM followups f
		WHERE tenant_id = $1 AND participant_id = $2 AND id = $3 AND done_on IS NOT NULL`, tx.TenantID, id, fid, tx.UserID); err != nil {
		return fmt.Errorf("participant: keep follow-up revision: %w", err)
	}
	tag, err := tx.Exec(ctx, `
		UPDATE followups SET done_on = $4, occupation = $5, esf_job_searching = $6, esf_in_education = $7,
		    esf_qualification = $8, esf_employed = $9,
		    survey_long_term_goal = CASE WHEN kind = 'exit' THEN $10 END, survey_clear_plan = CASE WHEN kind = 'exit' THEN $11 END,
		    survey_respect = CASE WHEN kind = 'exit' THEN $12 END, survey_no_barrier = CASE WHEN kind = 'exit' THEN $13 END,
		    recorded_by = $14, recorded_at = now()
		WHERE tenant_id = $1 AND participant_id = $2 AND id = $3`,
		tx.TenantID, id, fid, f.DoneOn, f.Occupation, f.JobSearching, f.InEducation, f.Qualification, f.Employed,
		f.LongTermGoal, f.ClearPlan, f.Respect, f.NoBarrier, tx.UserID)
	if err != nil {
		return fmt.Errorf("participant: record follow-up: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("follow-up %d: %w", fid, db.ErrNotFound)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "followup.record", RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"followup": fid}}) // not the occupation: it can say "health care"
}

// EndTurned20 ends, as of today, the open KAA enrolments of everyone in the
// municipality of tx who has turned 20, on their 20th birthday with the
// reason "turned 20", and audits each. It schedules no follow-ups: those are
// a project enrolment's. It returns how many it ended; a second run the same
// day ends none.
func EndTurned20(ctx context.Context, tx db.Tx, today time.Time) (int, error) {
	rows, _ := tx.Query(ctx, `
		UPDATE enrolments e SET ends_on = GREATEST((p.birth_date + interval '20 years')::date, e.starts_on), end_reason = 'turned_20'
		FROM participants p
		WHERE e.tenant_id = $1 AND p.tenant_id = $1 AND p.id = e.participant_id
		  AND e.kind = 'kaa' AND e.ends_on IS NULL AND (p.birth_date + interval '20 years')::date <= $2
		RETURNING e.participant_id, e.id, e.ends_on`, tx.TenantID, today)
	type ended struct {
		PID, EID int64
		EndsOn   time.Time
	}
	done, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ended])
	if err != nil {
		return 0, fmt.Errorf("participant: end turned 20: %w", err)
	}
	for _, e := range done {
		if err := audit.Record(ctx, tx, audit.Event{Action: "enrolment.end", RecordType: "participant", RecordID: strconv.FormatInt(e.PID, 10),
			Detail: map[string]any{"enrolment": e.EID, "reason": "turned_20", "by": "turned-20 job"}}); err != nil {
			return 0, err
		}
	}
	return len(done), nil
}

// EndTurned20Everywhere runs EndTurned20 in every organisation, each in its
// own transaction, and returns how many enrolments it ended.
func EndTurned20Everywhere(ctx context.Context, pool db.Pool, today time.Time) (int, error) {
	total := 0
	err := forEachOrg(ctx, pool, func(tx db.Tx, _ string) error {
		n, err := EndTurned20(ctx, tx, today)
		total += n
		return err
	})
	return total, err
}

// forEachOrg runs fn in a transaction of each organisation in turn (with its
// key), as the system. One organisation's failure does not stop the others.
func forEachOrg(ctx context.Context, pool db.Pool, fn func(tx db.Tx, key string) error) error {
	rows, _ := pool.Query(ctx, `SELECT id, key FROM orgs ORDER BY key`)
	type org struct {
		ID  int
		Key string
	}
	orgs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[org])
	if err != nil {
		return fmt.Errorf("participant: organisations: %w", err)
	}
	var failed []error
	for _, o := range orgs {
		if err := db.InTenant(ctx, pool, o.ID, 0, func(tx db.Tx) error { return fn(tx, o.Key) }); err != nil {
			failed = append(failed, fmt.Errorf("organisation %s: %w", o.Key, err))
		}
	}
	return errors.Join(failed...)
}

// FollowUpRevision is what a follow-up said before it was recorded again.
type FollowUpRevision struct {
	DoneOn     string
	Occupation string
	ReplacedBy string
	ReplacedAt time.Time
}

// FollowUpRevisions returns the earlier recordings of follow-up fid, oldest first.
func FollowUpRevisions(ctx context.Context, tx db.Tx, fid int64) ([]FollowUpRevision, error) {
	rows, _ := tx.Query(ctx, `
		SELECT r.snapshot->>'done_on', r.snapshot->>'occupation', u.name, r.replaced_at
		FROM followup_revisions r JOIN users u ON u.id = r.replaced_by
		WHERE r.tenant_id = $1 AND r.followup_id = $2 ORDER BY r.id`, tx.TenantID, fid)
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (FollowUpRevision, error) {
		var v FollowUpRevision
		err := r.Scan(&v.DoneOn, &v.Occupation, &v.ReplacedBy, &v.ReplacedAt)
		return v, err
	})
}

// occupations are the occupations of l a form offers: every one but
// "uppgift saknas", which the forms offer as their empty choice.
func occupations(l codes.List) []string {
	var out []string
	for _, k := range l.Keys() {
		if k != codes.Unknown {
			out = append(out, k)
		}
	}
	return out
}

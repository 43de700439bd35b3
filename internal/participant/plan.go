package participant

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
)

// Mapping is one version of the intake mapping (kartläggning). It records
// strengths, challenges, direction and whether a referral was made and to
// whom, never the health or social details behind it.
type Mapping struct {
	Version       int
	MappedOn      time.Time
	Strengths     string
	Challenges    string
	Direction     string // studies, work, other, undecided
	DirectionNote string
	ReferralMade  bool
	ReferralTo    string
	CreatedBy     int
	AuthorName    string
	CreatedAt     time.Time
}

// Directions and referral targets of a mapping.
var (
	Directions      = codes.Aim.Keys()
	ReferralTargets = codes.Referral.Keys()[1:] // not "" (none)
)

// Mappings returns every version of participant id's mapping, newest first,
// and records the read.
func Mappings(ctx context.Context, tx db.Tx, id int64) ([]Mapping, error) {
	rows, _ := tx.Query(ctx, `
		SELECT m.version, m.mapped_on, m.strengths, m.challenges, m.direction, m.direction_note, m.referral_made,
		       m.referral_to, m.created_by, u.name, m.created_at
		FROM mappings m JOIN users u ON u.id = m.created_by
		WHERE m.tenant_id = $1 AND m.participant_id = $2 ORDER BY m.version DESC`, tx.TenantID, id)
	ms, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Mapping])
	if err != nil {
		return nil, fmt.Errorf("participant: mappings: %w", err)
	}
	return ms, audit.Record(ctx, tx, audit.Event{Action: "mapping.read", RecordType: "participant", RecordID: strconv.FormatInt(id, 10)})
}

// ErrCareOutsideProject means a referral to care (the student health
// service, social services, health care, a youth clinic), or social services
// or health care responsible for an åtgärd, for someone who is only in the
// KAA register, which may not hold it (codes.CareReferrals,
// codes.CareResponsibles).
var ErrCareOutsideProject = errors.New("participant: care outside a project")

// ErrNotesOutsideProject means strengths or challenges written in the
// mapping of someone who is only in the KAA register: the register holds the
// young person's occupation and the åtgärder, not an assessment of the person.
var ErrNotesOutsideProject = errors.New("participant: strengths or challenges outside a project")

// SaveMapping adds a new version of participant id's mapping, made from
// version base (0 for the first), and returns its number. Returns
// db.ErrNotFound for an unknown participant, a *StaleError when base is no
// longer the newest version, and, for someone who never had a project
// enrolment, ErrCareOutsideProject for a referral to care and
// ErrNotesOutsideProject for strengths or challenges.
func SaveMapping(ctx context.Context, tx db.Tx, id int64, base int, m Mapping) (int, error) {
	if err := lockParticipant(ctx, tx, id); err != nil {
		return 0, err
	}
	care, notes := slices.Contains(codes.CareReferrals, m.ReferralTo), m.Strengths != "" || m.Challenges != ""
	if care || notes {
		if in, err := InProject(ctx, tx, id); err != nil {
			return 0, err
		} else if !in && care {
			return 0, ErrCareOutsideProject
		} else if !in {
			return 0, ErrNotesOutsideProject
		}
	}
	if err := checkBase(ctx, tx, "mappings", id, base); err != nil {
		return 0, err
	}
	var v int
	err := tx.QueryRow(ctx, `
		INSERT INTO mappings (tenant_id, participant_id, version, mapped_on, strengths, challenges, direction, direction_note,
		    referral_made, referral_to, created_by)
		SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10
		FROM mappings WHERE tenant_id = $1 AND participant_id = $2
		RETURNING version`, tx.TenantID, id, m.MappedOn, m.Strengths, m.Challenges, m.Direction, m.DirectionNote,
		m.ReferralMade, m.ReferralTo, tx.UserID).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("participant: save mapping: %w", err)
	}
	return v, audit.Record(ctx, tx, audit.Event{Action: "mapping.save", RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"version": v}})
}

// StaleError means someone saved a newer version after the one the user
// started from; saving would silently undo their changes.
type StaleError struct {
	Version int
	By      string
	At      time.Time
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("participant: version %d saved meanwhile", e.Version)
}

// checkBase returns a *StaleError when the newest version in table (plans or
// mappings) of participant id is not base. Call it under lockParticipant.
func checkBase(ctx context.Context, tx db.Tx, table string, id int64, base int) error {
	var v int
	var by string
	var at time.Time
	err := tx.QueryRow(ctx, `SELECT t.version, u.name, t.created_at FROM `+table+` t JOIN users u ON u.id = t.created_by
		WHERE t.tenant_id = $1 AND t.participant_id = $2 ORDER BY t.version DESC LIMIT 1`, tx.TenantID, id).Scan(&v, &by, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		v = 0
	} else if err != nil {
		return fmt.Errorf("participant: check version: %w", err)
	}
	if v != base {
		return &StaleError{Version: v, By: by, At: at}
	}
	return nil
}

// lockParticipant makes the versions of one person's records follow each
// other: two coordinators saving at once get versions n and n+1, not a clash.
// Returns db.ErrNotFound for an unknown participant.
func lockParticipant(ctx context.Context, tx db.Tx, id int64) error {
	tag, err := tx.Exec(ctx, `SELECT 1 FROM participants WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, tx.TenantID, id)
	if err != nil {
		return fmt.Errorf("participant: lock: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("participant %d: %w", id, db.ErrNotFound)
	}
	return nil
}

// Goal is a goal (mål) or, with a Parent, a sub-goal (delmål) of a plan.
type Goal struct {
	Position int
	Parent   *int // position of the goal this sub-goal belongs to
	Text     string
	Status   string // not_started, in_progress, reached, dropped
}

// Measure is an åtgärd of a plan: what, who is responsible (named unless it
// is the young person or the municipality), when it starts and ends, why it
// ended, when it is followed up, and the goals it serves. An åtgärd offered
// and declined ends as "declined": it has no start (it never began), its end
// is the day it was declined, and the KAA registration goes on.
type Measure struct {
	Position        int
	Type            string
	Description     string
	Responsible     string
	ResponsibleUnit string
	StartsOn        *time.Time
	EndsOn          *time.Time
	EndReason       *string
	FollowUpOn      *time.Time
	Goals           []int // positions of the goals and sub-goals it serves, in the same version
}

// NamedResponsible reports whether an åtgärd with responsible r needs the
// name of the actor (anyone but the young person and the municipality).
func NamedResponsible(r string) bool { return r != "young_person" && r != "municipality" }

// Plan is one version of an individual action plan.
type Plan struct {
	Version    int
	FollowUpOn *time.Time
	AgreedOn   *time.Time
	ChangeNote string
	CreatedBy  int
	AuthorName string
	CreatedAt  time.Time
	Goals      []Goal
	Measures   []Measure
}

// Codes of plans.
var (
	GoalStatuses      = codes.GoalStatus.Keys()
	MeasureTypes      = codes.MeasureType.Keys()
	Responsibles      = codes.Responsible.Keys()
	MeasureEndReasons = codes.MeasureEnd.Keys()
)

// Plans returns every version of participant id's plan, newest first, with
// goals and measures, and records the read.
func Plans(ctx context.Context, tx db.Tx, id int64) ([]Plan, error) {
	rows, _ := tx.Query(ctx, `
		SELECT p.version, p.follow_up_on, p.agreed_on, p.change_note, p.created_by, u.name, p.created_at
		FROM plans p JOIN users u ON u.id = p.created_by
		WHERE p.tenant_id = $1 AND p.participant_id = $2 ORDER BY p.version DESC`, tx.TenantID, id)
	plans, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Plan, error) {
		var p Plan
		err := r.Scan(&p.Version, &p.FollowUpOn, &p.AgreedOn, &p.ChangeNote, &p.CreatedBy, &p.AuthorName, &p.CreatedAt)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("participant: plans: %w", err)
	}
	byVersion := map[int]*Plan{}
	for i := range plans {
		byVersion[plans[i].Version] = &plans[i]
	}
	rows, _ = tx.Query(ctx, `SELECT version, position, parent, text, status FROM plan_goals
		WHERE tenant_id = $1 AND participant_id = $2 ORDER BY version, position`, tx.TenantID, id)
	var v int
	var g Goal
	if _, err := pgx.ForEachRow(rows, []any{&v, &g.Position, &g.Parent, &g.Text, &g.Status}, func() error {
		byVersion[v].Goals = append(byVersion[v].Goals, g)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("participant: plan goals: %w", err)
	}
	rows, _ = tx.Query(ctx, `SELECT m.version, m.position, m.type, m.description, m.responsible, m.responsible_unit, m.starts_on, m.ends_on,
		    m.end_reason, m.follow_up_on,
		    coalesce((SELECT array_agg(g.goal ORDER BY g.goal) FROM plan_measure_goals g WHERE g.tenant_id = m.tenant_id
		              AND g.participant_id = m.participant_id AND g.version = m.version AND g.measure = m.position), '{}')
		FROM plan_measures m WHERE m.tenant_id = $1 AND m.participant_id = $2 ORDER BY m.version, m.position`, tx.TenantID, id)
	var m Measure
	if _, err := pgx.ForEachRow(rows, []any{&v, &m.Position, &m.Type, &m.Description, &m.Responsible, &m.ResponsibleUnit, &m.StartsOn, &m.EndsOn,
		&m.EndReason, &m.FollowUpOn, &m.Goals}, func() error {
		byVersion[v].Measures = append(byVersion[v].Measures, m)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("participant: plan measures: %w", err)
	}
	return plans, audit.Record(ctx, tx, audit.Event{Action: "plan.read", RecordType: "participant", RecordID: strconv.FormatInt(id, 10)})
}

// SavePlan adds a new version of participant id's plan, with its goals and
// measures, made from version base (0 for the first), and returns its number.
// Goals' parents refer to positions among p.Goals. Returns db.ErrNotFound for
// an unknown participant, a *StaleError when base is no longer the newest,
// and ErrCareOutsideProject when social services or health care is
// responsible for an åtgärd of someone who never had a project enrolment.
func SavePlan(ctx context.Context, tx db.Tx, id int64, base int, p Plan) (int, error) {
	if err := lockParticipant(ctx, tx, id); err != nil {
		return 0, err
	}
	for _, m := range p.Measures {
		if slices.Contains(codes.CareResponsibles, m.Responsible) {
			if in, err := InProject(ctx, tx, id); err != nil {
				return 0, err
			} else if !in {
				return 0, ErrCareOutsideProject
			}
			break
		}
	}
	if err := checkBase(ctx, tx, "plans", id, base); err != nil {
		return 0, err
	}
	var v int
	err := tx.QueryRow(ctx, `
		INSERT INTO plans (tenant_id, participant_id, version, follow_up_on, agreed_on, change_note, created_by)
		SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5, $6 FROM plans WHERE tenant_id = $1 AND participant_id = $2
		RETURNING version`, tx.TenantID, id, p.FollowUpOn, p.AgreedOn, p.ChangeNote, tx.UserID).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("participant: save plan: %w", err)
	}
	batch := &pgx.Batch{}
	for _, g := range p.Goals {
		batch.Queue(`INSERT INTO plan_goals (tenant_id, participant_id, version, position, parent, text, status) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			tx.TenantID, id, v, g.Position, g.Parent, g.Text, g.Status)
	}
	for _, m := range p.Measures {
		batch.Queue(`INSERT INTO plan_measures (tenant_id, participant_id, version, position, type, description, responsible,
			responsible_unit, starts_on, ends_on, end_reason, follow_up_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			tx.TenantID, id, v, m.Position, m.Type, m.Description, m.Responsible, m.ResponsibleUnit, m.StartsOn, m.EndsOn, m.EndReason, m.FollowUpOn)
	}
	// The links last: their keys name a goal and an åtgärd of this version,
	// so a link to another plan or person fails and nothing is saved.
	for _, m := range p.Measures {
		for _, g := range m.Goals {
			batch.Queue(`INSERT INTO plan_measure_goals (tenant_id, participant_id, version, measure, goal) VALUES ($1, $2, $3, $4, $5)`,
				tx.TenantID, id, v, m.Position, g)
		}
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return 0, fmt.Errorf("participant: save plan: %w", err)
	}
	action := "plan.create"
	if v > 1 {
		action = "plan.revise"
	}
	return v, audit.Record(ctx, tx, audit.Event{Action: action, RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"version": v, "goals": len(p.Goals), "measures": len(p.Measures)}})
}

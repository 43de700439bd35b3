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

// Enrolment is a period in the KAA register or in a project's sub-project.
type Enrolment struct {
	ID                 int64
	Kind               string // "kaa" or "project"
	SubprojectID       *int
	SubprojectName     string
	StartsOn           time.Time
	EndsOn             *time.Time
	RegistrationReason string
	EndReason          *string
	LabourMarket       *string // ESF+: labour-market status at entry, project enrolments only
	Education          *string // ESF+: level of education at entry, project enrolments only
	EndNote            *string // the short text of "Annan orsak"
	MovedTo            *string // kommunkod of the new home municipality, KAA "Flyttat till annan kommun" only
}

// What ESF+ asks about a project participant at entry.
var (
	LabourMarketStatuses = codes.LabourMarket.Keys()
	EducationLevels      = codes.Education.Keys()
)

// Registration reasons of a KAA enrolment, as SCB counts them.
var RegistrationReasons = codes.RegistrationReason.Keys()

// Deregistrations are the reasons a KAA registration ends (avregistrering);
// ProjectEnds those of a project enrolment.
var (
	Deregistrations = codes.Deregistration.Keys()
	ProjectEnds     = codes.ProjectEnd.Keys()
)

// EndReasons returns the reasons an enrolment of kind may end for.
func EndReasons(kind string) []string {
	if kind == "kaa" {
		return Deregistrations
	}
	return ProjectEnds
}

// ErrOpenKAA means the person already has an open KAA enrolment.
var ErrOpenKAA = errors.New("participant: already in the KAA register")

// Enrolments returns participant id's enrolments, newest first.
func Enrolments(ctx context.Context, tx db.Tx, id int64) ([]Enrolment, error) {
	rows, _ := tx.Query(ctx, `
		SELECT e.id, e.kind, e.subproject_id, coalesce(s.name, ''), e.starts_on, e.ends_on, coalesce(e.registration_reason, ''), e.end_reason,
		       e.labour_market_status, e.education_level, e.end_note, e.moved_to
		FROM enrolments e LEFT JOIN subprojects s ON s.id = e.subproject_id
		WHERE e.tenant_id = $1 AND e.participant_id = $2
		ORDER BY e.starts_on DESC, e.id DESC`, tx.TenantID, id)
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Enrolment])
}

// Enrol starts an enrolment of participant id. A project enrolment needs a
// sub-project of this organisation. Returns ErrOpenKAA when a KAA enrolment is
// already open, db.ErrNotFound for an unknown participant or sub-project.
func Enrol(ctx context.Context, tx db.Tx, id int64, e Enrolment) (int64, error) {
	if e.Kind == "project" {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM subprojects WHERE id = $1 AND org_id = $2)`, e.SubprojectID, tx.TenantID).Scan(&ok); err != nil {
			return 0, fmt.Errorf("participant: enrol: %w", err)
		}
		if !ok {
			return 0, fmt.Errorf("participant: enrol: sub-project: %w", db.ErrNotFound)
		}
	} else {
		e.SubprojectID, e.LabourMarket, e.Education = nil, nil, nil
		var open bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM enrolments WHERE tenant_id = $1 AND participant_id = $2 AND kind = 'kaa' AND ends_on IS NULL)`, tx.TenantID, id).Scan(&open); err != nil {
			return 0, fmt.Errorf("participant: enrol: %w", err)
		}
		if open {
			return 0, ErrOpenKAA
		}
	}
	var eid int64
	err := tx.QueryRow(ctx, `
		INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on, registration_reason, created_by,
		                        labour_market_status, education_level)
		SELECT $1, p.id, $3, $4, $5, NULLIF($6, ''), NULLIF($7, 0), $8, $9 FROM participants p WHERE p.tenant_id = $1 AND p.id = $2
		RETURNING id`, tx.TenantID, id, e.Kind, e.SubprojectID, e.StartsOn, e.RegistrationReason, tx.UserID, e.LabourMarket, e.Education).Scan(&eid)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("participant %d: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("participant: enrol: %w", err)
	}
	return eid, audit.Record(ctx, tx, audit.Event{Action: "enrolment.start", RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"enrolment": eid, "kind": e.Kind}})
}

// Subproject is a sub-project this organisation runs.
type Subproject struct {
	ID      int
	Name    string
	Project string
}

// Subprojects lists the sub-projects of the organisation of tx.
func Subprojects(ctx context.Context, tx db.Tx) ([]Subproject, error) {
	rows, _ := tx.Query(ctx, `
		SELECT s.id, s.name, p.name FROM subprojects s JOIN projects p ON p.id = s.project_id
		WHERE s.org_id = $1 ORDER BY p.starts_on DESC, s.name`, tx.TenantID)
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Subproject])
}

// SetRegistrationReason corrects the reason for registration of KAA enrolment
// eid of participant id. Returns db.ErrNotFound unless it is a KAA enrolment
// of that participant.
func SetRegistrationReason(ctx context.Context, tx db.Tx, id, eid int64, reason string) error {
	tag, err := tx.Exec(ctx, `UPDATE enrolments SET registration_reason = $4
		WHERE tenant_id = $1 AND participant_id = $2 AND id = $3 AND kind = 'kaa'`, tx.TenantID, id, eid, reason)
	if err != nil {
		return fmt.Errorf("participant: registration reason: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("enrolment %d: %w", eid, db.ErrNotFound)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "enrolment.update", RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"enrolment": eid, "registration_reason": reason}})
}

// InProject reports whether participant id has, or had, a project enrolment:
// only then may the record hold what a project's own legal basis allows
// beyond the KAA register (docs/privacy.md).
func InProject(ctx context.Context, tx db.Tx, id int64) (bool, error) {
	var in bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM enrolments WHERE tenant_id = $1 AND participant_id = $2 AND kind = 'project')`,
		tx.TenantID, id).Scan(&in)
	if err != nil {
		return false, fmt.Errorf("participant: in project: %w", err)
	}
	return in, nil
}

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
	"github.com/kaa-plattform/kaa/internal/db"
)

// Holder is a user responsible for young people here, with how many.
type Holder struct {
	ID     int
	Name   string
	Count  int
	Active bool // still an active coordinator here
}

// Holders lists everyone who is responsible for someone here, also users
// who have since lost their role (their young people still need a new
// coordinator), with the number of each.
func Holders(ctx context.Context, tx db.Tx) ([]Holder, error) {
	rows, _ := tx.Query(ctx, `
		SELECT u.id, u.name, count(*)::int,
		       u.active AND EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = $1 AND m.user_id = u.id AND m.role = 'coordinator')
		FROM participant_coordinators pc
		JOIN participants p ON p.tenant_id = pc.tenant_id AND p.id = pc.participant_id AND p.erased_on IS NULL
		JOIN users u ON u.id = pc.user_id
		WHERE pc.tenant_id = $1
		GROUP BY u.id, u.name, u.active ORDER BY u.name, u.id`, tx.TenantID)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Holder])
	if err != nil {
		return nil, fmt.Errorf("participant: holders: %w", err)
	}
	return out, nil
}

// ResponsibleNames returns the names of everyone here that
// the list may show as responsible, by user id: the active coordinators and
// anyone still responsible for someone.
func ResponsibleNames(ctx context.Context, tx db.Tx) (map[int]string, error) {
	rows, _ := tx.Query(ctx, `
		SELECT u.id, u.name FROM users u
		WHERE u.id IN (SELECT m.user_id FROM memberships m WHERE m.tenant_id = $1 AND m.role = 'coordinator')
		   OR u.id IN (SELECT pc.user_id FROM participant_coordinators pc WHERE pc.tenant_id = $1)`, tx.TenantID)
	names := map[int]string{}
	var id int
	var name string
	_, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { names[id] = name; return nil })
	if err != nil {
		return nil, fmt.Errorf("participant: coordinator names: %w", err)
	}
	return names, nil
}

// CaseItem is one young person in a coordinator's caseload.
type CaseItem struct {
	ID        int64
	FirstName string
	LastName  string
	BirthDate time.Time
	Status    string
	Others    int // other coordinators also responsible
}

// Caseload returns the young people userID is responsible for here, by
// name, and records the read.
func Caseload(ctx context.Context, tx db.Tx, userID int) ([]CaseItem, error) {
	rows, _ := tx.Query(ctx, `
		SELECT p.id, p.first_name, p.last_name, p.birth_date, `+statusSQL+`,
		       (SELECT count(*)::int FROM participant_coordinators o WHERE o.tenant_id = p.tenant_id AND o.participant_id = p.id AND o.user_id <> $2)
		FROM participant_coordinators pc JOIN participants p ON p.tenant_id = pc.tenant_id AND p.id = pc.participant_id
		WHERE pc.tenant_id = $1 AND pc.user_id = $2 AND p.erased_on IS NULL
		ORDER BY lower(p.last_name), lower(p.first_name), p.id`, tx.TenantID, userID)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[CaseItem])
	if err != nil {
		return nil, fmt.Errorf("participant: caseload: %w", err)
	}
	return out, audit.Record(ctx, tx, audit.Event{Action: "participant.list", RecordType: "participant",
		Detail: map[string]any{"caseload_of": userID, "shown": len(out)}})
}

// ErrNoteNeeded means a handover was asked for without its note.
var ErrNoteNeeded = errors.New("participant: a handover needs a note")

// Handover moves the young people ids from coordinator from to the
// coordinators to, spread evenly (in turn, by user id), in one go: from loses each link, the
// new coordinator gets it. Each move is audited with the note. Returns
// ErrNoneSelected; ErrUnknownSelected unless every one of ids is from's
// here; ErrNotCoordinator unless every one of to is an active coordinator
// here other than from; ErrNoteNeeded. It returns how many each got.
func Handover(ctx context.Context, tx db.Tx, from int, ids []int64, to []int, note string) (map[int]int, error) {
	if note == "" {
		return nil, ErrNoteNeeded
	}
	ids, err := lockSelected(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	var held int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM participant_coordinators WHERE tenant_id = $1 AND user_id = $2 AND participant_id = ANY($3)`,
		tx.TenantID, from, ids).Scan(&held); err != nil {
		return nil, fmt.Errorf("participant: handover: %w", err)
	}
	if held != len(ids) {
		return nil, ErrUnknownSelected
	}
	to = slices.Compact(slices.Sorted(slices.Values(to)))
	if slices.Contains(to, from) {
		return nil, ErrNotCoordinator
	}
	if err := checkCoordinators(ctx, tx, to); err != nil {
		return nil, err
	}
	got := map[int]int{}
	for i, id := range ids {
		target := to[i%len(to)]
		if _, err := tx.Exec(ctx, `DELETE FROM participant_coordinators WHERE tenant_id = $1 AND participant_id = $2 AND user_id = $3`,
			tx.TenantID, id, from); err != nil {
			return nil, fmt.Errorf("participant: handover: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO participant_coordinators (tenant_id, participant_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			tx.TenantID, id, target); err != nil {
			return nil, fmt.Errorf("participant: handover: %w", err)
		}
		got[target]++
		if err := audit.Record(ctx, tx, audit.Event{Action: "participant.handover", RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"from": from, "to": target, "note": note}}); err != nil {
			return nil, err
		}
	}
	return got, nil
}

// HeldBy returns how many young people here userID is responsible for.
func HeldBy(ctx context.Context, tx db.Tx, userID int) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM participant_coordinators pc JOIN participants p ON p.tenant_id = pc.tenant_id AND p.id = pc.participant_id
		WHERE pc.tenant_id = $1 AND pc.user_id = $2 AND p.erased_on IS NULL`, tx.TenantID, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("participant: held by: %w", err)
	}
	return n, nil
}

package participant

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
)

// ErrNoneSelected means a bulk action was asked for nobody.
var ErrNoneSelected = errors.New("participant: nobody selected")

// ErrUnknownSelected means some of the selected are not in this
// municipality's register (another municipality's, erased, or made up). It is
// a db.ErrNotFound: a row elsewhere is never confirmed to exist.
var ErrUnknownSelected = fmt.Errorf("participant: selected people not found here: %w", db.ErrNotFound)

// NoRegistrationError lists the selected people who have no open KAA
// registration, so a registration reason cannot be set for them.
type NoRegistrationError struct{ Names []string }

func (e *NoRegistrationError) Error() string {
	return fmt.Sprintf("participant: %d selected without an open KAA registration", len(e.Names))
}

// lockSelected locks the participants ids of this municipality and returns
// them without repeats. Returns ErrNoneSelected for none, and
// ErrUnknownSelected unless every one is in the register here: row-level
// security hides another municipality's, and the count tells.
func lockSelected(ctx context.Context, tx db.Tx, ids []int64) ([]int64, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return nil, ErrNoneSelected
	}
	var found int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM participants
		WHERE tenant_id = $1 AND id = ANY($2) AND erased_on IS NULL ORDER BY id FOR UPDATE) x`, tx.TenantID, ids).Scan(&found)
	if err != nil {
		return nil, fmt.Errorf("participant: lock selected: %w", err)
	}
	if found != len(ids) {
		return nil, ErrUnknownSelected
	}
	return ids, nil
}

// checkCoordinators returns ErrNotCoordinator unless every one of userIDs is
// an active user holding the coordinator role here.
func checkCoordinators(ctx context.Context, tx db.Tx, userIDs []int) error {
	userIDs = slices.Compact(slices.Sorted(slices.Values(userIDs)))
	if len(userIDs) == 0 {
		return ErrNotCoordinator
	}
	var n int
	err := tx.QueryRow(ctx, `SELECT count(DISTINCT m.user_id) FROM memberships m JOIN users u ON u.id = m.user_id AND u.active
		WHERE m.tenant_id = $1 AND m.role = 'coordinator' AND m.user_id = ANY($2)`, tx.TenantID, userIDs).Scan(&n)
	if err != nil {
		return fmt.Errorf("participant: check coordinators: %w", err)
	}
	if n != len(userIDs) {
		return ErrNotCoordinator
	}
	return nil
}

// AssignMany makes coordinatorID responsible for every one of ids: beside
// those already responsible, or instead of them when replace is set. One
// audit event per person. Returns ErrNoneSelected, ErrUnknownSelected or
// ErrNotCoordinator, and then has written nothing.
func AssignMany(ctx context.Context, tx db.Tx, ids []int64, coordinatorID int, replace bool) error {
	ids, err := lockSelected(ctx, tx, ids)
	if err != nil {
		return err
	}
	if err := checkCoordinators(ctx, tx, []int{coordinatorID}); err != nil {
		return err
	}
	if replace {
		if _, err := tx.Exec(ctx, `DELETE FROM participant_coordinators WHERE tenant_id = $1 AND participant_id = ANY($2) AND user_id <> $3`,
			tx.TenantID, ids, coordinatorID); err != nil {
			return fmt.Errorf("participant: assign many: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO participant_coordinators (tenant_id, participant_id, user_id)
		SELECT $1, unnest($2::bigint[]), $3 ON CONFLICT DO NOTHING`, tx.TenantID, ids, coordinatorID); err != nil {
		return fmt.Errorf("participant: assign many: %w", err)
	}
	for _, id := range ids {
		if err := audit.Record(ctx, tx, audit.Event{Action: "participant.assign", RecordType: "participant", RecordID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"coordinator": coordinatorID, "replace": replace, "selected": len(ids)}}); err != nil {
			return err
		}
	}
	return nil
}

// LogContactMany logs c as a contact of each of ids (a group SMS or letter
// sent to them all), each audited as its own contact. Returns
// ErrNoneSelected or ErrUnknownSelected, and then has written nothing.
func LogContactMany(ctx context.Context, tx db.Tx, ids []int64, c Contact) error {
	ids, err := lockSelected(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := LogContact(ctx, tx, id, c); err != nil {
			return err
		}
	}
	return nil
}

// SetReasonMany sets the registration reason of the open KAA registration of
// each of ids. When any of them has none, it changes nobody and returns a
// *NoRegistrationError naming them: the coordinator picks again rather than
// being left to guess who was changed. Also returns ErrNoneSelected or
// ErrUnknownSelected.
func SetReasonMany(ctx context.Context, tx db.Tx, ids []int64, reason string) error {
	ids, err := lockSelected(ctx, tx, ids)
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `
		SELECT p.id, p.first_name || ' ' || p.last_name,
		       (SELECT e.id FROM enrolments e WHERE e.tenant_id = p.tenant_id AND e.participant_id = p.id
		        AND e.kind = 'kaa' AND e.ends_on IS NULL ORDER BY e.starts_on DESC, e.id DESC LIMIT 1)
		FROM participants p WHERE p.tenant_id = $1 AND p.id = ANY($2) ORDER BY lower(p.last_name), lower(p.first_name), p.id`, tx.TenantID, ids)
	if err != nil {
		return fmt.Errorf("participant: reasons: %w", err)
	}
	type open struct{ id, eid int64 }
	var todo []open
	var missing []string
	for rows.Next() {
		var id int64
		var name string
		var eid *int64
		if err := rows.Scan(&id, &name, &eid); err != nil {
			rows.Close()
			return fmt.Errorf("participant: reasons: %w", err)
		}
		if eid == nil {
			missing = append(missing, name)
		} else {
			todo = append(todo, open{id, *eid})
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("participant: reasons: %w", err)
	}
	if len(missing) > 0 {
		return &NoRegistrationError{Names: missing}
	}
	for _, o := range todo {
		if err := SetRegistrationReason(ctx, tx, o.id, o.eid, reason); err != nil {
			return err
		}
	}
	return nil
}

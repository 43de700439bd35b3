package export

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
)

// RotateKey adds a new version of every export secret of the project (the
// project's own and each member's), so that every pseudonymous id of its
// later exports differs from the earlier ones. It needs the schema owner: the
// serving role cannot touch the secrets. It returns the project's new key
// version and records the rotation in the security log.
func RotateKey(ctx context.Context, tx pgx.Tx, projectID int) (int, error) {
	var version int
	err := tx.QueryRow(ctx, `
		WITH scopes AS (SELECT 0 AS org_id UNION SELECT org_id FROM export_keys WHERE project_id = $1),
		added AS (
		    INSERT INTO export_keys (project_id, org_id, version)
		    SELECT $1, s.org_id, coalesce(max(k.version), 0) + 1
		    FROM scopes s LEFT JOIN export_keys k ON k.project_id = $1 AND k.org_id = s.org_id
		    GROUP BY s.org_id
		    RETURNING org_id, version)
		SELECT version FROM added WHERE org_id = 0`, projectID).Scan(&version)
	if err != nil {
		return 0, fmt.Errorf("export: rotate key: %w", err)
	}
	return version, audit.RecordSecurity(ctx, tx, audit.SecurityEvent{Action: "export.key_rotated", ProjectID: projectID,
		Detail: map[string]any{"version": version}})
}

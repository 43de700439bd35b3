package audit

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/db"
)

// Check is the result of walking one municipality's audit chain.
type Check struct {
	TenantID int
	Key      string
	Rows     int64
	// Broken is empty when the chain holds; otherwise why it breaks at Seq
	// (row ID): "changed" (the row's content no longer matches its hash),
	// "relinked" (it does not point at the row before it) or "missing" (the
	// row before it in the chain is gone).
	Broken string
	Seq    int64
	ID     int64
}

// Verify walks the audit chain of every municipality (every organisation
// with audit rows) and reports, for each, the first row where it breaks.
// pool must connect as the owner: it reads each organisation as that
// organisation.
func Verify(ctx context.Context, pool *pgxpool.Pool) ([]Check, error) {
	rows, _ := pool.Query(ctx, `SELECT id, key FROM orgs ORDER BY key`)
	var orgs []Check
	var c Check
	if _, err := pgx.ForEachRow(rows, []any{&c.TenantID, &c.Key}, func() error {
		orgs = append(orgs, c)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("audit: verify: %w", err)
	}
	for i := range orgs {
		c := &orgs[i]
		err := db.InTenant(ctx, pool, c.TenantID, 0, func(tx db.Tx) error {
			return tx.QueryRow(ctx, `
				SELECT (SELECT count(*) FROM audit_events WHERE tenant_id = $1),
				       coalesce(b.why, ''), coalesce(b.seq, 0), coalesce(b.id, 0)
				FROM (SELECT 1) one LEFT JOIN (
				    SELECT CASE WHEN NOT v.consecutive THEN 'missing' WHEN NOT v.intact THEN 'changed' ELSE 'relinked' END AS why, v.seq, v.id
				    FROM audit_verify($1) v WHERE NOT (v.intact AND v.linked AND v.consecutive)
				    ORDER BY v.seq LIMIT 1) b ON true`, c.TenantID).Scan(&c.Rows, &c.Broken, &c.Seq, &c.ID)
		})
		if err != nil {
			return nil, fmt.Errorf("audit: verify %s: %w", c.Key, err)
		}
	}
	return orgs, nil
}

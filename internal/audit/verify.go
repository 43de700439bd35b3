package audit

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/auditkey"
	"github.com/kaa-plattform/kaa/internal/db"
)

// Check is the result of walking one municipality's audit chain.
type Check struct {
	TenantID int
	Key      string
	Rows     int64
	// Unkeyed is how many rows, at the start of the chain, carry a plain
	// SHA-256 hash: those written before the chain was keyed (migration
	// 000025). Keyed rows follow them.
	Unkeyed int64
	// Checkpoints is how many checkpoints of this municipality the chain
	// was held against.
	Checkpoints int
	// Broken is empty when the chain holds; otherwise why it breaks at Seq
	// (row ID): "changed" (the row's content no longer matches its MAC or
	// hash), "relinked" (it does not point at the row before it), "missing"
	// (the row before it in the chain is gone), "unkeyed" (a row without a
	// MAC after keyed rows), "unknown_key" (its MAC was made with a key not
	// given), "cut" (the chain ends below the checkpoint at Seq) or
	// "rewritten" (row Seq's hash is no longer the checkpoint's).
	Broken string
	Seq    int64
	ID     int64
	KeyID  string // for "unknown_key": the row's key id
}

// Verify walks the audit chain of every municipality (every organisation)
// and reports, for each, the first row where it breaks. Keyed rows are
// checked with keys (the current key and retired ones), unkeyed ones as
// plain SHA-256. Each checkpoint (see Checkpoint) must still be in its
// chain: the row at its place with its hash, so a chain cut at the tail or
// rebuilt below a checkpoint is named. The check is made here from the
// columns, not by functions in the database, which its owner could change.
// pool must connect as the owner: it reads each organisation as that
// organisation. Returns an error for a checkpoint of an organisation that
// does not exist.
func Verify(ctx context.Context, pool *pgxpool.Pool, keys []auditkey.Key, checkpoints []Checkpoint) ([]Check, error) {
	rows, _ := pool.Query(ctx, `SELECT id, key FROM orgs ORDER BY key`)
	var orgs []Check
	var c Check
	if _, err := pgx.ForEachRow(rows, []any{&c.TenantID, &c.Key}, func() error {
		orgs = append(orgs, c)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("audit: verify: %w", err)
	}
	byOrg := map[string][]Checkpoint{}
	for _, cp := range checkpoints {
		if !slices.ContainsFunc(orgs, func(c Check) bool { return c.Key == cp.Org }) {
			return nil, fmt.Errorf("audit: verify: a checkpoint names organisation %s, which is not in the database", cp.Org)
		}
		byOrg[cp.Org] = append(byOrg[cp.Org], cp)
	}
	for i := range orgs {
		c := &orgs[i]
		err := db.InTenant(ctx, pool, c.TenantID, 0, func(tx db.Tx) error {
			return verifyChain(ctx, tx, c, keys, byOrg[c.Key])
		})
		if err != nil {
			return nil, fmt.Errorf("audit: verify %s: %w", c.Key, err)
		}
	}
	return orgs, nil
}

func verifyChain(ctx context.Context, tx db.Tx, c *Check, keys []auditkey.Key, cps []Checkpoint) error {
	slices.SortFunc(cps, func(a, b Checkpoint) int { return cmp.Compare(a.Seq, b.Seq) })
	wanted := map[int64][]byte{} // checkpoint seq -> the hash the chain has there
	for _, cp := range cps {
		wanted[cp.Seq] = nil
	}
	rows, _ := tx.Query(ctx, `
		SELECT seq, id, at, coalesce(user_id::text, ''), action, record_type, record_id, request_id, client_addr,
		       detail::text, prev_hash, hash, coalesce(key_id, '')
		FROM audit_events WHERE tenant_id = $1 ORDER BY seq`, tx.TenantID)
	var r row
	var last row
	keyed := false
	if _, err := pgx.ForEachRow(rows, []any{&r.seq, &r.id, &r.at, &r.user, &r.action, &r.recordType, &r.recordID,
		&r.requestID, &r.clientAddr, &r.detail, &r.prevHash, &r.hash, &r.keyID}, func() error {
		c.Rows++
		if _, ok := wanted[r.seq]; ok {
			wanted[r.seq] = r.hash
		}
		if c.Broken == "" {
			c.Broken, c.KeyID = r.check(c.TenantID, last, keyed, keys)
			c.Seq, c.ID = r.seq, r.id
			if r.keyID == "" && !keyed {
				c.Unkeyed++
			}
			keyed = keyed || r.keyID != ""
		}
		last = r
		return nil
	}); err != nil {
		return err
	}
	if c.Broken != "" {
		return nil
	}
	c.Seq, c.ID = 0, 0
	for _, cp := range cps {
		c.Checkpoints++
		h := wanted[cp.Seq]
		switch {
		case cp.Seq > last.seq:
			c.Broken, c.Seq = "cut", cp.Seq
		case h == nil || !bytes.Equal(h, cp.Hash):
			c.Broken, c.Seq = "rewritten", cp.Seq
		default:
			continue
		}
		return nil
	}
	return nil
}

// row is one audit row as the chain covers it.
type row struct {
	seq, id                                                                  int64
	at                                                                       time.Time
	user, action, recordType, recordID, requestID, clientAddr, detail, keyID string
	prevHash, hash                                                           []byte
}

// check returns why r breaks the chain after last ("" if it does not), and
// for "unknown_key" the key id.
func (r row) check(tenant int, last row, keyed bool, keys []auditkey.Key) (string, string) {
	if r.seq != last.seq+1 {
		return "missing", ""
	}
	var sum []byte
	switch {
	case r.keyID == "" && keyed:
		return "unkeyed", ""
	case r.keyID == "":
		s := sha256.Sum256(r.message(tenant))
		sum = s[:]
	default:
		k, ok := auditkey.Find(keys, r.keyID)
		if !ok {
			return "unknown_key", r.keyID
		}
		sum = k.MAC(r.message(tenant))
	}
	if !bytes.Equal(sum, r.hash) {
		return "changed", ""
	}
	if !bytes.Equal(r.prevHash, last.hash) {
		return "relinked", ""
	}
	return "", ""
}

// message is what a row's hash covers, byte for byte as the database's
// audit_message builds it: the hash of the row before, then the content
// joined by the unit separator, the time in UTC with microseconds.
func (r row) message(tenant int) []byte {
	b := slices.Clone(r.prevHash)
	for i, f := range []string{strconv.Itoa(tenant), strconv.FormatInt(r.seq, 10), strconv.FormatInt(r.id, 10),
		r.at.UTC().Format("2006-01-02T15:04:05.000000"), r.user, r.action, r.recordType, r.recordID, r.requestID,
		r.clientAddr, r.detail} {
		if i > 0 {
			b = append(b, 0x1f)
		}
		b = append(b, f...)
	}
	return b
}

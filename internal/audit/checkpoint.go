package audit

import (
	"bufio"
	"context"
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/auditkey"
	"github.com/kaa-plattform/kaa/internal/db"
)

// Checkpoint is where a municipality's audit chain stood at a moment: its
// last row's place and hash. Kept outside the database (the server's log and
// a file the operator keeps), it lets Verify see a chain cut at the tail or
// rebuilt below it, which the chain alone cannot show. MAC, under a key
// derived from the audit key, makes an edited checkpoint fail to read.
type Checkpoint struct {
	Org   string    `json:"org"` // the organisation's key (kommunkod)
	Seq   int64     `json:"seq"`
	Hash  hexBytes  `json:"hash"`
	At    time.Time `json:"at"`
	KeyID string    `json:"key_id"`
	MAC   hexBytes  `json:"mac"`
}

type hexBytes []byte

func (h hexBytes) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(h)), nil }

func (h *hexBytes) UnmarshalText(b []byte) error {
	v, err := hex.DecodeString(string(b))
	*h = v
	return err
}

func (cp Checkpoint) message() []byte {
	return fmt.Appendf(nil, "%s\x1f%d\x1f%x\x1f%s", cp.Org, cp.Seq, []byte(cp.Hash), cp.At.UTC().Format(time.RFC3339Nano))
}

func checkpointKey(k auditkey.Key) auditkey.Key { return k.Sub("checkpoint") }

// Heads returns a signed checkpoint of every organisation's chain that has
// rows, as it stands now. pool may be the serving role's: it reads each
// organisation as that organisation.
func Heads(ctx context.Context, pool *pgxpool.Pool, key auditkey.Key) ([]Checkpoint, error) {
	rows, _ := pool.Query(ctx, `SELECT id, key FROM orgs ORDER BY key`)
	var ids []int
	var orgs []string
	var id int
	var org string
	if _, err := pgx.ForEachRow(rows, []any{&id, &org}, func() error {
		ids, orgs = append(ids, id), append(orgs, org)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("audit: checkpoint: %w", err)
	}
	var out []Checkpoint
	for i, id := range ids {
		cp := Checkpoint{Org: orgs[i]}
		err := db.InTenant(ctx, pool, id, 0, func(tx db.Tx) error {
			return tx.QueryRow(ctx, `SELECT seq, hash, clock_timestamp() FROM audit_events WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1`,
				id).Scan(&cp.Seq, &cp.Hash, &cp.At)
		})
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("audit: checkpoint %s: %w", cp.Org, err)
		}
		cp.At = cp.At.UTC()
		cp.KeyID = key.ID
		cp.MAC = checkpointKey(key).MAC(cp.message())
		out = append(out, cp)
	}
	return out, nil
}

// AppendCheckpoints adds cps to the file at path, one JSON object a line,
// creating it if need be, and syncs it to disk.
func AppendCheckpoints(path string, cps []Checkpoint) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("audit: checkpoint file: %w", err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, cp := range cps {
		enc.Encode(cp)
	}
	err = errors.Join(w.Flush(), f.Sync(), f.Close())
	if err != nil {
		return fmt.Errorf("audit: checkpoint file: %w", err)
	}
	return nil
}

// ReadCheckpoints reads a checkpoint file and checks each line's MAC with
// the key among keys that made it. Returns an error naming the first line
// that is not a checkpoint, was made with a key not given, or was changed.
func ReadCheckpoints(r io.Reader, keys []auditkey.Key) ([]Checkpoint, error) {
	var out []Checkpoint
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		var cp Checkpoint
		if err := json.Unmarshal(line, &cp); err != nil {
			return nil, fmt.Errorf("audit: checkpoint line %d: not a checkpoint: %w", n, err)
		}
		k, ok := auditkey.Find(keys, cp.KeyID)
		if !ok {
			return nil, fmt.Errorf("audit: checkpoint line %d: made with audit key %s, which is neither KAA_AUDIT_KEY nor in KAA_AUDIT_OLD_KEYS", n, strconv.Quote(cp.KeyID))
		}
		if !hmac.Equal(checkpointKey(k).MAC(cp.message()), cp.MAC) {
			return nil, fmt.Errorf("audit: checkpoint line %d (%s, row %d): its MAC does not match: the line was changed", n, cp.Org, cp.Seq)
		}
		out = append(out, cp)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("audit: checkpoints: %w", err)
	}
	return out, nil
}

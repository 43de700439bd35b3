package participant

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/kaalist"
	"github.com/kaa-plattform/kaa/internal/personnummer"
)

// keptLists is how many applied lists of one source are kept: the newest
// is what the next list is compared with; the one before it is kept so
// that the comparison survives applying the same people twice.
const keptLists = 2

// recordList records the list applied from source with the participants
// whose personnummer it held, unless it holds nobody or the newest list of
// the source held the same people, and deletes the source's older lists.
func recordList(ctx context.Context, tx db.Tx, source, filename string, pnrs []string) error {
	if len(pnrs) == 0 { // a list of nobody (every row refused) is no list to compare the next with
		return nil
	}
	sorted := slices.Clone(pnrs)
	slices.Sort(sorted)
	sum := sha256.Sum256([]byte(strings.Join(slices.Compact(sorted), ",")))
	digest := hex.EncodeToString(sum[:])
	var last string
	err := tx.QueryRow(ctx, `SELECT digest FROM import_lists WHERE tenant_id = $1 AND source = $2 ORDER BY id DESC LIMIT 1`,
		tx.TenantID, source).Scan(&last)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("participant: import list: %w", err)
	}
	if last == digest {
		return nil
	}
	_, err = tx.Exec(ctx, `
		WITH l AS (
		    INSERT INTO import_lists (tenant_id, source, filename, digest, people, applied_by)
		    VALUES ($1, $2, $3, $4, cardinality($5::text[]), $6) RETURNING id)
		INSERT INTO import_list_people (tenant_id, list_id, participant_id)
		SELECT $1, l.id, p.id FROM l, participants p WHERE p.tenant_id = $1 AND p.personnummer = ANY($5)`,
		tx.TenantID, source, filename, digest, slices.Compact(sorted), tx.UserID)
	if err != nil {
		return fmt.Errorf("participant: import list: %w", err)
	}
	_, err = tx.Exec(ctx, `
		DELETE FROM import_lists WHERE tenant_id = $1 AND source = $2
		AND id NOT IN (SELECT id FROM import_lists WHERE tenant_id = $1 AND source = $2 ORDER BY id DESC LIMIT $3)`,
		tx.TenantID, source, keptLists)
	if err != nil {
		return fmt.Errorf("participant: import list cleanup: %w", err)
	}
	return nil
}

// MaxSenderLen is the longest sender a coordinator may name, in characters.
const MaxSenderLen = 100

var foldAccents = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// SenderSource is the source of a file from sender (the school or office
// that sends the list, as the coordinator names it): "fil:" and the name
// in lower case, å and ä as a, ö as o, other accents dropped and anything
// but a–z and 0–9 as '-', at most 40 characters in all. Each sender's
// lists are compared with that sender's previous list only. Without a
// sender (or one with no letter or digit) it is "fil".
func SenderSource(sender string) string {
	folded, _, _ := transform.String(foldAccents, strings.ToLower(sender))
	var b strings.Builder
	dash := false
	for _, r := range folded {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	slug := b.String()
	if max := 40 - len(SourceFile+":"); len(slug) > max {
		slug = strings.TrimRight(slug[:max], "-")
	}
	if slug == "" {
		return SourceFile
	}
	return SourceFile + ":" + slug
}

// SenderName is the sender of a file's source as the upload form offers it
// again ("hassleholms tekniska skola" for "fil:hassleholms-tekniska-skola"):
// SenderSource of it is the same source. "" for any other source.
func SenderName(source string) string {
	slug, ok := strings.CutPrefix(source, SourceFile+":")
	if !ok {
		return ""
	}
	return strings.ReplaceAll(slug, "-", " ")
}

// Senders are the senders of the files applied before in the
// municipality of tx (their lists are kept), newest first, to offer on
// the upload form.
func Senders(ctx context.Context, tx db.Tx) ([]string, error) {
	q, _ := tx.Query(ctx, `SELECT source FROM import_lists WHERE tenant_id = $1 AND source LIKE 'fil:%'
		GROUP BY source ORDER BY max(id) DESC LIMIT 100`, tx.TenantID)
	var out []string
	var source string
	if _, err := pgx.ForEachRow(q, []any{&source}, func() error {
		out = append(out, SenderName(source))
		return nil
	}); err != nil {
		return nil, fmt.Errorf("participant: senders: %w", err)
	}
	return out, nil
}

// Gone is a person who was on the previous list of the same source but is
// not on this one: a candidate for avregistrering, never removed by the
// import.
type Gone struct {
	ID                                int64
	FirstName, LastName, Personnummer string
	OpenKAA                           bool // registered in the KAA register now
}

// Comparison is what a list changes against the previous applied list of
// its source.
type Comparison struct {
	Previous time.Time // when the previous list was applied; zero when there was none
	PrevName string    // its file name
	Sender   string    // the sender of this list and the previous one (SenderName), "" for files without one
	Gone     []Gone
}

// Compare lists who was on the newest applied list of source but is not
// among the rows of this one (by personnummer; rows with errors count as
// on the list when their personnummer could be read), ordered by name.
// Erased people are left out. Audited as a read of their names.
func Compare(ctx context.Context, tx db.Tx, importID int64, source string, rows []PreviewRow) (Comparison, error) {
	c := Comparison{Sender: SenderName(source)}
	var listID int64
	err := tx.QueryRow(ctx, `SELECT id, applied_at, filename FROM import_lists WHERE tenant_id = $1 AND source = $2 ORDER BY id DESC LIMIT 1`,
		tx.TenantID, source).Scan(&listID, &c.Previous, &c.PrevName)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, nil
	} else if err != nil {
		return c, fmt.Errorf("participant: import compare: %w", err)
	}
	pnrs := []string{} // not nil: NOT (x = ANY(NULL)) would hide everyone
	for _, r := range rows {
		if r.Personnummer != "" {
			pnrs = append(pnrs, r.Personnummer)
		}
	}
	q, _ := tx.Query(ctx, `
		SELECT p.id, p.first_name, p.last_name, p.personnummer,
		       EXISTS (SELECT 1 FROM enrolments e WHERE e.tenant_id = p.tenant_id AND e.participant_id = p.id AND e.kind = 'kaa' AND e.ends_on IS NULL)
		FROM import_list_people lp JOIN participants p ON p.tenant_id = lp.tenant_id AND p.id = lp.participant_id
		WHERE lp.tenant_id = $1 AND lp.list_id = $2 AND p.erased_on IS NULL AND NOT (p.personnummer = ANY($3))
		ORDER BY p.last_name, p.first_name, p.id`, tx.TenantID, listID, pnrs)
	var g Gone
	if _, err := pgx.ForEachRow(q, []any{&g.ID, &g.FirstName, &g.LastName, &g.Personnummer, &g.OpenKAA}, func() error {
		c.Gone = append(c.Gone, g)
		return nil
	}); err != nil {
		return c, fmt.Errorf("participant: import compare: %w", err)
	}
	return c, audit.Record(ctx, tx, audit.Event{Action: "import.compare", RecordType: "import", RecordID: strconv.FormatInt(importID, 10),
		Detail: map[string]any{"list": listID, "gone": len(c.Gone)}})
}

// queueUnidentified puts the rows of a list that carry a temporary number
// in the queue "Saknar giltigt personnummer"; a number already queued is
// left alone. Returns how many rows went in and, in Swedish, each row left
// out because its number is queued for someone with another name (two
// schools may give the same school-local number).
func queueUnidentified(ctx context.Context, tx db.Tx, source, filename string, rows []PreviewRow) (int, []string, error) {
	var n int
	var conflicts []string
	for _, r := range rows {
		tag, err := tx.Exec(ctx, `
			INSERT INTO import_unidentified (tenant_id, source, filename, line, number, first_name, last_name, mobile, email,
			    school, programme, left_school_on, registered_on, reason, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
			ON CONFLICT (tenant_id, number) DO NOTHING`,
			tx.TenantID, source, filename, r.Line, r.NumberAsWritten, r.FirstName, r.LastName, r.Mobile, r.Email,
			r.School, r.Programme, dateOrNil(r.LeftSchoolOn), dateOrNil(r.RegisteredOn), r.Reason, tx.UserID)
		if err != nil {
			return n, nil, fmt.Errorf("participant: queue unidentified: %w", err)
		}
		if tag.RowsAffected() == 1 {
			n++
			continue
		}
		var first, last, file string
		if err := tx.QueryRow(ctx, `SELECT first_name, last_name, filename FROM import_unidentified WHERE tenant_id = $1 AND number = $2`,
			tx.TenantID, r.NumberAsWritten).Scan(&first, &last, &file); err != nil {
			return n, nil, fmt.Errorf("participant: queue unidentified: %w", err)
		}
		if !strings.EqualFold(first, r.FirstName) || !strings.EqualFold(last, r.LastName) {
			conflicts = append(conflicts, fmt.Sprintf("Rad %d (%s %s): numret ”%s” finns redan i kön för %s %s från %s, så raden lades inte i kön. Registrera personen för hand när personnumret är känt.",
				r.Line, r.FirstName, r.LastName, r.NumberAsWritten, first, last, file))
		}
	}
	return n, conflicts, nil
}

// UnidentifiedRow is a row of a list without a valid personnummer, waiting
// for a coordinator.
type UnidentifiedRow struct {
	ID                  int64
	Source, Filename    string
	Line                int
	Number              string // as written in the list
	FirstName, LastName string
	Mobile, Email       string
	School, Programme   string
	LeftSchoolOn        *time.Time
	RegisteredOn        *time.Time
	Reason              string
	CreatedAt           time.Time
}

// UnidentifiedCount is how many rows wait in the queue "Saknar giltigt
// personnummer" of the municipality (no personal data: not audited).
func UnidentifiedCount(ctx context.Context, tx db.Tx) (int, error) {
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM import_unidentified WHERE tenant_id = $1`, tx.TenantID).Scan(&n); err != nil {
		return 0, fmt.Errorf("participant: unidentified count: %w", err)
	}
	return n, nil
}

// Unidentified lists the queue "Saknar giltigt personnummer", oldest
// first. Audited as a read.
func Unidentified(ctx context.Context, tx db.Tx) ([]UnidentifiedRow, error) {
	q, _ := tx.Query(ctx, `
		SELECT id, source, filename, line, number, first_name, last_name, mobile, email, school, programme,
		       left_school_on, registered_on, reason, created_at
		FROM import_unidentified WHERE tenant_id = $1 ORDER BY created_at, id`, tx.TenantID)
	var out []UnidentifiedRow
	var u UnidentifiedRow
	if _, err := pgx.ForEachRow(q, []any{&u.ID, &u.Source, &u.Filename, &u.Line, &u.Number, &u.FirstName, &u.LastName, &u.Mobile, &u.Email,
		&u.School, &u.Programme, &u.LeftSchoolOn, &u.RegisteredOn, &u.Reason, &u.CreatedAt}, func() error {
		out = append(out, u)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("participant: unidentified: %w", err)
	}
	return out, audit.Record(ctx, tx, audit.Event{Action: "import_unidentified.list", RecordType: "import_unidentified", Detail: map[string]any{"rows": len(out)}})
}

// ResolveUnidentified registers queue row id with the valid personnummer
// pnr (the user of tx becomes coordinator and, under 20, a KAA enrolment
// starts, as an import would) and removes the row. When pnr is already
// in the register, nothing about that person changes: the row is removed
// and created is false. Returns db.ErrNotFound for a row that is gone and
// the personnummer package's errors for pnr.
func ResolveUnidentified(ctx context.Context, tx db.Tx, id int64, pnr string, today time.Time) (participantID int64, created bool, err error) {
	num, err := personnummer.Parse(pnr, today)
	if err != nil {
		return 0, false, err
	}
	var u UnidentifiedRow
	err = tx.QueryRow(ctx, `
		DELETE FROM import_unidentified WHERE tenant_id = $1 AND id = $2
		RETURNING first_name, last_name, mobile, email, school, programme, left_school_on, registered_on, reason`,
		tx.TenantID, id).Scan(&u.FirstName, &u.LastName, &u.Mobile, &u.Email, &u.School, &u.Programme, &u.LeftSchoolOn, &u.RegisteredOn, &u.Reason)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, fmt.Errorf("unidentified %d: %w", id, db.ErrNotFound)
	} else if err != nil {
		return 0, false, fmt.Errorf("participant: resolve unidentified: %w", err)
	}
	err = tx.QueryRow(ctx, `SELECT id FROM participants WHERE tenant_id = $1 AND personnummer = $2`, tx.TenantID, num.String()).Scan(&participantID)
	switch {
	case err == nil:
	case errors.Is(err, pgx.ErrNoRows):
		created = true
		r := PreviewRow{Row: kaalist.Row{Personnummer: num.String(), FirstName: u.FirstName, LastName: u.LastName, Mobile: u.Mobile, Email: u.Email,
			School: u.School, Programme: u.Programme, Reason: u.Reason, Gender: "not_stated"}}
		if u.LeftSchoolOn != nil {
			r.LeftSchoolOn = *u.LeftSchoolOn
		}
		if u.RegisteredOn != nil {
			r.RegisteredOn = *u.RegisteredOn
		}
		var n newRows
		n.add(r, num, today)
		if err := insertNew(ctx, tx, 0, n, today); err != nil {
			return 0, false, err
		}
		if err := tx.QueryRow(ctx, `SELECT id FROM participants WHERE tenant_id = $1 AND personnummer = $2`, tx.TenantID, num.String()).Scan(&participantID); err != nil {
			return 0, false, fmt.Errorf("participant: resolve unidentified: %w", err)
		}
	default:
		return 0, false, fmt.Errorf("participant: resolve unidentified: %w", err)
	}
	return participantID, created, audit.Record(ctx, tx, audit.Event{Action: "import_unidentified.resolve", RecordType: "participant",
		RecordID: strconv.FormatInt(participantID, 10), Detail: map[string]any{"row": id, "created": created}})
}

// DismissUnidentified removes queue row id without registering anyone
// (not in the target group, or registered by hand). Returns db.ErrNotFound
// for a row that is gone.
func DismissUnidentified(ctx context.Context, tx db.Tx, id int64) error {
	tag, err := tx.Exec(ctx, `DELETE FROM import_unidentified WHERE tenant_id = $1 AND id = $2`, tx.TenantID, id)
	if err != nil {
		return fmt.Errorf("participant: dismiss unidentified: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("unidentified %d: %w", id, db.ErrNotFound)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "import_unidentified.dismiss", RecordType: "import_unidentified", RecordID: strconv.FormatInt(id, 10)})
}

package participant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/kaalist"
	"github.com/kaa-plattform/kaa/internal/personnummer"
)

// Import is an uploaded list waiting for the coordinator's confirmation:
// the rows read from the file, never the file.
type Import struct {
	ID        int64
	Source    string // "fil" for an uploaded file, or a school-system connector's key
	Filename  string
	Table     *kaalist.Table
	Mapping   kaalist.Mapping // nil until set
	CreatedAt time.Time
}

// ImportName is the file name of an upload of this municipality, however
// old, for the question before it is cancelled.
func ImportName(ctx context.Context, tx db.Tx, id int64) (string, error) {
	var name string
	err := tx.QueryRow(ctx, `SELECT filename FROM imports WHERE tenant_id = $1 AND id = $2`, tx.TenantID, id).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", db.ErrNotFound
	}
	return name, err
}

// SourceFile is the source of an uploaded file.
const SourceFile = "fil"

// ImportFrom is a list to keep for the coordinator's preview: where it came
// from (Source, "fil" when empty; lists are compared with the previous one
// of the same source), its name as the preview shows it, its rows and the
// column mapping (nil to guess it from the header).
type ImportFrom struct {
	Source   string
	Filename string
	Table    *kaalist.Table
	Mapping  kaalist.Mapping
}

var sourcePattern = regexp.MustCompile(`^[a-z0-9_:-]{1,40}$`)

// SaveImport keeps the rows read from an uploaded file (source "fil")
// until they are confirmed or cancelled: see SaveImportFrom.
func SaveImport(ctx context.Context, tx db.Tx, filename string, t *kaalist.Table, m kaalist.Mapping) (int64, error) {
	return SaveImportFrom(ctx, tx, ImportFrom{Source: SourceFile, Filename: filename, Table: t, Mapping: m})
}

// SaveImportFrom keeps a list until the user of tx confirms or cancels it
// at .../deltagare/import/{id}, and deletes this municipality's uploads
// older than a day. A school-system connector calls it with its own
// Source and sends the user to the same preview. Returns an error for a
// source that is not 1–40 of a–z, 0–9, '-', '_' and ':' ("ss12000:7").
func SaveImportFrom(ctx context.Context, tx db.Tx, in ImportFrom) (int64, error) {
	if in.Source == "" {
		in.Source = SourceFile
	}
	if !sourcePattern.MatchString(in.Source) {
		return 0, fmt.Errorf("participant: save import: bad source %q", in.Source)
	}
	if in.Mapping == nil {
		in.Mapping = kaalist.Guess(in.Table.Header)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM imports WHERE tenant_id = $1 AND created_at < now() - interval '1 day'`, tx.TenantID); err != nil {
		return 0, fmt.Errorf("participant: import cleanup: %w", err)
	}
	content, err := json.Marshal(in.Table)
	if err != nil {
		return 0, fmt.Errorf("participant: save import: %w", err)
	}
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO imports (tenant_id, created_by, filename, content, mapping, source) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		tx.TenantID, tx.UserID, in.Filename, content, in.Mapping, in.Source).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("participant: save import: %w", err)
	}
	return id, audit.Record(ctx, tx, audit.Event{Action: "import.upload", RecordType: "import", RecordID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"rows": len(in.Table.Rows), "format": in.Table.Format, "source": in.Source, "sheets": len(in.Table.Sheets)}})
}

// GetImport returns upload id of the user of tx with its rows. Returns
// db.ErrNotFound for anyone else's upload and for one that is gone or older
// than a day.
func GetImport(ctx context.Context, tx db.Tx, id int64) (Import, error) {
	return getImport(ctx, tx, id, "")
}

// LockImport is GetImport that also locks the upload for the rest of the
// transaction: a double-clicked confirmation waits for the first, then
// finds nothing.
func LockImport(ctx context.Context, tx db.Tx, id int64) (Import, error) {
	return getImport(ctx, tx, id, "FOR UPDATE")
}

func getImport(ctx context.Context, tx db.Tx, id int64, lock string) (Import, error) {
	var im Import
	var content, mapping []byte
	err := tx.QueryRow(ctx, `
		SELECT id, source, filename, content, mapping, created_at FROM imports
		WHERE tenant_id = $1 AND id = $2 AND created_by = $3 AND created_at > now() - interval '1 day' `+lock,
		tx.TenantID, id, tx.UserID).Scan(&im.ID, &im.Source, &im.Filename, &content, &mapping, &im.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return im, fmt.Errorf("import %d: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return im, fmt.Errorf("participant: get import: %w", err)
	}
	if err := json.Unmarshal(content, &im.Table); err != nil {
		return im, fmt.Errorf("participant: import rows: %w", err)
	}
	if len(mapping) > 0 && string(mapping) != "null" {
		if err := json.Unmarshal(mapping, &im.Mapping); err != nil {
			return im, fmt.Errorf("participant: import mapping: %w", err)
		}
	}
	return im, nil
}

// SetImportMapping stores the column mapping the coordinator chose.
func SetImportMapping(ctx context.Context, tx db.Tx, id int64, m kaalist.Mapping) error {
	tag, err := tx.Exec(ctx, `UPDATE imports SET mapping = $4 WHERE tenant_id = $1 AND id = $2 AND created_by = $3`, tx.TenantID, id, tx.UserID, m)
	if err != nil {
		return fmt.Errorf("participant: import mapping: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("import %d: %w", id, db.ErrNotFound)
	}
	return nil
}

// SetImportSheet makes sheet the one imported from upload id and stores
// the mapping guessed from its header. The sheet must be one Select
// accepts.
func SetImportSheet(ctx context.Context, tx db.Tx, id int64, sheet int, m kaalist.Mapping) error {
	tag, err := tx.Exec(ctx, `UPDATE imports SET content = jsonb_set(content, '{sheet}', to_jsonb($4::int)), mapping = $5
		WHERE tenant_id = $1 AND id = $2 AND created_by = $3`, tx.TenantID, id, tx.UserID, sheet, m)
	if err != nil {
		return fmt.Errorf("participant: import sheet: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("import %d: %w", id, db.ErrNotFound)
	}
	return nil
}

// DeleteImport removes upload id of the user of tx; cancelled says whether
// the coordinator gave up on it (audited) rather than confirmed it.
func DeleteImport(ctx context.Context, tx db.Tx, id int64, cancelled bool) error {
	tag, err := tx.Exec(ctx, `DELETE FROM imports WHERE tenant_id = $1 AND id = $2 AND created_by = $3`, tx.TenantID, id, tx.UserID)
	if err != nil {
		return fmt.Errorf("participant: delete import: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("import %d: %w", id, db.ErrNotFound)
	}
	if cancelled {
		return audit.Record(ctx, tx, audit.Event{Action: "import.cancel", RecordType: "import", RecordID: strconv.FormatInt(id, 10)})
	}
	return nil
}

// Import row states.
const (
	ImportNew       = "new"
	ImportUpdate    = "update"
	ImportUnchanged = "unchanged"
	ImportError     = "error"
	// ImportUnidentified is a row whose number is a reservnummer or another
	// temporary number: confirming puts it in the queue "Saknar giltigt
	// personnummer" (see Unidentified).
	ImportUnidentified = "unidentified"
)

// PreviewRow is a line of the list and what confirming would do with it.
type PreviewRow struct {
	kaalist.Row
	State      string
	Changes    []string // Swedish names of the fields an update changes
	ExistingID int64
	Note       string // in Swedish, what else confirming means for this row
}

type existing struct {
	id                                                                    int64
	first, last, mobile, email, street, postal, city, gender, prg, school string
	leftSchool                                                            *time.Time
}

// dateText is d as YYYY-MM-DD, "" for none.
func dateText(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// importable is a field the list may change on an existing record.
type importable struct {
	field  kaalist.Field
	column string
	label  string
	value  func(kaalist.Row) string
	stored func(existing) string
}

var importables = []importable{
	{kaalist.FieldFirstName, "first_name", "förnamn", func(r kaalist.Row) string { return r.FirstName }, func(e existing) string { return e.first }},
	{kaalist.FieldLastName, "last_name", "efternamn", func(r kaalist.Row) string { return r.LastName }, func(e existing) string { return e.last }},
	{kaalist.FieldMobile, "mobile", "mobilnummer", func(r kaalist.Row) string { return r.Mobile }, func(e existing) string { return e.mobile }},
	{kaalist.FieldEmail, "email", "e-post", func(r kaalist.Row) string { return r.Email }, func(e existing) string { return e.email }},
	{kaalist.FieldStreet, "street", "adress", func(r kaalist.Row) string { return r.Street }, func(e existing) string { return e.street }},
	{kaalist.FieldPostalCode, "postal_code", "postnummer", func(r kaalist.Row) string { return r.PostalCode }, func(e existing) string { return e.postal }},
	{kaalist.FieldCity, "city", "ort", func(r kaalist.Row) string { return r.City }, func(e existing) string { return e.city }},
	{kaalist.FieldProgramme, "programme", "program", func(r kaalist.Row) string { return r.Programme }, func(e existing) string { return e.prg }},
	{kaalist.FieldSchool, "school", "skola", func(r kaalist.Row) string { return r.School }, func(e existing) string { return e.school }},
	{kaalist.FieldLeftSchoolOn, "left_school_on", "avbrottsdatum", func(r kaalist.Row) string { return dateText(r.LeftSchoolOn) },
		func(e existing) string {
			if e.leftSchool == nil {
				return ""
			}
			return dateText(*e.leftSchool)
		}},
}

// Preview says what confirming the rows would do: new people, changes to
// people already registered (a non-empty cell that differs), unchanged, or
// errors. A name cell counts when a name column was mapped.
func Preview(ctx context.Context, tx db.Tx, importID int64, rows []kaalist.Row, m kaalist.Mapping, today time.Time) ([]PreviewRow, map[string]int, error) {
	var pnrs []string
	for _, r := range rows {
		if len(r.Errors) == 0 && !r.Temporary {
			pnrs = append(pnrs, r.Personnummer)
		}
	}
	found := map[string]existing{}
	q, _ := tx.Query(ctx, `
		SELECT personnummer, id, first_name, last_name, mobile, email, street, postal_code, city, gender, programme, school, left_school_on
		FROM participants WHERE tenant_id = $1 AND personnummer = ANY($2)`, tx.TenantID, pnrs)
	var pnr string
	var e existing
	_, err := pgx.ForEachRow(q, []any{&pnr, &e.id, &e.first, &e.last, &e.mobile, &e.email, &e.street, &e.postal, &e.city, &e.gender, &e.prg, &e.school, &e.leftSchool}, func() error {
		found[pnr] = e
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("participant: import preview: %w", err)
	}
	nameMapped := m.Col(kaalist.FieldName) >= 0 || m.Col(kaalist.FieldFirstName) >= 0
	counts := map[string]int{}
	out := make([]PreviewRow, len(rows))
	for i, r := range rows {
		p := PreviewRow{Row: r}
		switch ex, ok := found[r.Personnummer]; {
		case len(r.Errors) > 0:
			p.State = ImportError
		case r.Temporary:
			p.State = ImportUnidentified
			p.Note = "Reservnummer eller annat tillfälligt nummer: läggs i kön ”Saknar giltigt personnummer”."
		case !ok:
			p.State = ImportNew
			if n, err := personnummer.Parse(r.Personnummer, today); err == nil && n.AgeOn(today) >= 20 {
				p.Note = "Har fyllt 20: läggs in utan registrering i KAA-registret."
			} else {
				p.Note = r.ReasonNote
			}
		default:
			p.ExistingID = ex.id
			for _, f := range importables {
				if (f.field == kaalist.FieldFirstName || f.field == kaalist.FieldLastName) && !nameMapped {
					continue
				}
				if v := f.value(r); v != "" && v != f.stored(ex) {
					p.Changes = append(p.Changes, f.label)
				}
			}
			p.State = ImportUnchanged
			if len(p.Changes) > 0 {
				p.State = ImportUpdate
			}
		}
		counts[p.State]++
		out[i] = p
	}
	detail := map[string]any{}
	for k, v := range counts {
		detail[k] = v
	}
	// The preview shows who on the list is already registered: a read.
	return out, counts, audit.Record(ctx, tx, audit.Event{Action: "import.preview", RecordType: "import", RecordID: strconv.FormatInt(importID, 10), Detail: detail})
}

// ApplyImport writes the new and changed rows of a preview in the transaction
// of tx: new people get the user as coordinator and, when under 20, a KAA
// enrolment from the list's registration date (today when it has none)
// with the list's reason. Rows with a temporary number go to the queue
// "Saknar giltigt personnummer" (once: a number already there is left
// alone). Rows with errors and unchanged rows are left alone. The list is
// recorded with who was on it, to compare the next list of the same source
// with, unless it holds the same people as the last one. So applying the
// same list twice changes nothing the second time.
func ApplyImport(ctx context.Context, tx db.Tx, importID int64, rows []PreviewRow, today time.Time) (map[string]int, error) {
	a, err := ApplyImportReport(ctx, tx, importID, rows, today)
	return a.Counts, err
}

// Applied is what ApplyImportReport did: Counts by row state, "queued" for
// the rows that went into the queue "Saknar giltigt personnummer", and
// QueueConflicts, in Swedish, for each row left out of the queue because
// its number is queued already for someone else.
type Applied struct {
	Counts         map[string]int
	QueueConflicts []string
}

// ApplyImportReport is ApplyImport that also says which rows with a
// temporary number could not be queued.
func ApplyImportReport(ctx context.Context, tx db.Tx, importID int64, rows []PreviewRow, today time.Time) (Applied, error) {
	var a Applied
	var source, filename string
	err := tx.QueryRow(ctx, `SELECT source, filename FROM imports WHERE tenant_id = $1 AND id = $2`, tx.TenantID, importID).Scan(&source, &filename)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("import %d: %w", importID, db.ErrNotFound)
	} else if err != nil {
		return a, fmt.Errorf("participant: import: %w", err)
	}
	counts := map[string]int{}
	// New people go in with one statement; updates in one batch.
	var n newRows
	var listed []string // personnummer of everyone on the list who is or will be in the register
	var queued []PreviewRow
	batch := &pgx.Batch{}
	for _, r := range rows {
		counts[r.State]++
		switch r.State {
		case ImportNew:
			num, err := personnummer.Parse(r.Personnummer, today)
			if err != nil {
				return a, fmt.Errorf("participant: import line %d: %w", r.Line, err)
			}
			n.add(r, num, today)
			listed = append(listed, r.Personnummer)
		case ImportUnidentified:
			queued = append(queued, r)
		case ImportUnchanged:
			listed = append(listed, r.Personnummer)
		case ImportError:
			// Compare counts a row with errors as on the list when its
			// personnummer could be read: the list recorded holds the same
			// people, so that someone with a bad mobile number on this list
			// is reported gone from the next one (recordList keeps only
			// people in the register).
			if r.Personnummer != "" {
				listed = append(listed, r.Personnummer)
			}
		case ImportUpdate:
			listed = append(listed, r.Personnummer)
			batch.Queue(`
				UPDATE participants SET
				    first_name = CASE WHEN $3 <> '' THEN $3 ELSE first_name END,
				    last_name = CASE WHEN $4 <> '' THEN $4 ELSE last_name END,
				    mobile = CASE WHEN $5 <> '' THEN $5 ELSE mobile END,
				    email = CASE WHEN $6 <> '' THEN $6 ELSE email END,
				    street = CASE WHEN $7 <> '' THEN $7 ELSE street END,
				    postal_code = CASE WHEN $8 <> '' THEN $8 ELSE postal_code END,
				    city = CASE WHEN $9 <> '' THEN $9 ELSE city END,
				    programme = CASE WHEN $10 <> '' THEN $10 ELSE programme END,
				    school = CASE WHEN $11 <> '' THEN $11 ELSE school END,
				    left_school_on = coalesce($12, left_school_on),
				    updated_at = now()
				WHERE tenant_id = $1 AND id = $2`,
				tx.TenantID, r.ExistingID, changedOr(r, "förnamn", r.FirstName), changedOr(r, "efternamn", r.LastName),
				r.Mobile, r.Email, r.Street, r.PostalCode, r.City, r.Programme, r.School, dateOrNil(r.LeftSchoolOn))
			batch.Queue(`
				INSERT INTO audit_events (tenant_id, user_id, action, record_type, record_id, request_id, client_addr, detail)
				VALUES ($1, $2, 'participant.update', 'participant', $3, $4, $5, jsonb_build_object('import', $6::bigint, 'fields', $7::text[]))`,
				tx.TenantID, tx.UserID, strconv.FormatInt(r.ExistingID, 10), audit.MetaFrom(ctx).RequestID, audit.MetaFrom(ctx).ClientAddr, importID, r.Changes)
		}
	}
	if err := insertNew(ctx, tx, importID, n, today); err != nil {
		return a, err
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return a, fmt.Errorf("participant: import: %w", err)
	}
	if counts["queued"], a.QueueConflicts, err = queueUnidentified(ctx, tx, source, filename, queued); err != nil {
		return a, err
	}
	if err := recordList(ctx, tx, source, filename, listed); err != nil {
		return a, err
	}
	detail := map[string]any{"source": source}
	for k, v := range counts {
		detail[k] = v
	}
	a.Counts = counts
	detail["queue_conflicts"] = len(a.QueueConflicts)
	return a, audit.Record(ctx, tx, audit.Event{Action: "import.confirm", RecordType: "import", RecordID: strconv.FormatInt(importID, 10), Detail: detail})
}

// dateOrNil is d for a date parameter, nil (NULL) for the zero time.
func dateOrNil(d time.Time) any {
	if d.IsZero() {
		return nil
	}
	return d
}

// insertNew creates the people of n with one statement: their coordinator
// (the user of tx), a KAA enrolment for those under 20 and an audit row
// for each, with importID (0 for none) in the detail.
func insertNew(ctx context.Context, tx db.Tx, importID int64, n newRows, today time.Time) error {
	if len(n.pnr) == 0 {
		return nil
	}
	meta := audit.MetaFrom(ctx)
	_, err := tx.Exec(ctx, `
		WITH input AS (
		    SELECT * FROM unnest($2::text[], $3::date[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
		                         $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bool[],
		                         $15::date[], $20::text[], $21::date[])
		        AS t(pnr, birth, first_name, last_name, mobile, email, street, postal_code, city, gender, programme, reason, kaa,
		             registered_on, school, left_school_on)),
		p AS (
		    INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, mobile, email, street,
		        postal_code, city, gender, programme, school, left_school_on, source, identified_on, created_by, upper_secondary)
		    -- Not the list's gender: the KAA register may not hold it (docs/privacy.md).
		    SELECT $1, pnr, birth, first_name, last_name, mobile, email, street, postal_code, city, 'not_stated', programme,
		        school, left_school_on, 'school_list', coalesce(registered_on, $16), $17,
		        CASE WHEN reason IN ('dropped_out', 'dropped_out_im', 'study_certificate', 'never_started') THEN reason ELSE 'unknown' END
		    FROM input
		    RETURNING id, personnummer),
		c AS (INSERT INTO participant_coordinators (tenant_id, participant_id, user_id) SELECT $1, id, $17 FROM p)
		, e AS (INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason, created_by)
		SELECT $1, p.id, 'kaa', coalesce(input.registered_on, $16), input.reason, $17 FROM p JOIN input ON input.pnr = p.personnummer WHERE input.kaa
		RETURNING participant_id)
		-- Each person created is in the audit log as if registered by hand.
		INSERT INTO audit_events (tenant_id, user_id, action, record_type, record_id, request_id, client_addr, detail)
		SELECT $1, $17, 'participant.create', 'participant', p.id::text, $18, $19, jsonb_strip_nulls(jsonb_build_object('import', NULLIF($22::bigint, 0)))
		FROM p
		UNION ALL
		SELECT $1, $17, 'enrolment.start', 'participant', e.participant_id::text, $18, $19, jsonb_strip_nulls(jsonb_build_object('import', NULLIF($22::bigint, 0), 'kind', 'kaa'))
		FROM e`,
		tx.TenantID, n.pnr, n.birth, n.first, n.last, n.mobile, n.email, n.street, n.postal, n.city, n.gender, n.programme,
		n.reason, n.kaa, n.registered, today, tx.UserID, meta.RequestID, meta.ClientAddr, n.school, n.leftSchool, importID)
	if err != nil {
		return fmt.Errorf("participant: import new: %w", err)
	}
	return nil
}

// changedOr returns v when the preview counted field as changed, else "" (keep).
func changedOr(r PreviewRow, field, v string) string {
	for _, c := range r.Changes {
		if c == field {
			return v
		}
	}
	return ""
}

// newRows holds the new people of an import as columns, for unnest.
type newRows struct {
	pnr, first, last, mobile, email, street, postal, city, gender, programme, reason, school []string
	birth                                                                                    []time.Time
	registered, leftSchool                                                                   []pgtype.Date
	kaa                                                                                      []bool
}

func (n *newRows) add(r PreviewRow, num personnummer.Number, today time.Time) {
	n.pnr = append(n.pnr, r.Personnummer)
	n.birth = append(n.birth, num.Birth())
	n.first = append(n.first, r.FirstName)
	n.last = append(n.last, r.LastName)
	n.mobile = append(n.mobile, r.Mobile)
	n.email = append(n.email, r.Email)
	n.street = append(n.street, r.Street)
	n.postal = append(n.postal, r.PostalCode)
	n.city = append(n.city, r.City)
	n.gender = append(n.gender, r.Gender)
	n.programme = append(n.programme, r.Programme)
	n.school = append(n.school, r.School)
	n.reason = append(n.reason, r.Reason)
	n.registered = append(n.registered, pgtype.Date{Time: r.RegisteredOn, Valid: !r.RegisteredOn.IsZero()})
	n.leftSchool = append(n.leftSchool, pgtype.Date{Time: r.LeftSchoolOn, Valid: !r.LeftSchoolOn.IsZero()})
	n.kaa = append(n.kaa, num.AgeOn(today) < 20)
}

// PurgeStaleImports deletes uploads older than a day in every municipality
// and returns how many went. It runs through purge_stale_imports, which can
// touch nothing newer.
func PurgeStaleImports(ctx context.Context, q db.Querier) (int64, error) {
	var n int64
	if err := q.QueryRow(ctx, `SELECT purge_stale_imports()`).Scan(&n); err != nil {
		return 0, fmt.Errorf("participant: purge imports: %w", err)
	}
	return n, nil
}

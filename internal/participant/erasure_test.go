package participant_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

// TestErasureLeavesNoFreeText: gallring under a decision empties every
// column a person's text can sit in, in every table that holds rows of a
// participant, including columns added after gallring was written. The test
// writes a marker into every text column of every row of one person that
// accepts free text (a code column's CHECK refuses it and is skipped), has
// the person's time pass, runs the erasure, and fails on any marker left.
// A new table or column with free text that retention_erase forgets fails
// here without anyone having to remember to add it to the test.
func TestErasureLeavesNoFreeText(t *testing.T) {
	t.Parallel()
	d := pgtest.NewFrom(t, "demo", seed.DemoAt)
	ctx := context.Background()
	var osby, user int
	var pid int64
	d.Owner.QueryRow(ctx, `SELECT id FROM orgs WHERE key = '1273'`).Scan(&osby)
	d.Owner.QueryRow(ctx, `SELECT id FROM users WHERE email = 'samordnare@osby.demo'`).Scan(&user)
	// The Osby person with the most rows about them: a plan, a mapping, contacts.
	if err := d.Owner.QueryRow(ctx, `
		SELECT p.id FROM participants p
		WHERE p.tenant_id = $1 AND EXISTS (SELECT 1 FROM plans x WHERE x.tenant_id = p.tenant_id AND x.participant_id = p.id)
		  AND EXISTS (SELECT 1 FROM mappings x WHERE x.tenant_id = p.tenant_id AND x.participant_id = p.id)
		ORDER BY (SELECT count(*) FROM contacts c WHERE c.tenant_id = p.tenant_id AND c.participant_id = p.id) DESC, p.id
		LIMIT 1`, osby).Scan(&pid); err != nil {
		t.Fatalf("no demo person with a plan and a mapping in Osby: %v", err)
	}

	// Every text column of every table with a participant_id (and the
	// participants table itself), except the audit log, which gallring
	// leaves alone by design (docs/privacy.md).
	rows, _ := d.Owner.Query(ctx, `
		SELECT c.table_name, c.column_name FROM information_schema.columns c
		JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
		WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'character varying') AND c.is_generated = 'NEVER'
		  AND c.table_name NOT IN ('audit_events')
		  AND (c.table_name = 'participants' OR EXISTS (SELECT 1 FROM information_schema.columns x
		       WHERE x.table_schema = 'public' AND x.table_name = c.table_name AND x.column_name = 'participant_id'))
		ORDER BY 1, 2`)
	type col struct{ Table, Column string }
	cols, err := pgx.CollectRows(rows, pgx.RowToStructByPos[col])
	if err != nil {
		t.Fatal(err)
	}
	const marker = "HEMLIG-UPPGIFT"
	tx, err := d.Owner.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	// Triggers off while the markers go in (one keeps amended contacts as
	// they were); CHECKs stay on and refuse the marker in code columns.
	if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	var filled []string
	for _, c := range cols {
		who := "participant_id"
		if c.Table == "participants" {
			who = "id"
		}
		sql := fmt.Sprintf(`UPDATE %s SET %s = $3 WHERE tenant_id = $1 AND %s = $2`,
			pgx.Identifier{c.Table}.Sanitize(), pgx.Identifier{c.Column}.Sanitize(), who)
		if _, err := tx.Exec(ctx, "SAVEPOINT fill"); err != nil {
			t.Fatal(err)
		}
		tag, err := tx.Exec(ctx, sql, osby, pid, marker)
		if err != nil {
			tx.Exec(ctx, "ROLLBACK TO SAVEPOINT fill")
			continue
		}
		if tag.RowsAffected() > 0 {
			filled = append(filled, c.Table+"."+c.Column)
		}
	}
	// The person's time passes: every enrolment ended long ago, for a
	// reason whose text is free ("annan orsak").
	if _, err := tx.Exec(ctx, `UPDATE enrolments SET starts_on = '2015-01-01', ends_on = '2015-06-01', end_reason = 'other', end_note = $3,
		moved_to = NULL WHERE tenant_id = $1 AND participant_id = $2`, osby, pid, marker); err != nil {
		t.Fatal(err)
	}
	// A correction of the avregistrering and a correction of a contact,
	// each with its own text, and SCB files of long ago and of now.
	for _, sql := range []string{
		`INSERT INTO enrolment_corrections (tenant_id, participant_id, enrolment_id, corrected_by, reason, old_ends_on, old_end_reason, old_end_note)
		 SELECT tenant_id, participant_id, id, $4, $3, ends_on, 'other', $3 FROM enrolments WHERE tenant_id = $1 AND participant_id = $2`,
		`INSERT INTO contact_amendments (tenant_id, contact_id, occurred_at, channel, direction, reached, method, note, reason, created_by)
		 SELECT tenant_id, id, occurred_at, channel, direction, reached, method, $3, $3, $4 FROM contacts WHERE tenant_id = $1 AND participant_id = $2`,
		`INSERT INTO scb_files (tenant_id, half_year, spec_version, spec_date, file_name, rows, findings, xlsx, xlsx_sha256, text, text_sha256, created_by)
		 SELECT $1, h, '2026-2', '2026-12-01', $3, 1, 0, '', repeat('0', 64), '', repeat('0', 64), $4 FROM unnest(ARRAY['2015-1', '2026-2']) h
		 WHERE $2::bigint IS NOT NULL`,
		// ESF monthly files of long ago and of now (000050).
		`INSERT INTO esf_files (tenant_id, project_id, month, spec_version, file_name, rows, warnings, content_sha256, xlsx, xlsx_sha256, created_by)
		 SELECT $1, (SELECT min(id) FROM projects), m, '2026-12', $3, 1, 0, repeat('0', 64), '', repeat('0', 64), $4 FROM unnest(ARRAY[date '2015-03-01', date '2026-11-01']) m
		 WHERE $2::bigint IS NOT NULL`,
		`INSERT INTO appointments (tenant_id, participant_id, kind, due_at, note, responsible, created_by)
		 VALUES ($1, $2, 'home_visit', now(), $3, $4, $4)`,
		// An SMS sent to the person, and a reply from the same number.
		`INSERT INTO sms_messages (tenant_id, direction, participant_id, contact_id, phone, body, status, created_by, created_at)
		 SELECT tenant_id, d, participant_id, id, '+46701234567', $3, CASE WHEN d = 'outgoing' THEN 'delivered' ELSE 'received' END,
		        CASE WHEN d = 'outgoing' THEN $4::int END, now()
		 FROM (SELECT * FROM contacts WHERE tenant_id = $1 AND participant_id = $2 LIMIT 1) c, unnest(ARRAY['outgoing', 'incoming']) d`,
		// A reply that matched no one and a notice of someone who moved
		// here that nobody answered: one of long ago, one of now, each.
		`INSERT INTO sms_messages (tenant_id, direction, phone, body, status, created_at)
		 SELECT $1, 'incoming', '+46709999999', $3, 'received', at FROM unnest(ARRAY[timestamptz '2015-01-01', now()]) at
		 WHERE $2::bigint IS NOT NULL AND $4::int IS NOT NULL`,
		`INSERT INTO move_notices (tenant_id, from_org_id, source_enrolment, personnummer, first_name, last_name, moved_on, sent_at)
		 SELECT $1, $1, n, '200801010000', $3, 'Ek', at::date, at FROM unnest(ARRAY[timestamptz '2015-01-01', now()]) WITH ORDINALITY AS x(at, n)
		 WHERE $2::bigint IS NOT NULL AND $4::int IS NOT NULL`,
		// A row of an imported list with a reservnummer nobody resolved.
		`INSERT INTO import_unidentified (tenant_id, source, filename, line, number, first_name, last_name, created_by, created_at)
		 SELECT $1, 'fil', 'lista.csv', n, 'R' || n || '234567', $3, 'Ek', $4, at FROM unnest(ARRAY[timestamptz '2015-01-01', now()]) WITH ORDINALITY AS x(at, n)
		 WHERE $2::bigint IS NOT NULL`,
	} {
		if _, err := tx.Exec(ctx, sql, osby, pid, marker, user); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	filled = append(filled, "enrolment_corrections.reason", "enrolment_corrections.old_end_note", "contact_amendments.note", "contact_amendments.reason", "appointments.note",
		"sms_messages.body")
	if !slices.Contains(filled, "enrolments.end_note") {
		filled = append(filled, "enrolments.end_note")
	}
	t.Logf("the person's text was written into %s", strings.Join(filled, ", "))
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for _, must := range []string{"participants.first_name", "participants.last_name", "contacts.note", "mappings.strengths", "plan_goals.text", "plan_measures.description"} {
		if !strings.Contains(strings.Join(filled, " "), must) {
			t.Fatalf("the marker did not reach %s (filled: %v): the test no longer covers the person's text", must, filled)
		}
	}

	err = db.InTenant(ctx, d.App, osby, user, func(tx db.Tx) error {
		if _, err := participant.RecordDecision(ctx, tx, participant.Decision{Reference: "BUN 2026/1", DecidedOn: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			DecidedBy: "Barn- och utbildningsnämnden", Retention: participant.Retention{KAAMonths: 12, ProjectMonths: 12, UnenrolledMonths: 12}}); err != nil {
			return err
		}
		run, err := participant.RunRetention(ctx, tx, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), true)
		if err == nil && run.Due.Total() == 0 {
			err = fmt.Errorf("the run erased no one: %+v", run)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The SCB file of 2015 is past the decision's twelve months; this
	// half-year's stays.
	var files []string
	rows, _ = d.Owner.Query(ctx, `SELECT half_year FROM scb_files WHERE tenant_id = $1 AND file_name = $2 ORDER BY 1`, osby, marker)
	if files, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil || !slices.Equal(files, []string{"2026-2"}) {
		t.Errorf("SCB files kept after gallring: %v (%v), want only 2026-2", files, err)
	}
	// Likewise the ESF monthly file of 2015 (the decision's twelve months of
	// project data); this month's stays.
	rows, _ = d.Owner.Query(ctx, `SELECT to_char(month, 'YYYY-MM') FROM esf_files WHERE tenant_id = $1 AND file_name = $2 ORDER BY 1`, osby, marker)
	if files, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil || !slices.Equal(files, []string{"2026-11"}) {
		t.Errorf("ESF files kept after gallring: %v (%v), want only 2026-11", files, err)
	}
	// Of the unmatched replies, the unanswered notices and the unresolved
	// reservnummer rows, those of 2015 are gone (past the decision's twelve
	// months), today's stay.
	for table, at := range map[string]string{"sms_messages": "created_at", "move_notices": "sent_at", "import_unidentified": "created_at"} {
		var kept []int
		rows, _ := d.Owner.Query(ctx, fmt.Sprintf(`SELECT extract(year FROM %s)::int FROM %s WHERE tenant_id = $1 AND %s = $2 ORDER BY 1`,
			at, table, map[string]string{"sms_messages": "body", "move_notices": "first_name", "import_unidentified": "first_name"}[table]), osby, marker)
		if kept, err = pgx.CollectRows(rows, pgx.RowTo[int]); err != nil || len(kept) != 1 || kept[0] != time.Now().Year() {
			t.Errorf("%s kept after gallring: years %v (%v), want only this year's", table, kept, err)
		}
	}
	for _, c := range filled {
		if strings.HasPrefix(c, "scb_files.") {
			continue
		}
		table, column, _ := strings.Cut(c, ".")
		who := "participant_id = $2"
		switch table {
		case "participants":
			who = "id = $2"
		case "contact_amendments":
			who = "contact_id IN (SELECT id FROM contacts WHERE tenant_id = $1 AND participant_id = $2)"
		}
		var left int
		if err := d.Owner.QueryRow(ctx, fmt.Sprintf(`SELECT count(*) FROM %s WHERE tenant_id = $1 AND %s AND %s::text LIKE '%%'||$3||'%%'`,
			pgx.Identifier{table}.Sanitize(), who, pgx.Identifier{column}.Sanitize()), osby, pid, marker).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left > 0 {
			t.Errorf("%s: %d rows still hold the person's text after gallring", c, left)
		}
	}
}

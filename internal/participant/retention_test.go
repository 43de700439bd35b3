package participant_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kaa-plattform/kaa/internal/dashboard"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

// TestRetention: without a recorded gallringsbeslut nothing is erased, not
// even by a run told to erase nor by retention_erase called directly, and
// times saved before decisions existed only report. After a decision a dry
// run counts without changing anything; a real run empties the personal data
// of exactly those whose time under the decision has passed (KAA ended two
// years ago, never registered for six months) and of no one else, leaves the
// statistics of the past exactly as they were, is in the audit log with the
// decision's reference, and finds nothing more the second time. A newer
// decision supersedes the earlier one, which stays in the history.
func TestRetention(t *testing.T) {
	t.Parallel()
	d := pgtest.NewFrom(t, "accounts", seed.StructureAt)
	ctx := context.Background()
	var osby, horby, user, sub int
	d.Owner.QueryRow(ctx, `SELECT id FROM orgs WHERE key = '1273'`).Scan(&osby)
	d.Owner.QueryRow(ctx, `SELECT id FROM orgs WHERE key = '1266'`).Scan(&horby)
	d.Owner.QueryRow(ctx, `SELECT id FROM users WHERE email = 'samordnare@osby.demo'`).Scan(&user)
	d.Owner.QueryRow(ctx, `SELECT id FROM subprojects WHERE org_id = $1 LIMIT 1`, osby).Scan(&sub)
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	person := func(pnr, first, identified string) (id int64) {
		t.Helper()
		err := d.Owner.QueryRow(ctx, `
			INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, mobile, gender, identified_on)
			VALUES ($1, $2, to_date(left($2, 8), 'YYYYMMDD'), $3, 'Testsson', '0701740605', 'woman', $4) RETURNING id`, osby, pnr, first, identified).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := d.Owner.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	// Ada's KAA ended in June 2023: due. Bo's ended in October 2026: not yet.
	// Cia was never enrolled, identified in January 2025: due. Dan's project
	// enrolment ended in 2023, kept ten years: not yet. Eva is in KAA.
	ada := person("200501019802", "Ada", "2022-01-01")
	bo := person("200601019801", "Bo", "2024-01-01")
	cia := person("200701019800", "Cia", "2025-01-10")
	dan := person("200401019803", "Dan", "2022-01-01")
	eva := person("200801019808", "Eva", "2025-01-01")
	exec(`INSERT INTO enrolments (tenant_id, participant_id, kind, registration_reason, starts_on, ends_on, end_reason) VALUES
		($1, $2, 'kaa', 'dropped_out', '2022-01-01', '2023-06-30', 'national_programme'), ($1, $3, 'kaa', 'dropped_out', '2024-01-01', '2026-10-01', 'moved'),
		($1, $4, 'kaa', 'dropped_out', '2022-01-01', '2022-06-30', 'emigrated')`, osby, ada, bo, dan)
	exec(`INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on, ends_on, end_reason, labour_market_status, education_level)
		VALUES ($1, $2, 'project', $3, '2022-07-01', '2023-06-30', 'project_exit', 'unemployed', 'isced_0_2')`, osby, dan, sub)
	exec(`INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason) VALUES ($1, $2, 'kaa', '2025-01-01', 'dropped_out')`, osby, eva)
	exec(`INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, note, created_by, occupation)
		VALUES ($1, $2, '2023-03-01 10:00+01', 'phone', 'outgoing', true, 'Ada berättade om sin mamma.', $3, 'komvux'),
		       ($1, $4, '2026-03-01 10:00+01', 'sms', 'outgoing', true, 'Bo svarade.', $3, 'work')`, osby, ada, user, bo)
	exec(`INSERT INTO mappings (tenant_id, participant_id, version, mapped_on, strengths, direction, created_by) VALUES ($1, $2, 1, '2022-02-01', 'Ada tycker om djur.', 'studies', $3)`, osby, ada, user)
	exec(`INSERT INTO plans (tenant_id, participant_id, version, created_by) VALUES ($1, $2, 1, $3)`, osby, ada, user)
	exec(`INSERT INTO plan_goals (tenant_id, participant_id, version, position, text, status) VALUES ($1, $2, 1, 1, 'Ada ska börja på komvux i Hässleholm', 'reached')`, osby, ada)
	exec(`INSERT INTO followups (tenant_id, participant_id, enrolment_id, kind, due_on, done_on, occupation)
		SELECT tenant_id, participant_id, id, 'exit', ends_on, ends_on, 'komvux' FROM enrolments WHERE participant_id = $1`, ada)

	in := func(fn func(tx db.Tx) error) error { return db.InTenant(ctx, d.App, osby, user, fn) }
	past := dashboard.Period{From: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2023, 6, 30, 0, 0, 0, 0, time.UTC)}
	stats := func() (m dashboard.Municipality) {
		t.Helper()
		if err := in(func(tx db.Tx) (err error) { m, err = dashboard.BuildMunicipality(ctx, tx, past, 0, today); return err }); err != nil {
			t.Fatal(err)
		}
		return m
	}
	run := func(dry bool) (e participant.Erased) {
		t.Helper()
		if err := in(func(tx db.Tx) error {
			r, err := participant.RunRetention(ctx, tx, today, !dry)
			if err == nil && (r.Decision == nil || r.Erased == dry) {
				t.Errorf("run (dry %v) with a decision: %+v", dry, r)
			}
			e = r.Due
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return e
	}
	decide := func(ref string, kaa, project, unenrolled int) {
		t.Helper()
		err := in(func(tx db.Tx) error {
			_, err := participant.RecordDecision(ctx, tx, participant.Decision{Reference: ref, DecidedOn: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
				DecidedBy: "Barn- och utbildningsnämnden", Retention: participant.Retention{KAAMonths: kaa, ProjectMonths: project, UnenrolledMonths: unenrolled}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	name := func(id int64) (first, pnr string, erased bool) {
		d.Owner.QueryRow(ctx, `SELECT first_name, personnummer, erased_on IS NOT NULL FROM participants WHERE id = $1`, id).Scan(&first, &pnr, &erased)
		return
	}
	before := stats()
	if before.Population == 0 || len(before.Outcomes) == 0 {
		t.Fatalf("the fixture gives the first half of 2023 no statistics: %+v", before)
	}

	erasedCount := func() (n int) {
		d.Owner.QueryRow(ctx, `SELECT count(*) FROM participants WHERE tenant_id = $1 AND erased_on IS NOT NULL`, osby).Scan(&n)
		return n
	}
	// No decision: a run told to erase erases no one, and says so.
	err := in(func(tx db.Tx) error {
		r, err := participant.RunRetention(ctx, tx, today, true)
		if r.Decision != nil || r.Erased || r.Due.Total() != 0 || r.Earlier != nil {
			t.Errorf("a run without a decision: %+v", r)
		}
		if err != nil {
			return err
		}
		// Nor does the database function, whoever calls it.
		rows, err := tx.Query(ctx, `SELECT * FROM retention_erase($1, $2)`, osby, today)
		if err != nil {
			return err
		}
		defer rows.Close()
		if rows.Next() {
			t.Error("retention_erase erased without a decision")
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	// Times an administrator saved before decisions existed are no decision:
	// they report what they would erase, and erase nothing.
	exec(`INSERT INTO retention_policies (tenant_id, kaa_months, project_months, unenrolled_months) VALUES ($1, 24, 120, 6)`, osby)
	err = in(func(tx db.Tx) error {
		r, err := participant.RunRetention(ctx, tx, today, true)
		if r.Decision != nil || r.Erased || r.Earlier == nil || !reflect.DeepEqual(r.Due, participant.Erased{"kaa": 1, "unenrolled": 1}) {
			t.Errorf("a run under the times saved before decisions: %+v", r)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := erasedCount(); n != 0 {
		t.Fatalf("%d people erased without a gallringsbeslut", n)
	}

	decide("BUN 2026/17", 24, 120, 6)
	if e := run(true); !reflect.DeepEqual(e, participant.Erased{"kaa": 1, "unenrolled": 1}) {
		t.Errorf("dry run: %v, want Ada (after KAA) and Cia (never enrolled)", e)
	}
	if first, _, erased := name(ada); first != "Ada" || erased {
		t.Error("the dry run changed Ada")
	}

	if e := run(false); !reflect.DeepEqual(e, participant.Erased{"kaa": 1, "unenrolled": 1}) {
		t.Errorf("the run: %v, want Ada and Cia", e)
	}
	for _, id := range []int64{ada, cia} {
		if first, pnr, erased := name(id); first != "" || pnr != "" || !erased {
			t.Errorf("participant %d after the run: name %q, personnummer %q, erased %v", id, first, pnr, erased)
		}
	}
	for _, id := range []int64{bo, dan, eva} {
		if first, pnr, erased := name(id); first == "" || pnr == "" || erased {
			t.Errorf("participant %d was erased before their time", id)
		}
	}
	var leftover int
	d.Owner.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM contacts WHERE participant_id = $1 AND note <> '')
		     + (SELECT count(*) FROM mappings WHERE participant_id = $1 AND strengths <> '')
		     + (SELECT count(*) FROM plan_goals WHERE participant_id = $1 AND text LIKE '%komvux%')
		     + (SELECT count(*) FROM participants WHERE id = $1 AND mobile <> '')`, ada).Scan(&leftover)
	if leftover != 0 {
		t.Errorf("%d of Ada's notes, free texts or contact details are left", leftover)
	}
	var boNote string
	d.Owner.QueryRow(ctx, `SELECT note FROM contacts WHERE participant_id = $1`, bo).Scan(&boNote)
	if boNote != "Bo svarade." {
		t.Errorf("Bo's note became %q", boNote)
	}
	if after := stats(); !reflect.DeepEqual(before, after) {
		t.Errorf("the statistics of 2023 changed:\nbefore %+v\nafter  %+v", before, after)
	}
	// Erased people are no longer in the register.
	err = in(func(tx db.Tx) error {
		if _, err := participant.Get(ctx, tx, ada); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("Ada's page after gallring: %v, want not found", err)
		}
		res, err := participant.List(ctx, tx, participant.Filter{}, today)
		for _, p := range res.Rows {
			if p.ID == ada || p.ID == cia {
				t.Errorf("the list shows erased participant %d", p.ID)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Ada may come back and be registered again with her personnummer.
	person("200501019802", "Ada", "2026-11-30")

	if e := run(false); e.Total() != 0 {
		t.Errorf("the second run erased %v", e)
	}
	var runs, withRef int
	d.Owner.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE record_id = 'BUN 2026/17' AND detail->>'decision' = 'BUN 2026/17')
		FROM audit_events WHERE tenant_id = $1 AND action = 'retention.run'`, osby).Scan(&runs, &withRef)
	if runs != 5 || withRef != 3 {
		t.Errorf("%d retention runs in the audit log, %d with the decision's reference; want 5 and 3", runs, withRef)
	}

	// A newer decision supersedes: projects kept three years, so Dan's
	// project documentation from 2023 goes, and no one else's.
	decide("BUN 2026/42", 24, 36, 6)
	if e := run(false); !reflect.DeepEqual(e, participant.Erased{"project": 1}) {
		t.Errorf("the run under the newer decision: %v, want Dan (after a project)", e)
	}
	if first, _, erased := name(dan); first != "" || !erased {
		t.Error("Dan was not erased under the newer decision")
	}
	if first, _, erased := name(bo); first != "Bo" || erased {
		t.Error("Bo, within the decision's time, was erased")
	}
	err = in(func(tx db.Tx) error {
		ds, err := participant.Decisions(ctx, tx)
		if len(ds) != 2 || ds[0].Reference != "BUN 2026/42" || ds[1].Reference != "BUN 2026/17" || ds[0].RecordedBy == "" {
			t.Errorf("the history of decisions: %+v", ds)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// A decision dated in the future or without a reference is refused by
	// the database too.
	for _, bad := range []participant.Decision{
		{Reference: "BUN 2099/1", DecidedOn: time.Now().AddDate(0, 0, 2), DecidedBy: "Nämnden", Retention: participant.Retention{KAAMonths: 1, ProjectMonths: 1, UnenrolledMonths: 1}},
		{Reference: " ", DecidedOn: today, DecidedBy: "Nämnden", Retention: participant.Retention{KAAMonths: 1, ProjectMonths: 1, UnenrolledMonths: 1}},
		{Reference: "BUN 2026/1", DecidedOn: today, DecidedBy: "Nämnden", Retention: participant.Retention{KAAMonths: 0, ProjectMonths: 1, UnenrolledMonths: 1}},
	} {
		if err := in(func(tx db.Tx) error { _, err := participant.RecordDecision(ctx, tx, bad); return err }); err == nil {
			t.Errorf("recorded %+v", bad)
		}
	}

	// The serving role cannot erase in another municipality than its own.
	err = in(func(tx db.Tx) error {
		_, err := tx.Exec(ctx, `SELECT * FROM retention_erase($1, $2)`, horby, today)
		return err
	})
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
		t.Errorf("erasing Hörby from Osby's transaction: %v, want insufficient privilege", err)
	}
}

package participant_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

// TestMigrationRegisterContent: migration 000028 leaves the KAA register
// holding only what Förordning 2006:39 allows (docs/privacy.md) and gives
// each åtgärd its own follow-up date. The follow-ups of a KAA registration
// go, recorded or not, with their earlier recordings; a project enrolment's
// stay. "Vård eller behandling" at a contact becomes "Uppgift saknas", also
// on an amended contact's original. A referral to a youth clinic or health
// care of someone never in a project becomes "Annan"; a project
// participant's stays. Gender, and health care as responsible for an
// åtgärd, stay only for a project participant. An open åtgärd gets its plan's follow-up date unless
// that is before its start.
func TestMigrationRegisterContent(t *testing.T) {
	// Not parallel: it migrates outside pgtest's lock, and migrations grant on cluster-wide roles.
	ctx := context.Background()
	f := migratedTo(t, 26)
	owner, m, exec, count, osby, user, sub := f.owner, f.m, f.exec, f.count, f.osby, f.user, f.sub

	// Kim is only in the KAA register; Pia is in a project.
	var kim, pia, kimKAA, piaProject int64
	owner.QueryRow(ctx, `INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, gender)
		VALUES ($1, '200803010008', '2008-03-01', 'Kim', 'K', 'non_binary') RETURNING id`, osby).Scan(&kim)
	owner.QueryRow(ctx, `INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, gender)
		VALUES ($1, '200804020007', '2008-04-02', 'Pia', 'P', 'woman') RETURNING id`, osby).Scan(&pia)
	owner.QueryRow(ctx, `INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, ends_on, registration_reason, end_reason)
		VALUES ($1, $2, 'kaa', '2026-01-01', '2026-06-01', 'dropped_out', 'national_programme') RETURNING id`, osby, kim).Scan(&kimKAA)
	owner.QueryRow(ctx, `INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on, ends_on, end_reason)
		VALUES ($1, $2, 'project', $3, '2026-01-01', '2026-06-01', 'project_exit') RETURNING id`, osby, pia, sub).Scan(&piaProject)
	for _, e := range []struct{ pid, eid int64 }{{kim, kimKAA}, {pia, piaProject}} {
		exec(`INSERT INTO followups (tenant_id, participant_id, enrolment_id, kind, due_on, done_on, occupation, survey_respect, recorded_by)
			VALUES ($1, $2, $3, 'exit', '2026-06-29', '2026-06-20', 'health_care', 'yes', $4),
			       ($1, $2, $3, 'six_months', '2026-12-01', NULL, NULL, NULL, NULL)`, osby, e.pid, e.eid, user)
		exec(`INSERT INTO followup_revisions (tenant_id, followup_id, snapshot, replaced_by)
			SELECT tenant_id, id, '{"occupation": "health_care"}', $2 FROM followups WHERE participant_id = $1 AND kind = 'exit'`, e.pid, user)
		exec(`INSERT INTO mappings (tenant_id, participant_id, version, mapped_on, direction, referral_made, referral_to, created_by)
			VALUES ($1, $2, 1, '2026-02-01', 'studies', true, 'youth_clinic', $3), ($1, $2, 2, '2026-03-01', 'studies', true, 'health_care', $3)`, osby, e.pid, user)
	}
	var plain, amended int64
	owner.QueryRow(ctx, `INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, created_by, occupation)
		VALUES ($1, $2, '2026-02-01', 'sms', 'outgoing', true, $3, 'health_care') RETURNING id`, osby, kim, user).Scan(&plain)
	owner.QueryRow(ctx, `INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, created_by, occupation)
		VALUES ($1, $2, '2026-02-02', 'sms', 'outgoing', true, $3, 'health_care') RETURNING id`, osby, kim, user).Scan(&amended)
	exec(`INSERT INTO contact_amendments (tenant_id, contact_id, occurred_at, channel, direction, reached, method, note, reason, created_by, occupation)
		VALUES ($1, $2, '2026-02-02', 'phone', 'outgoing', true, '', '', 'fel kanal', $3, 'health_care')`, osby, amended, user)
	exec(`INSERT INTO plans (tenant_id, participant_id, version, follow_up_on, created_by) VALUES ($1, $2, 1, '2026-12-01', $3)`, osby, kim, user)
	exec(`INSERT INTO plan_measures (tenant_id, participant_id, version, position, type, responsible, starts_on, ends_on, end_reason) VALUES
		($1, $2, 1, 1, 'guidance', 'municipality', '2026-10-01', NULL, NULL),
		($1, $2, 1, 2, 'komvux', 'municipality', '2027-01-10', NULL, NULL),
		($1, $2, 1, 3, 'work_placement', 'municipality', '2026-09-01', '2026-10-01', 'completed'),
		($1, $2, 1, 4, 'guidance', 'young_person', NULL, NULL, NULL)`, osby, kim)
	exec(`INSERT INTO plans (tenant_id, participant_id, version, created_by) VALUES ($1, $2, 1, $3)`, osby, pia, user)
	for _, pid := range []int64{kim, pia} {
		exec(`INSERT INTO plan_measures (tenant_id, participant_id, version, position, type, responsible, responsible_unit)
			VALUES ($1, $2, 1, 9, 'support', 'health_care', 'BUP')`, osby, pid)
	}

	if err := m.Up(); err != nil {
		t.Fatal(err)
	}

	if n := count(`SELECT count(*) FROM followups WHERE enrolment_id = $1`, kimKAA); n != 0 {
		t.Errorf("%d follow-ups of a KAA registration kept", n)
	}
	if n := count(`SELECT count(*) FROM followup_revisions r JOIN followups f ON f.id = r.followup_id WHERE f.participant_id = $1`, kim); n != 0 ||
		count(`SELECT count(*) FROM followup_revisions`) != 1 {
		t.Error("the earlier recordings of a KAA registration's follow-up are kept, or a project's are gone")
	}
	if n := count(`SELECT count(*) FROM followups WHERE enrolment_id = $1`, piaProject); n != 2 {
		t.Errorf("%d follow-ups of a project enrolment kept, want 2", n)
	}
	if n := count(`SELECT count(*) FROM contacts_effective WHERE participant_id = $1 AND occupation = 'unknown'`, kim); n != 2 ||
		count(`SELECT count(*) FROM contacts WHERE id = $1 AND occupation = 'unknown'`, amended) != 1 {
		t.Error(`"Vård eller behandling" at a contact is not "Uppgift saknas"`)
	}
	if _, err := owner.Exec(ctx, `UPDATE contacts SET note = 'x' WHERE id = $1`, amended); err == nil {
		t.Error("an amended contact's original can be changed after the migration")
	}
	if n := count(`SELECT count(*) FROM mappings WHERE participant_id = $1 AND referral_made AND referral_to = 'other'`, kim); n != 2 {
		t.Errorf("%d of Kim's health referrals became Annan, want 2", n)
	}
	if n := count(`SELECT count(*) FROM mappings WHERE participant_id = $1 AND referral_to IN ('youth_clinic', 'health_care')`, pia); n != 2 {
		t.Errorf("%d of a project participant's referrals kept, want 2", n)
	}
	for pos, want := range map[int]string{1: "2026-12-01", 2: "", 3: "", 4: "2026-12-01"} {
		var got *string
		owner.QueryRow(ctx, `SELECT follow_up_on::text FROM plan_measures WHERE participant_id = $1 AND position = $2`, kim, pos).Scan(&got)
		if (got == nil) != (want == "") || (got != nil && *got != want) {
			t.Errorf("åtgärd %d: follow-up %v, want %q", pos, got, want)
		}
	}
	if count(`SELECT count(*) FROM participants WHERE id = $1 AND gender = 'not_stated'`, kim) != 1 ||
		count(`SELECT count(*) FROM participants WHERE id = $1 AND gender = 'woman'`, pia) != 1 {
		t.Error("gender is kept for someone never in a project, or removed from a project participant")
	}
	if count(`SELECT count(*) FROM plan_measures WHERE participant_id = $1 AND position = 9 AND responsible = 'other' AND responsible_unit = ''`, kim) != 1 ||
		count(`SELECT count(*) FROM plan_measures WHERE participant_id = $1 AND position = 9 AND responsible = 'health_care' AND responsible_unit = 'BUP'`, pia) != 1 {
		t.Error("health care responsible for an åtgärd is kept for someone never in a project, or removed from a project participant")
	}
	// Down and up again: the schema goes and comes back.
	if err := m.To(26); err != nil {
		t.Fatal(err)
	}
	if err := m.Up(); err != nil {
		t.Fatal(err)
	}
}

// migrationFixture is an empty database migrated to a version with the
// demo's structure (organisations, users, projects) and the owner's pool,
// for the tests of a migration's data changes.
type migrationFixture struct {
	owner           *pgxpool.Pool
	m               *db.Migrator
	osby, user, sub int // Osby, its demo coordinator, and its sub-project
	exec            func(sql string, args ...any)
	count           func(sql string, args ...any) int
}

func migratedTo(t *testing.T, version uint) migrationFixture {
	t.Helper()
	ctx := context.Background()
	url, m := pgtest.NewAt(t, version)
	if err := seed.StructureAt(ctx, url); err != nil {
		t.Fatal(err)
	}
	owner, err := db.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(owner.Close)
	f := migrationFixture{owner: owner, m: m}
	f.exec = func(sql string, args ...any) {
		t.Helper()
		if _, err := owner.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	f.count = func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := owner.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}
	owner.QueryRow(ctx, `SELECT id FROM orgs WHERE key = '1273'`).Scan(&f.osby)
	owner.QueryRow(ctx, `SELECT id FROM users WHERE email = 'samordnare@osby.demo'`).Scan(&f.user)
	owner.QueryRow(ctx, `SELECT id FROM subprojects WHERE org_id = $1`, f.osby).Scan(&f.sub)
	return f
}

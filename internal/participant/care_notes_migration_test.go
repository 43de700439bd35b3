package participant_test

import (
	"context"
	"testing"
)

// TestMigrationCareAndNotes: migration 000032 leaves, for someone never in a
// project, no strengths or challenges in any version of the mapping, no
// referral to the student health service or social services (a referral
// made stays, as "Annan"), and no åtgärd with social services responsible
// (it becomes the municipality's, without a name). A project participant
// keeps all of it. "Socialtjänsten" as the way into the register becomes
// "Annan verksamhet i kommunen" for everyone, and the list no longer
// accepts it.
func TestMigrationCareAndNotes(t *testing.T) {
	ctx := context.Background()
	f := migratedTo(t, 31)
	owner, m, exec, count, osby, user, sub := f.owner, f.m, f.exec, f.count, f.osby, f.user, f.sub

	// Kim is only in the KAA register; Pia is (was) in a project.
	var kim, pia int64
	owner.QueryRow(ctx, `INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, source)
		VALUES ($1, '200803010008', '2008-03-01', 'Kim', 'K', 'social_services') RETURNING id`, osby).Scan(&kim)
	owner.QueryRow(ctx, `INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, source)
		VALUES ($1, '200804020007', '2008-04-02', 'Pia', 'P', 'social_services') RETURNING id`, osby).Scan(&pia)
	exec(`INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason) VALUES ($1, $2, 'kaa', '2026-01-01', 'dropped_out')`, osby, kim)
	exec(`INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on, ends_on, end_reason)
		VALUES ($1, $2, 'project', $3, '2026-01-01', '2026-06-01', 'project_exit')`, osby, pia, sub)
	for _, pid := range []int64{kim, pia} {
		exec(`INSERT INTO mappings (tenant_id, participant_id, version, mapped_on, strengths, challenges, direction, direction_note, referral_made, referral_to, created_by)
			VALUES ($1, $2, 1, '2026-02-01', 'Kim är bra på bilar', 'Kim har svårt med sömnen', 'work', 'Vill bli mekaniker', true, 'school', $3),
			       ($1, $2, 2, '2026-03-01', 'Bra på bilar', '', 'work', 'Vill bli mekaniker', true, 'social_services', $3),
			       ($1, $2, 3, '2026-04-01', '', '', 'studies', '', true, 'arbetsformedlingen', $3)`, osby, pid, user)
		exec(`INSERT INTO plans (tenant_id, participant_id, version, created_by) VALUES ($1, $2, 1, $3)`, osby, pid, user)
		exec(`INSERT INTO plan_measures (tenant_id, participant_id, version, position, type, responsible, responsible_unit)
			VALUES ($1, $2, 1, 1, 'support', 'social_services', 'Socialtjänstens ungdomsenhet'),
			       ($1, $2, 1, 2, 'guidance', 'school', 'Vuxenutbildningen')`, osby, pid)
	}

	if err := m.To(32); err != nil {
		t.Fatal(err)
	}

	if n := count(`SELECT count(*) FROM mappings WHERE participant_id = $1 AND (strengths <> '' OR challenges <> '')`, kim); n != 0 {
		t.Errorf("%d of Kim's mapping versions keep strengths or challenges", n)
	}
	if n := count(`SELECT count(*) FROM mappings WHERE participant_id = $1 AND direction_note = 'Vill bli mekaniker'`, kim); n != 2 {
		t.Errorf("%d of Kim's notes on direction kept, want 2 (the future occupation stays)", n)
	}
	if n := count(`SELECT count(*) FROM mappings WHERE participant_id = $1 AND referral_made AND referral_to = 'other'`, kim); n != 2 ||
		count(`SELECT count(*) FROM mappings WHERE participant_id = $1 AND referral_to = 'arbetsformedlingen'`, kim) != 1 {
		t.Errorf("%d of Kim's care referrals became Annan, want 2, and Arbetsförmedlingen stays", n)
	}
	if count(`SELECT count(*) FROM mappings WHERE participant_id = $1 AND strengths = 'Kim är bra på bilar' AND challenges <> '' AND referral_to = 'school'`, pia) != 1 ||
		count(`SELECT count(*) FROM mappings WHERE participant_id = $1 AND referral_to = 'social_services'`, pia) != 1 {
		t.Error("a project participant's mapping changed")
	}
	if count(`SELECT count(*) FROM plan_measures WHERE participant_id = $1 AND position = 1 AND responsible = 'municipality' AND responsible_unit = ''`, kim) != 1 ||
		count(`SELECT count(*) FROM plan_measures WHERE participant_id = $1 AND position = 2 AND responsible = 'school' AND responsible_unit = 'Vuxenutbildningen'`, kim) != 1 {
		t.Error("social services responsible for Kim's åtgärd is kept, or another åtgärd changed")
	}
	if count(`SELECT count(*) FROM plan_measures WHERE participant_id = $1 AND position = 1 AND responsible = 'social_services' AND responsible_unit <> ''`, pia) != 1 {
		t.Error("a project participant's åtgärd of social services changed")
	}
	if n := count(`SELECT count(*) FROM participants WHERE source = 'municipal_service'`); n != 2 {
		t.Errorf("%d ways into the register became Annan verksamhet i kommunen, want 2", n)
	}
	if _, err := owner.Exec(ctx, `UPDATE participants SET source = 'social_services' WHERE id = $1`, kim); err == nil {
		t.Error(`the register still accepts "Socialtjänsten" as the way in`)
	}
	// Down and up again.
	if err := m.To(31); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT count(*) FROM participants WHERE source = 'social_services'`); n != 2 {
		t.Errorf("down: %d ways in back to Socialtjänsten, want 2", n)
	}
	if err := m.To(32); err != nil {
		t.Fatal(err)
	}
}

package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestSCBReport checks the half-year report against fixture data counted by hand.
func TestSCBReport(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	osby, horby, me := a.orgID("1273"), a.orgID("1266"), a.userID("samordnare@osby.demo")
	var sub int
	a.db.Owner.QueryRow(ctx, `SELECT id FROM subprojects WHERE org_id = $1`, osby).Scan(&sub)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := a.db.Owner.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	person := func(tenant int, pnr, last string) int64 {
		var id int64
		if err := a.db.Owner.QueryRow(ctx, `INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
			VALUES ($1, $2, to_date(substr($2, 1, 8), 'YYYYMMDD'), 'T', $3) RETURNING id`, tenant, pnr, last).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	kaa := func(tenant int, pid int64, starts, ends, reason, endReason string) {
		exec(`INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, ends_on, registration_reason, end_reason)
			VALUES ($1, $2, 'kaa', $3::date, NULLIF($4, '')::date, $5, NULLIF($6, ''))`, tenant, pid, starts, ends, reason, endReason)
	}
	contact := func(tenant int, pid int64, at, occupation string) {
		exec(`INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, created_by, occupation)
			VALUES ($1, $2, ($3::date + time '10:00') AT TIME ZONE 'Europe/Stockholm', 'sms', 'outgoing', true, $4, $5)`, tenant, pid, at, me, occupation)
	}
	A := person(osby, "200803010008", "Aström")
	kaa(osby, A, "2025-09-01", "", "dropped_out", "")
	contact(osby, A, "2026-02-10", "no_activity")
	exec(`INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, created_by)
		VALUES ($1, $2, '2026-04-01 10:00+02', 'sms', 'outgoing', false, $3)`, osby, A, me) // an attempt, not a contact occasion
	contact(osby, A, "2026-07-05", "work")
	exec(`INSERT INTO plans (tenant_id, participant_id, version, created_by) VALUES ($1, $2, 1, $3)`, osby, A, me)
	exec(`INSERT INTO plan_measures (tenant_id, participant_id, version, position, type, responsible, starts_on, ends_on, end_reason)
		VALUES ($1, $2, 1, 1, 'work_placement', 'municipality', '2026-03-01', '2026-05-31', 'completed'),
		       ($1, $2, 1, 2, 'guidance', 'municipality', NULL, NULL, NULL)`, osby, A)
	B := person(osby, "200706151230", "Berglund")
	kaa(osby, B, "2026-03-01", "2026-05-15", "unknown", "national_programme")
	contact(osby, B, "2026-03-02", "unknown")
	C := person(osby, "200901012344", "Carlsson")
	kaa(osby, C, "2025-01-01", "", "never_started", "")
	contact(osby, C, "2025-12-01", "no_activity")
	D := person(osby, "200712124569", "Dahlberg") // KAA ended before the half-year
	kaa(osby, D, "2025-01-01", "2025-12-31", "dropped_out", "moved")
	E := person(osby, "200603153328", "Ek") // only in a project
	exec(`INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on) VALUES ($1, $2, 'project', $3, '2026-02-01')`, osby, E, sub)
	F := person(osby, "200904044442", "Frisk") // KAA from after the half-year
	kaa(osby, F, "2026-07-01", "", "dropped_out", "")
	H := person(horby, "200803010008", "Hörbybo") // another municipality
	kaa(horby, H, "2026-01-01", "", "unknown", "")

	c := a.client()
	c.signIn("samordnare@osby.demo")
	page := c.get("/k/1273/scb?halvar=2026-1").Body
	for block, want := range map[string]string{"1": "3", "2": "2", "3": "1", "4": "1", "5": "1"} {
		m := regexp.MustCompile(`data-testid="block-` + block + `"><h2>[^<]*\((\d+)\)`).FindStringSubmatch(page)
		if m == nil || m[1] != want {
			t.Errorf("block %s: %v rows, want %s", block, m, want)
		}
	}
	for _, other := range []string{"Dahlberg", "Ek", "Frisk", "Hörbybo"} {
		if strings.Contains(page, other) {
			t.Errorf("%s is in the report but should not be", other)
		}
	}
	gaps := map[string]string{"reason_missing": "Berglund", "occupation_unknown": "Berglund", "measure_no_start": "Aström", "no_contact": "Carlsson"}
	for kind, who := range gaps {
		if !regexp.MustCompile(`data-gap="` + kind + `">[^<]*<a href="[^"]+">T ` + who).MatchString(page) {
			t.Errorf("gap %s for %s not found", kind, who)
		}
	}
	if n := strings.Count(page, "data-gap="); n != len(gaps) {
		t.Errorf("%d gaps, want %d", n, len(gaps))
	}

	csv := c.get("/k/1273/scb/block/2?halvar=2026-1")
	want := "personnummer,kontaktdatum,sysselsattning_kod,sysselsattning\n200706151230,2026-03-02,99,unknown\n200803010008,2026-02-10,51,no_activity\n"
	if csv.Header.Get("Content-Type") != "text/csv; charset=utf-8" || csv.Body != want {
		t.Errorf("block 2 CSV:\n%s\nwant:\n%s", csv.Body, want)
	}
	if c.get("/k/1273/scb/block/5?halvar=2026-1").Body != "personnummer,avslutsdatum,avslutsorsak_kod,avslutsorsak\n200706151230,2026-05-15,1,national_programme\n" {
		t.Error("block 5 CSV is wrong")
	}
	if c.get("/k/1273/scb/block/9").Status != 404 {
		t.Error("block 9 exists")
	}
	if a.count(`SELECT count(*) FROM audit_events WHERE action = 'scb.export'`) != 2 {
		t.Error("CSV downloads are not audited")
	}
}

func TestFixRegistrationReason(t *testing.T) {
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	form := newParticipant("080301-0024", "Alva", "Andersson")
	form.Set("registration_reason", "unknown")
	id := c.register(form)
	eid := a.count(`SELECT id FROM enrolments WHERE participant_id = $1`, id)
	page := c.get(fmt.Sprintf("/k/1273/deltagare/%d", id)).Body
	if !strings.Contains(page, "<details open><summary>Ändra orsak till registrering") {
		t.Error("an unknown reason is not offered for correction")
	}
	path := fmt.Sprintf("/k/1273/deltagare/%d/inskrivningar/%d/orsak", id, eid)
	if res := c.post(path, url.Values{fmt.Sprintf("registration_reason_%d", eid): {"kanske"}}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad reason: %d", res.Status)
	}
	if res := c.post(path, url.Values{fmt.Sprintf("registration_reason_%d", eid): {"dropped_out"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("fix reason: %d", res.Status)
	}
	if a.count(`SELECT count(*) FROM enrolments WHERE id = $1 AND registration_reason = 'dropped_out'`, eid) != 1 ||
		a.count(`SELECT count(*) FROM audit_events WHERE action = 'enrolment.update'`) != 1 {
		t.Error("the reason was not saved and audited")
	}
}

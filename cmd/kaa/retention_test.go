package main

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

// TestRetentionNeedsADecision: the real server with KAA_RETENTION=erase,
// over old data, erases no one while the municipality has no
// gallringsbeslut. An administrator records one on the gallring page; the
// server with KAA_RETENTION=report then only counts; with erase it removes
// exactly what the decision says, per rule, and no one within the
// decision's times nor in a municipality without a decision. Every run is in
// the audit log with its counts and the decision's reference, and the
// erased people's anonymous rows stay for the statistics.
func TestRetentionNeedsADecision(t *testing.T) {
	t.Parallel()
	d := pgtest.NewFrom(t, "accounts", seed.StructureAt)
	ctx := context.Background()
	var osby, horby, sub int
	d.Owner.QueryRow(ctx, `SELECT id FROM orgs WHERE key = '1273'`).Scan(&osby)
	d.Owner.QueryRow(ctx, `SELECT id FROM orgs WHERE key = '1266'`).Scan(&horby)
	d.Owner.QueryRow(ctx, `SELECT id FROM subprojects WHERE org_id = $1 LIMIT 1`, osby).Scan(&sub)
	person := func(org int, pnr, first, identified string) (id int64) {
		t.Helper()
		err := d.Owner.QueryRow(ctx, `
			INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, gender, identified_on)
			VALUES ($1, $2, to_date(left($2, 8), 'YYYYMMDD'), $3, 'Testsson', 'woman', current_date - $4::interval) RETURNING id`, org, pnr, first, identified).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	enrol := func(org int, id int64, kind, ended string) {
		t.Helper()
		subproject, status, level, reason, why := any(nil), any(nil), any(nil), any("dropped_out"), "national_programme"
		if kind == "project" {
			subproject, status, level, reason, why = sub, "unemployed", "isced_0_2", nil, "project_exit"
		}
		if _, err := d.Owner.Exec(ctx, `
			INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on, ends_on, end_reason, labour_market_status, education_level, registration_reason)
			VALUES ($1, $2, $3, $4, current_date - $5::interval - interval '1 year', current_date - $5::interval, $8, $6, $7, $9)`,
			org, id, kind, subproject, ended, status, level, why, reason); err != nil {
			t.Fatal(err)
		}
	}
	// Osby: Ada's KAA ended three years ago and Bo's two months ago; Cia was
	// identified two years ago and Dan two months ago, neither ever
	// registered; Eva's project ended five years ago and Fia's two.
	ada := person(osby, "200501019802", "Ada", "6 years")
	enrol(osby, ada, "kaa", "3 years")
	bo := person(osby, "200601019801", "Bo", "3 years")
	enrol(osby, bo, "kaa", "2 months")
	cia := person(osby, "200701019800", "Cia", "2 years")
	dan := person(osby, "200401019803", "Dan", "2 months")
	eva := person(osby, "200801019808", "Eva", "7 years")
	enrol(osby, eva, "project", "5 years")
	fia := person(osby, "200803010008", "Fia", "4 years")
	enrol(osby, fia, "project", "2 years")
	// Hörby records no decision: Gus, whose KAA ended five years ago, stays.
	gus := person(horby, "200501019802", "Gus", "8 years")
	enrol(horby, gus, "kaa", "5 years")

	runs := func(org int) (n int) {
		d.Owner.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE tenant_id = $1 AND action = 'retention.run'`, org).Scan(&n)
		return n
	}
	// serve starts the server with KAA_RETENTION=mode, waits for its
	// retention run to be in both municipalities' audit logs, and returns
	// its address and the stop function.
	serve := func(mode string) (string, func() error) {
		t.Helper()
		before := runs(osby) + runs(horby)
		addr, stop := boot(t, []string{"serve"}, map[string]string{"APP_DATABASE_URL": d.AppURL, "KAA_ADDR": "127.0.0.1:0",
			"KAA_TOTP_KEYS": testTOTPKeys, "KAA_AUDIT_KEY": pgtest.AuditKey.String(), "KAA_RETENTION": mode})
		for deadline := time.Now().Add(30 * time.Second); runs(osby)+runs(horby) < before+2; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				stop()
				t.Fatalf("KAA_RETENTION=%s: no retention run in the audit log within 30 s", mode)
			}
		}
		return addr, stop
	}
	erased := func() map[int64]bool {
		rows, err := d.Owner.Query(ctx, `SELECT id, erased_on IS NOT NULL AND personnummer = '' AND first_name = '' FROM participants`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[int64]bool{}
		for rows.Next() {
			var id int64
			var e bool
			rows.Scan(&id, &e)
			out[id] = e
		}
		return out
	}
	type lastRun struct {
		DryRun               bool
		Decision             *string
		People, KAA, Project int
		Unenrolled           int
		RecordID             string
	}
	last := func(org int) (r lastRun) {
		t.Helper()
		err := d.Owner.QueryRow(ctx, `
			SELECT (detail->>'dry_run')::bool, detail->>'decision', (detail->>'people')::int, coalesce((detail->>'kaa')::int, 0),
			       coalesce((detail->>'project')::int, 0), coalesce((detail->>'unenrolled')::int, 0), record_id
			FROM audit_events WHERE tenant_id = $1 AND action = 'retention.run' ORDER BY id DESC LIMIT 1`, org).
			Scan(&r.DryRun, &r.Decision, &r.People, &r.KAA, &r.Project, &r.Unenrolled, &r.RecordID)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	// 1. No decision anywhere: the server set to erase erases no one.
	addr, stop := serve("erase")
	for id, e := range erased() {
		if e {
			t.Errorf("participant %d erased without a gallringsbeslut", id)
		}
	}
	if r := last(osby); !r.DryRun || r.Decision != nil || r.People != 0 {
		t.Errorf("Osby's run without a decision: %+v", r)
	}

	// 2. Osby's administrator records the board's decision on the page:
	// 24 months after avregistrering, 48 after a project, 6 for someone
	// never registered.
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) int {
		t.Helper()
		res, err := c.PostForm("http://"+addr+path, form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if s := post("/logga-in", url.Values{"email": {"admin@osby.demo"}, "password": {seed.DemoPassword}}); s != http.StatusSeeOther {
		t.Fatalf("sign in: %d", s)
	}
	if s := post("/k/1273/gallring", url.Values{"reference": {"BUN 2026/17"}, "decided_on": {time.Now().AddDate(0, 0, -7).Format(time.DateOnly)},
		"decided_by": {"Barn- och utbildningsnämnden"}, "kaa_months": {"24"}, "project_months": {"48"}, "unenrolled_months": {"6"},
		"action": {"record"}, "bekraftat": {"ja"}}); s != http.StatusSeeOther {
		t.Fatalf("recording the decision: %d", s)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	// 3. Report only: the counts the decision gives, and no one erased.
	_, stop = serve("report")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	for id, e := range erased() {
		if e {
			t.Errorf("participant %d erased with KAA_RETENTION=report", id)
		}
	}
	if r := last(osby); !r.DryRun || r.Decision == nil || *r.Decision != "BUN 2026/17" || r.KAA != 1 || r.Project != 1 || r.Unenrolled != 1 {
		t.Errorf("Osby's report under the decision: %+v", r)
	}

	// 4. Erase: exactly Ada (after KAA), Eva (after a project) and Cia
	// (never registered); Bo, Dan and Fia are within the decision's times,
	// and Hörby has no decision.
	_, stop = serve("erase")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	got := erased()
	want := map[int64]bool{ada: true, bo: false, cia: true, dan: false, eva: true, fia: false, gus: false}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("participant %d erased %v, want %v", id, got[id], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d participant rows after gallring, want %d: the anonymous rows stay", len(got), len(want))
	}
	if r := last(osby); r.DryRun || r.Decision == nil || *r.Decision != "BUN 2026/17" || r.RecordID != "BUN 2026/17" || r.People != 3 || r.KAA != 1 || r.Project != 1 || r.Unenrolled != 1 {
		t.Errorf("Osby's erase run in the audit log: %+v", r)
	}
	if r := last(horby); !r.DryRun || r.Decision != nil || r.People != 0 {
		t.Errorf("Hörby's run without a decision: %+v", r)
	}
	// The erased keep the rows the statistics count on.
	var kept int
	d.Owner.QueryRow(ctx, `SELECT count(*) FROM enrolments WHERE participant_id = ANY ($1)`, []int64{ada, eva}).Scan(&kept)
	if kept != 2 {
		t.Errorf("%d enrolments of the erased left, want 2", kept)
	}
}

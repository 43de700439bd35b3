package moves_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/moves"
	"github.com/kaa-plattform/kaa/internal/personnummer"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestSendMoveNoticeChecksInSQL: send_move_notice, called by the serving
// role as the Go code does, refuses on its own what the Go side also checks:
// another municipality's enrolment, an open one, one ended for another
// reason, one without consent, one no longer the latest. Only a consented
// move reaches the receiver, once; the receiver cannot send on the sender's
// behalf, and the serving role cannot write a notice into another
// municipality by itself.
func TestSendMoveNoticeChecksInSQL(t *testing.T) {
	t.Parallel()
	d := pgtest.NewFrom(t, "accounts", seed.StructureAt)
	ctx := context.Background()
	var osby, horby, user int
	d.Owner.QueryRow(ctx, `SELECT id FROM orgs WHERE key = '1273'`).Scan(&osby)
	d.Owner.QueryRow(ctx, `SELECT id FROM orgs WHERE key = '1266'`).Scan(&horby)
	d.Owner.QueryRow(ctx, `SELECT id FROM users WHERE email = 'samordnare@osby.demo'`).Scan(&user)
	// A person of Osby with a KAA enrolment ended as given.
	person := func(pnr string, reason, movedTo any) (pid, eid int64) {
		t.Helper()
		err := d.Owner.QueryRow(ctx, `
			WITH p AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
			           VALUES ($1, $2, '2008-03-01', 'Test', 'Testsson') RETURNING id)
			INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason, ends_on, end_reason, moved_to)
			SELECT $1, id, 'kaa', '2026-01-01', 'dropped_out', CASE WHEN $3::text IS NULL THEN NULL ELSE current_date END, $3, $4 FROM p
			RETURNING participant_id, id`, osby, pnr, reason, movedTo).Scan(&pid, &eid)
		if err != nil {
			t.Fatal(err)
		}
		return pid, eid
	}
	consentRow := func(pid, eid int64) {
		t.Helper()
		if _, err := d.Owner.Exec(ctx, `INSERT INTO move_consents (tenant_id, participant_id, enrolment_id, given_by, given_on, method)
			VALUES ($1, $2, $3, 'young_person', current_date, 'oral')`, osby, pid, eid); err != nil {
			t.Fatal(err)
		}
	}
	send := func(tenant int, eid int64) string {
		t.Helper()
		var out string
		if err := db.InTenant(ctx, d.App, tenant, user, func(tx db.Tx) error {
			return tx.QueryRow(ctx, `SELECT send_move_notice($1)`, eid).Scan(&out)
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	notices := func() int {
		var n int
		d.Owner.QueryRow(ctx, `SELECT count(*) FROM move_notices`).Scan(&n)
		return n
	}

	pid, eid := person("200803010024", "moved", "1266")
	if got := send(osby, eid); got != "refused" {
		t.Errorf("without consent: %s", got)
	}
	consentRow(pid, eid)
	if got := send(horby, eid); got != "refused" {
		t.Errorf("another municipality's enrolment: %s", got)
	}
	if got := send(osby, eid); got != "sent" || notices() != 1 {
		t.Errorf("with consent: %s, %d notices", got, notices())
	}
	// Again: the Go side records the outcome on the consent (then the
	// answer is already_sent); without it the unique key keeps it to one.
	if send(osby, eid); notices() != 1 {
		t.Errorf("again: %d notices", notices())
	}
	d.Owner.Exec(ctx, `UPDATE move_consents SET notice_outcome = 'sent' WHERE enrolment_id = $1`, eid)
	if got := send(osby, eid); got != "already_sent" {
		t.Errorf("after an outcome was recorded: %s", got)
	}
	var to int
	d.Owner.QueryRow(ctx, `SELECT tenant_id FROM move_notices`).Scan(&to)
	if to != horby {
		t.Errorf("the notice is in tenant %d, want Hörby (%d)", to, horby)
	}

	p2, open := person("200803020023", nil, nil)
	consentRow(p2, open)
	p3, other := person("200803030022", "emigrated", nil)
	consentRow(p3, other)
	for name, e := range map[string]int64{"open": open, "emigrated": other} {
		if got := send(osby, e); got != "refused" {
			t.Errorf("%s: %s", name, got)
		}
	}
	// A later KAA enrolment: the move is no longer the latest.
	p4, moved := person("200803040021", "moved", "1266")
	consentRow(p4, moved)
	if _, err := d.Owner.Exec(ctx, `INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason)
		VALUES ($1, $2, 'kaa', current_date, 'moved_in')`, osby, p4); err != nil {
		t.Fatal(err)
	}
	if got := send(osby, moved); got != "refused" || notices() != 1 {
		t.Errorf("not the latest: %s", got)
	}

	// The serving role cannot write into another municipality by itself.
	err := db.InTenant(ctx, d.App, osby, user, func(tx db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO move_notices (tenant_id, from_org_id, source_enrolment, personnummer, first_name, last_name, moved_on)
			VALUES ($1, $2, 99, '200803010024', 'X', 'Y', current_date)`, horby, osby)
		return err
	})
	if err == nil {
		t.Error("kaa_app wrote a notice into another municipality")
	}

	// Consent with a date in the future is refused before anything is written.
	var p moves.Problems
	err = db.InTenant(ctx, d.App, osby, user, func(tx db.Tx) error {
		_, err := moves.RecordConsent(ctx, tx, pid, moves.Consent{GivenBy: "young_person", Method: "oral", GivenOn: time.Now().AddDate(0, 0, 3)}, time.Now())
		return err
	})
	if !errors.As(err, &p) || p["given_on"] == "" {
		t.Errorf("a consent in the future: %v", err)
	}
}

// pnr is a valid personnummer of a birth date "YYYYMMDD" and a serial.
func pnr(birth, serial string) string {
	return birth + serial + strconv.Itoa(personnummer.CheckDigit(birth[2:]+serial))
}

// TestNoticesBothWaysAtOnce: Osby and Hörby record consents for notices to
// each other at the same moment. Each notice appends to both municipalities'
// audit chains; taken in different orders, the chains' locks deadlocked and
// one coordinator got an error.
func TestNoticesBothWaysAtOnce(t *testing.T) {
	t.Parallel()
	d := pgtest.NewFrom(t, "accounts", seed.StructureAt)
	ctx := context.Background()
	ids := map[string]int{}
	for _, k := range []string{"1273", "1266"} {
		var id int
		d.Owner.QueryRow(ctx, `SELECT id FROM orgs WHERE key = $1`, k).Scan(&id)
		ids[k] = id
	}
	var osbyUser, horbyUser int
	d.Owner.QueryRow(ctx, `SELECT id FROM users WHERE email = 'samordnare@osby.demo'`).Scan(&osbyUser)
	d.Owner.QueryRow(ctx, `SELECT id FROM users WHERE email = 'samordnare@horby.demo'`).Scan(&horbyUser)
	type job struct {
		tenant, user int
		pid          int64
	}
	var jobs []job
	for i := range 12 {
		from, to, user := "1273", "1266", osbyUser
		if i%2 == 1 {
			from, to, user = "1266", "1273", horbyUser
		}
		var pid int64
		err := d.Owner.QueryRow(ctx, `
			WITH p AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
			           VALUES ($1, $2, '2008-03-01', 'Test', 'Testsson') RETURNING id)
			INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason, ends_on, end_reason, moved_to)
			SELECT $1, id, 'kaa', '2026-01-01', 'dropped_out', current_date, 'moved', $3 FROM p
			RETURNING participant_id`, ids[from], pnr(fmt.Sprintf("200803%02d", i+1), "123"), to).Scan(&pid)
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, job{ids[from], user, pid})
	}
	today := time.Now()
	start := make(chan struct{})
	errs := make(chan error, len(jobs))
	for _, j := range jobs {
		go func() {
			<-start
			errs <- db.InTenant(ctx, d.App, j.tenant, j.user, func(tx db.Tx) error {
				_, err := moves.RecordConsent(ctx, tx, j.pid, moves.Consent{GivenBy: "young_person", GivenOn: today, Method: "oral"}, today)
				return err
			})
		}()
	}
	close(start)
	for range jobs {
		if err := <-errs; err != nil {
			t.Errorf("a consent recorded at the same time as one the other way: %v", err)
		}
	}
	var n int
	d.Owner.QueryRow(ctx, `SELECT count(*) FROM move_notices`).Scan(&n)
	if n != len(jobs) {
		t.Errorf("%d notices, want %d", n, len(jobs))
	}
}

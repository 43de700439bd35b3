package participant_test

import (
	"context"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

// TestReachRuleAgreesWithDatabase: for every party and both answers, the Go
// rule (participant.CanReach, which the contact form applies) and the
// database's CHECKs on contacts and contact_amendments accept the same
// contacts; and only a reached contact with the young person makes them
// reached (ever_reached, first_reached_at, the status "i kontakt").
func TestReachRuleAgreesWithDatabase(t *testing.T) {
	t.Parallel()
	d, tenant, coordinator, person := kristianstadPerson(t)
	ctx := context.Background()
	reachedNow := func() (ever bool) {
		d.Owner.QueryRow(ctx, `SELECT ever_reached AND first_reached_at IS NOT NULL AND status = 'in_contact' FROM participants WHERE id = $1`, person).Scan(&ever)
		return ever
	}
	var base int64
	if err := db.InTenant(ctx, d.App, tenant, coordinator, func(tx db.Tx) (err error) {
		base, err = participant.LogContact(ctx, tx, person, participant.Contact{OccurredAt: time.Now(), Channel: "sms", Direction: "outgoing"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, party := range codes.Party.Keys() {
		for _, reached := range []bool{false, true} {
			want := !reached || participant.CanReach(party)
			c := participant.Contact{OccurredAt: time.Now(), Channel: "phone", Direction: "outgoing", Party: party, Reached: reached}
			// Each try rolls back, so the person's summary shows what one contact does.
			var ever bool
			logged := db.InTenant(ctx, d.App, tenant, coordinator, func(tx db.Tx) error {
				if _, err := participant.LogContact(ctx, tx, person, c); err != nil {
					return err
				}
				tx.QueryRow(ctx, `SELECT ever_reached FROM participants WHERE tenant_id = $1 AND id = $2`, tenant, person).Scan(&ever)
				return errRollback
			})
			if got := logged == errRollback; got != want {
				t.Errorf("contacts: %s, reached %v: the database accepts %v, CanReach says %v (%v)", party, reached, got, want, logged)
			}
			if got := logged == errRollback && ever; got != (reached && party == participant.PartyYoungPerson) {
				t.Errorf("%s, reached %v: the young person counts as reached: %v", party, reached, got)
			}
			amended := db.InTenant(ctx, d.App, tenant, coordinator, func(tx db.Tx) error {
				_, err := participant.CorrectContact(ctx, tx, person, base, c, "test", time.Now().AddDate(0, 0, 2))
				if err != nil {
					return err
				}
				return errRollback
			})
			if got := amended == errRollback; got != want {
				t.Errorf("contact_amendments: %s, reached %v: the database accepts %v, CanReach says %v (%v)", party, reached, got, want, amended)
			}
		}
	}
	if reachedNow() {
		t.Error("rolled-back contacts left the person reached")
	}
}

// kristianstadPerson is a database with the demo's structure and one young
// person in Kristianstad, identified on 2026-05-01, and its coordinator.
func kristianstadPerson(t *testing.T) (d *pgtest.DB, tenant, coordinator int, person int64) {
	t.Helper()
	d = pgtest.NewFrom(t, "accounts", seed.StructureAt)
	ctx := context.Background()
	d.Owner.QueryRow(ctx, `SELECT id FROM orgs WHERE key = '1290'`).Scan(&tenant)
	d.Owner.QueryRow(ctx, `SELECT id FROM users WHERE email = 'samordnare@kristianstad.demo'`).Scan(&coordinator)
	if err := d.Owner.QueryRow(ctx, `
		INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, gender, identified_on)
		VALUES ($1, '200801019807', '2008-01-01', 'Test', 'Testsson', 'woman', '2026-05-01') RETURNING id`, tenant).Scan(&person); err != nil {
		t.Fatal(err)
	}
	return d, tenant, coordinator, person
}

var errRollback = rollback{}

type rollback struct{}

func (rollback) Error() string { return "roll back" }

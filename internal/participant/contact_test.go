package participant_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
)

// TestContactsBetweenFollowAmendments checks the dashboards' way to a
// period's contacts (contacts_between, through the index on time) against
// its definition: the contacts whose amended Swedish date falls in the
// period. Corrections move contacts into and out of the period; the first
// contact kept on the person follows them; and an amended original still
// cannot change.
func TestContactsBetweenFollowAmendments(t *testing.T) {
	t.Parallel()
	d, tenant, coordinator, person := kristianstadPerson(t)
	ctx := context.Background()
	sthlm, _ := time.LoadLocation("Europe/Stockholm")
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, sthlm)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	in := func(fn func(tx db.Tx) error) {
		t.Helper()
		if err := db.InTenant(ctx, d.App, tenant, coordinator, fn); err != nil {
			t.Fatal(err)
		}
	}
	log := func(when string, reached bool) (id int64) {
		in(func(tx db.Tx) (err error) {
			id, err = participant.LogContact(ctx, tx, person, participant.Contact{OccurredAt: at(when), Channel: "sms", Direction: "outgoing", Reached: reached})
			return err
		})
		return id
	}
	// Half past midnight in Stockholm on 1 July is still 30 June in UTC.
	lastJune := log("2026-06-30 23:30", false)
	firstJuly := log("2026-07-01 00:30", true)
	september := log("2026-09-01 10:00", false)
	log("2026-05-02 09:00", false) // before the period, and after the amended September one
	// Corrections days later are amendments: June's contact moves into the
	// period and was reached; September's moves out, before May's.
	later := time.Now().AddDate(0, 0, 3)
	amend := func(id int64, when string, reached bool) {
		in(func(tx db.Tx) error {
			_, err := participant.CorrectContact(ctx, tx, person, id, participant.Contact{OccurredAt: at(when), Channel: "phone", Direction: "outgoing", Reached: reached}, "Fel datum", later)
			return err
		})
	}
	amend(lastJune, "2026-08-01 12:00", true)
	amend(september, "2026-05-01 08:00", false)

	ids := func(sql string) []int64 {
		var got []int64
		in(func(tx db.Tx) error {
			rows, _ := tx.Query(ctx, sql, tx.TenantID, "2026-07-01", "2026-12-31")
			var err error
			got, err = pgx.CollectRows(rows, pgx.RowTo[int64])
			return err
		})
		slices.Sort(got)
		return got
	}
	between := ids(`SELECT id FROM contacts_between($1, $2::date, $3::date)`)
	defined := ids(`SELECT id FROM contacts_effective WHERE tenant_id = $1 AND (occurred_at AT TIME ZONE 'Europe/Stockholm')::date BETWEEN $2::date AND $3::date`)
	want := []int64{lastJune, firstJuly}
	slices.Sort(want)
	if !slices.Equal(between, want) || !slices.Equal(defined, want) {
		t.Errorf("contacts in the second half of 2026: contacts_between %v, by definition %v; want %v", between, defined, want)
	}
	one := ids(`SELECT id FROM participant_contacts_between($1, ` + strconv.FormatInt(person, 10) + `, $2::date, $3::date)`)
	if !slices.Equal(one, want) {
		t.Errorf("participant_contacts_between = %v, want %v", one, want)
	}
	var reached bool
	in(func(tx db.Tx) error {
		return tx.QueryRow(ctx, `SELECT reached FROM contacts_between($1, '2026-07-01', '2026-12-31') WHERE id = $2`, tx.TenantID, lastJune).Scan(&reached)
	})
	if !reached {
		t.Error("contacts_between reads the original of an amended contact, not its amendment")
	}

	// The person's first attempt is now the amended September contact (1 May),
	// the first reach 1 July.
	var first, firstReached time.Time
	d.Owner.QueryRow(ctx, `SELECT first_contact_at, first_reached_at FROM participants WHERE id = $1`, person).Scan(&first, &firstReached)
	if !first.Equal(at("2026-05-01 08:00")) || !firstReached.Equal(at("2026-07-01 00:30")) {
		t.Errorf("first contact %v, first reached %v; want 1 May 08:00 and 1 July 00:30", first.In(sthlm), firstReached.In(sthlm))
	}

	// The mark that a contact is amended is all that may change on its original.
	err := db.InTenant(ctx, d.App, tenant, coordinator, func(tx db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE contacts SET note = 'ändrat i efterhand' WHERE tenant_id = $1 AND id = $2`, tx.TenantID, lastJune)
		return err
	})
	if err == nil {
		t.Error("the original of an amended contact changed")
	}
}

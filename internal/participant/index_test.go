package participant_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/dashboard"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The tables whose rows grow with the country: a sequential scan of one of
// them in a page of one municipality reads every municipality's rows.
var bigTables = []string{"participants", "enrolments", "contacts", "plans", "followups", "appointments"}

// TestKeyQueriesUseIndexes runs the queries of a coordinator's day on a
// mid-sized register (one large municipality among several) and fails if any
// of them reads a big table sequentially: each must start from an index that
// leads with tenant_id. It reads PostgreSQL's own per-transaction scan
// counters, so it holds whatever SQL the store functions build.
func TestKeyQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	d := pgtest.NewFrom(t, "accounts", seed.StructureAt)
	ctx := context.Background()
	// A national register in miniature: Kristianstad is one of 31
	// municipalities of 1,500 people each (3 % of the rows, as a mid-sized
	// municipality is of Sweden's), with KAA enrolments, 5 contacts each, a
	// plan for every third and follow-ups for the ended.
	_, err := d.Owner.Exec(ctx, `
		INSERT INTO orgs (key, name, kind) SELECT (9100 + i)::text, 'Testkommun ' || i, 'municipality' FROM generate_series(0, 29) i`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Owner.Exec(ctx, `
		WITH orgs AS (SELECT id FROM orgs WHERE key = '1290' OR key LIKE '91__'),
		p AS (
		    INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, gender, identified_on)
		    SELECT orgs.id, to_char(date '2007-01-01' + (i % 1000), 'YYYYMMDD') || lpad((i / 1000)::text, 4, '0'),
		           date '2007-01-01' + (i % 1000), 'Förnamn' || (i % 97), 'Efternamn' || (i % 389),
		           (ARRAY['woman', 'man'])[1 + i % 2], date '2025-01-01' + (i % 600)
		    FROM orgs, generate_series(1, 1500) i
		    RETURNING tenant_id, id, identified_on)
		INSERT INTO enrolments (tenant_id, participant_id, kind, registration_reason, starts_on, ends_on, end_reason)
		SELECT tenant_id, id, 'kaa', 'dropped_out', identified_on, CASE WHEN id % 4 = 0 THEN identified_on + 90 END, CASE WHEN id % 4 = 0 THEN 'moved' END FROM p`)
	if err != nil {
		t.Fatal(err)
	}
	steps := []string{
		`INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, created_by)
		 SELECT p.tenant_id, p.id, p.identified_on + k * interval '9 days', (ARRAY['sms', 'phone', 'letter'])[1 + k % 3], 'outgoing', k % 2 = 0,
		        (SELECT id FROM users WHERE email = 'samordnare@kristianstad.demo')
		 FROM participants p, generate_series(1, 5) k`,
		`INSERT INTO plans (tenant_id, participant_id, version, created_by) SELECT tenant_id, id, 1, (SELECT id FROM users WHERE email = 'samordnare@kristianstad.demo') FROM participants WHERE id % 3 = 0`,
		`INSERT INTO followups (tenant_id, participant_id, enrolment_id, kind, due_on)
		 SELECT tenant_id, participant_id, id, 'exit', ends_on + 28 FROM enrolments WHERE ends_on IS NOT NULL`,
		// Two bookings each, by the municipality's coordinator, one held.
		`INSERT INTO appointments (tenant_id, participant_id, kind, due_at, responsible, created_by, done_at)
		 SELECT p.tenant_id, p.id, 'home_visit', p.identified_on + k * interval '20 days', u.id, u.id, CASE WHEN k = 1 THEN p.identified_on + interval '20 days' END
		 FROM participants p, generate_series(1, 2) k, users u WHERE u.email = 'samordnare@kristianstad.demo'`,
		`ANALYZE`,
	}
	for _, s := range steps {
		if _, err := d.Owner.Exec(ctx, s); err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
	}
	var kristianstad, coordinator int
	var someone int64
	d.Owner.QueryRow(ctx, `SELECT id FROM orgs WHERE key = '1290'`).Scan(&kristianstad)
	d.Owner.QueryRow(ctx, `SELECT id FROM users WHERE email = 'samordnare@kristianstad.demo'`).Scan(&coordinator)
	d.Owner.QueryRow(ctx, `SELECT min(id) FROM participants WHERE tenant_id = $1`, kristianstad).Scan(&someone)

	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	queries := []struct {
		name string
		run  func(tx db.Tx) error
	}{
		{"the list", func(tx db.Tx) error { _, err := participant.List(ctx, tx, participant.Filter{}, today); return err }},
		{"the list, status in contact", func(tx db.Tx) error {
			_, err := participant.List(ctx, tx, participant.Filter{Status: "in_contact"}, today)
			return err
		}},
		{"the list, sorted by last contact", func(tx db.Tx) error {
			_, err := participant.List(ctx, tx, participant.Filter{Sort: "last_contact"}, today)
			return err
		}},
		{"the list, no contact for 60 days", func(tx db.Tx) error {
			_, err := participant.List(ctx, tx, participant.Filter{NoContactDays: 60}, today)
			return err
		}},
		{"search by name", func(tx db.Tx) error {
			_, err := participant.List(ctx, tx, participant.Filter{Search: "Efternamn12"}, today)
			return err
		}},
		{"search by personnummer", func(tx db.Tx) error {
			_, err := participant.List(ctx, tx, participant.Filter{Search: "20070105-0015"}, today)
			return err
		}},
		{"the participant page", func(tx db.Tx) error {
			if _, err := participant.Get(ctx, tx, someone); err != nil {
				return err
			}
			if _, err := participant.Contacts(ctx, tx, someone); err != nil {
				return err
			}
			if _, err := participant.Enrolments(ctx, tx, someone); err != nil {
				return err
			}
			if _, err := participant.Plans(ctx, tx, someone); err != nil {
				return err
			}
			if _, err := participant.Mappings(ctx, tx, someone); err != nil {
				return err
			}
			if _, err := participant.FollowUps(ctx, tx, someone); err != nil {
				return err
			}
			_, err := participant.Appointments(ctx, tx, someone)
			return err
		}},
		{"the work queues", func(tx db.Tx) error { _, _, err := participant.Queues(ctx, tx, coordinator, today); return err }},
		{"the work queues of the whole municipality", func(tx db.Tx) error { _, _, err := participant.Queues(ctx, tx, 0, today); return err }},
		{"the menu's count of due items", func(tx db.Tx) error { _, err := participant.CountDue(ctx, tx, coordinator, today); return err }},
		{"the municipality dashboard", func(tx db.Tx) error {
			_, err := dashboard.BuildMunicipality(ctx, tx, dashboard.Period{From: date("2026-07-01"), To: date("2026-12-31")}, 0, today)
			return err
		}},
	}
	for _, q := range queries {
		err := db.InTenant(ctx, d.App, kristianstad, coordinator, func(tx db.Tx) error {
			before, err := seqScans(ctx, tx)
			if err != nil {
				return err
			}
			if err := q.run(tx); err != nil {
				return err
			}
			after, err := seqScans(ctx, tx)
			if err != nil {
				return err
			}
			for _, tbl := range bigTables {
				if after[tbl] > before[tbl] {
					t.Errorf("%s: %d sequential scans of %s", q.name, after[tbl]-before[tbl], tbl)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
	}
}

// seqScans reads how many sequential scans this transaction has made so far,
// per table.
func seqScans(ctx context.Context, tx db.Tx) (map[string]int64, error) {
	rows, err := tx.Query(ctx, `SELECT relname, seq_scan FROM pg_stat_xact_user_tables`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		out[name] = n
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no table statistics visible")
	}
	return out, rows.Err()
}

func date(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

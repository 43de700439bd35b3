package digest_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/digest"
	"github.com/kaa-plattform/kaa/internal/mail"
	"github.com/kaa-plattform/kaa/internal/mail/smtptest"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestDigest(t *testing.T) {
	t.Parallel()
	d := pgtest.NewFrom(t, "accounts", seed.StructureAt)
	ctx := context.Background()
	id := func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := d.Owner.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	osby := id(`SELECT id FROM orgs WHERE key = '1273'`)
	horby := id(`SELECT id FROM orgs WHERE key = '1266'`)
	me := id(`SELECT id FROM users WHERE email = 'samordnare@osby.demo'`)
	off := id(`SELECT id FROM users WHERE email = 'samordnare@horby.demo'`)
	// Today at 08:00 in Sweden: one item due at 15:00 and two three days late;
	// in Hörby, the same for a coordinator who turned the digest off.
	l := participant.Local(time.Now())
	now := time.Date(l.Year(), l.Month(), l.Day(), 8, 0, 0, 0, l.Location())
	for _, x := range []struct{ org, user int }{{osby, me}, {horby, off}} {
		_, err := d.Owner.Exec(ctx, `
			WITH p AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
			           VALUES ($1, '200803010024', '2008-03-01', 'Alva', 'Andersson') RETURNING id)
			INSERT INTO appointments (tenant_id, participant_id, kind, due_at, note, responsible, created_by)
			SELECT $1, p.id, k, t, 'Skolans bibliotek', $2, $2 FROM p,
			       (VALUES ('meeting_school', $3::timestamptz), ('call_back', $4), ('home_visit', $4)) v(k, t)`,
			x.org, x.user, now.Add(7*time.Hour), now.AddDate(0, 0, -3))
		if err != nil {
			t.Fatal(err)
		}
	}
	// On my lists: one identified 40 days ago and never contacted (late on
	// two lists: never contacted and identified without an attempt), one
	// identified today (due in 14 days: not late), and one of another
	// coordinator's (not on my lists).
	_, err := d.Owner.Exec(ctx, `
		WITH p AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, identified_on)
		           VALUES ($1, '200803020023', '2008-03-02', 'Bo', 'Berg', $3::date - 40),
		                  ($1, '200803030022', '2008-03-03', 'Cid', 'Ek', $3::date),
		                  ($1, '200803040021', '2008-03-04', 'Dan', 'Falk', $3::date - 40) RETURNING id, last_name)
		INSERT INTO participant_coordinators (tenant_id, participant_id, user_id) SELECT $1, id, $2 FROM p WHERE last_name <> 'Falk'`,
		osby, me, now.Format(time.DateOnly))
	if err != nil {
		t.Fatal(err)
	}
	if err := digest.SetWanted(ctx, d.App, off, false); err != nil {
		t.Fatal(err)
	}
	box := smtptest.Start(t)
	s, err := mail.New(box.URL, "kaa@kommun.test")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("OnlyCountsAndALink", func(t *testing.T) {
		res, err := digest.Run(ctx, d.App, s, "https://kaa.kommun.test", now)
		if err != nil || res.Sent != 1 {
			t.Fatalf("run: %+v %v", res, err)
		}
		msgs := box.All()
		if len(msgs) != 1 {
			t.Fatalf("%d messages arrived", len(msgs))
		}
		m := msgs[0]
		if len(m.To) != 1 || m.To[0] != "samordnare@osby.demo" || m.From != "kaa@kommun.test" {
			t.Errorf("from %s to %v", m.From, m.To)
		}
		if m.Subject != "Att göra i dag i KAA-registret" {
			t.Errorf("subject %q", m.Subject)
		}
		for _, want := range []string{"1 bokade att göra i dag, 2 försenade, 2 försenade på listorna i Att göra", "https://kaa.kommun.test/k/1273/att-gora", "Osby"} {
			if !strings.Contains(m.Body, want) {
				t.Errorf("the digest lacks %q:\n%s", want, m.Body)
			}
		}
		for _, personal := range []string{"Alva", "Andersson", "200803010024", "080301", "bibliotek", "Möte i skolan", "Berg", "Falk", "Aldrig kontaktade"} {
			if strings.Contains(m.Body, personal) || strings.Contains(m.Subject, personal) {
				t.Errorf("the digest carries %q", personal)
			}
		}
	})

	t.Run("SameAsAttGora", func(t *testing.T) {
		// The count is the late items of the Att göra page's own lists.
		err := db.InTenant(ctx, d.App, osby, me, func(tx db.Tx) error {
			qs, _, err := participant.Queues(ctx, tx, me, now)
			if err != nil {
				return err
			}
			late := 0
			for _, q := range qs {
				for _, it := range q.Items {
					if it.Appointment == nil && !it.Due.IsZero() && it.Due.Before(time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)) {
						late++
					}
				}
			}
			n, err := participant.OverdueOnQueues(ctx, tx, me, now)
			if err != nil {
				return err
			}
			if n != late || n != 2 {
				t.Errorf("the digest counts %d late items, Att göra lists %d; want 2", n, late)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("OnceADay", func(t *testing.T) {
		res, err := digest.Run(ctx, d.App, s, "https://kaa.kommun.test", now.Add(time.Hour))
		if err != nil || res.Sent != 0 || len(box.All()) != 1 {
			t.Errorf("a second run the same day: %+v %v, %d messages", res, err, len(box.All()))
		}
	})

	t.Run("AFailedSendIsTriedAgain", func(t *testing.T) {
		tomorrow := now.AddDate(0, 0, 1)
		box.Reject(true)
		res, err := digest.Run(ctx, d.App, s, "https://kaa.kommun.test", tomorrow)
		if err == nil || res.Failed != 1 {
			t.Fatalf("a refused message: %+v %v", res, err)
		}
		box.Reject(false)
		if res, err := digest.Run(ctx, d.App, s, "https://kaa.kommun.test", tomorrow); err != nil || res.Sent != 1 || len(box.All()) != 2 {
			t.Errorf("the retry: %+v %v", res, err)
		}
	})

	t.Run("NotConfigured", func(t *testing.T) {
		if _, err := mail.New("", ""); !errors.Is(err, mail.ErrNotConfigured) {
			t.Fatalf("no URL: %v", err)
		}
		var log bytes.Buffer
		digest.Loop(ctx, d.App, nil, "https://kaa.kommun.test", 0, slog.New(slog.NewTextHandler(&log, nil)))
		if !strings.Contains(log.String(), "no SMTP server configured") {
			t.Errorf("the log does not say that no digest is sent: %s", log.String())
		}
		if len(box.All()) != 2 {
			t.Error("something was sent without configuration")
		}
	})
}

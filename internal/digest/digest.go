// Package digest sends each coordinator a daily e-mail with what is due for
// them on Att göra: how many of their booked meetings and planned actions
// are due today and how many are late (the menu's count), and how many
// items on their other lists are past their due date (the Att göra page's
// queries), with a link to Att göra: counts only, never a name or a
// personnummer (docs/design/agenda.md).
package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/mail"
	"github.com/kaa-plattform/kaa/internal/org"
	"github.com/kaa-plattform/kaa/internal/participant"
)

// Subject is the digest's subject line.
const Subject = "Att göra i dag i KAA-registret"

// Line is one municipality's counts in a user's digest.
type Line struct {
	OrgKey, OrgName       string
	participant.DueCounts     // bookings the user is responsible for: due later today, late
	Lists                 int // items on the user's other Att göra lists past their due date
}

// Total is everything the line counts.
func (l Line) Total() int { return l.DueCounts.Total() + l.Lists }

// recipient is a coordinator who wants the digest and has not had today's.
type recipient struct {
	ID    int
	Email string
	Lines []Line
}

// Result says what a run did.
type Result struct {
	Sent    int // messages the server accepted
	Nothing int // coordinators with nothing due, to whom nothing was sent
	Failed  int // messages that could not be sent; they are tried again on the next run
}

// Run sends today's digest to every active coordinator who has not turned
// it off, has something due today or late, and has not had today's yet
// (Swedish date of now). Each user is claimed in its own transaction first
// (users.digest_sent_on), so two servers, or a server and `kaa digest`,
// never send the same user two digests on one day; a failed send gives the
// claim back for the next run. publicURL is the service's address, for the
// link. The pool is the serving role's.
func Run(ctx context.Context, pool db.Pool, s *mail.Sender, publicURL string, now time.Time) (Result, error) {
	var res Result
	l := participant.Local(now)
	today := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
	users, err := collect(ctx, pool, today, now)
	if err != nil {
		return res, err
	}
	var failed []error
	for _, u := range users {
		total := 0
		for _, line := range u.Lines {
			total += line.Total()
		}
		if total == 0 {
			res.Nothing++
			continue
		}
		var prev *time.Time
		claimed := false
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT digest_sent_on FROM users WHERE id = $1 FOR UPDATE`, u.ID).Scan(&prev); err != nil {
				return err
			}
			tag, err := tx.Exec(ctx, `UPDATE users SET digest_sent_on = $2 WHERE id = $1 AND digest_sent_on IS DISTINCT FROM $2 AND NOT digest_off`, u.ID, today)
			claimed = tag.RowsAffected() == 1
			return err
		})
		if err != nil {
			return res, fmt.Errorf("digest: claim user %d: %w", u.ID, err)
		}
		if !claimed {
			continue
		}
		if err := s.Send(ctx, Compose(u.Email, u.Lines, publicURL)); err != nil {
			res.Failed++
			failed = append(failed, fmt.Errorf("digest: user %d: %w", u.ID, err))
			if _, err := pool.Exec(ctx, `UPDATE users SET digest_sent_on = $3 WHERE id = $1 AND digest_sent_on = $2`, u.ID, today, prev); err != nil {
				failed = append(failed, fmt.Errorf("digest: give back user %d: %w", u.ID, err))
			}
			continue
		}
		res.Sent++
	}
	return res, errors.Join(failed...)
}

// collect finds, municipality by municipality, the coordinators who want
// the digest and have not had today's, with their counts there.
func collect(ctx context.Context, pool db.Pool, today, now time.Time) ([]*recipient, error) {
	orgs, err := org.All(ctx, pool)
	if err != nil {
		return nil, err
	}
	byID := map[int]*recipient{}
	var out []*recipient
	for _, o := range orgs {
		err := db.InTenant(ctx, pool, o.ID, 0, func(tx db.Tx) error {
			rows, _ := tx.Query(ctx, `
				SELECT u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id
				WHERE m.tenant_id = $1 AND m.role = 'coordinator' AND u.active AND NOT u.digest_off
				  AND u.digest_sent_on IS DISTINCT FROM $2
				ORDER BY u.id`, tx.TenantID, today)
			type user struct {
				ID    int
				Email string
			}
			us, err := pgx.CollectRows(rows, pgx.RowToStructByPos[user])
			if err != nil {
				return err
			}
			for _, u := range us {
				// The menu's count and the Att göra page's queries: one
				// home of what is due.
				c, err := participant.CountDue(ctx, tx, u.ID, now)
				if err != nil {
					return err
				}
				lists, err := participant.OverdueOnQueues(ctx, tx, u.ID, now)
				if err != nil {
					return err
				}
				r := byID[u.ID]
				if r == nil {
					r = &recipient{ID: u.ID, Email: u.Email}
					byID[u.ID] = r
					out = append(out, r)
				}
				r.Lines = append(r.Lines, Line{OrgKey: o.Key, OrgName: o.Name, DueCounts: c, Lists: lists})
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("digest: organisation %s: %w", o.Key, err)
		}
	}
	return out, nil
}

// Compose writes the digest to one user: per municipality the counts and
// the link to its Att göra page. It holds no personal data.
func Compose(to string, lines []Line, publicURL string) mail.Message {
	var b strings.Builder
	b.WriteString("Hej!\n\nDet här är din dagliga sammanfattning från KAA-registret.\n\n")
	for _, l := range lines {
		if l.Total() == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n%s/k/%s/att-gora\n\n", l.OrgName, CountText(l), strings.TrimRight(publicURL, "/"), l.OrgKey)
	}
	b.WriteString("Brevet innehåller bara antal, inga namn eller personnummer. Logga in för att se vilka det gäller.\n")
	b.WriteString("Vill du inte ha brevet? Stäng av det under Daglig sammanfattning på ditt konto: " + strings.TrimRight(publicURL, "/") + "/konto/sammanfattning\n")
	return mail.Message{To: to, Subject: Subject, Body: b.String()}
}

// CountText says a line's counts in Swedish: "3 bokade att göra i dag, 2
// försenade" for the bookings, and ", 14 försenade på listorna i Att göra"
// when the other lists have late items.
func CountText(l Line) string {
	late := "försenade"
	if l.Overdue == 1 {
		late = "försenad"
	}
	s := fmt.Sprintf("%d bokade att göra i dag, %d %s", l.Today, l.Overdue, late)
	if l.Lists > 0 {
		s += fmt.Sprintf(", %d försenade på listorna i Att göra", l.Lists)
	}
	return s
}

// Loop runs the digest once a day, the first time the clock in Sweden has
// passed at (a time of day, e.g. 7h) while the server is up, until ctx ends.
// Without a sender it logs once that no digest is sent, and returns.
func Loop(ctx context.Context, pool db.Pool, s *mail.Sender, publicURL string, at time.Duration, log *slog.Logger) {
	if s == nil {
		log.Info("no SMTP server configured (KAA_SMTP_URL): no daily e-mail digest is sent")
		return
	}
	var ranOn time.Time
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		now := time.Now()
		l := participant.Local(now)
		midnight := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, l.Location())
		if !midnight.Equal(ranOn) && !l.Before(midnight.Add(at)) {
			res, err := Run(ctx, pool, s, publicURL, now)
			if err != nil && ctx.Err() == nil {
				log.Error("digest", "err", err, "sent", res.Sent, "failed", res.Failed)
			} else {
				log.Info("digest sent", "sent", res.Sent, "nothing_due", res.Nothing)
			}
			if res.Failed == 0 && err == nil {
				ranOn = midnight
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Wanted reports whether user wants the daily digest (it is on unless
// turned off).
func Wanted(ctx context.Context, q db.Querier, user int) (bool, error) {
	var off bool
	if err := q.QueryRow(ctx, `SELECT digest_off FROM users WHERE id = $1`, user).Scan(&off); err != nil {
		return false, fmt.Errorf("digest: setting: %w", err)
	}
	return !off, nil
}

// SetWanted turns user's daily digest on or off.
func SetWanted(ctx context.Context, q db.Querier, user int, on bool) error {
	if _, err := q.Exec(ctx, `UPDATE users SET digest_off = $2 WHERE id = $1`, user, !on); err != nil {
		return fmt.Errorf("digest: save setting: %w", err)
	}
	return nil
}

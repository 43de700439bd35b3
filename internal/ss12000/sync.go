package ss12000

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/kaalist"
	"github.com/kaa-plattform/kaa/internal/org"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/secretbox"
)

// Syncer reads school systems. Its zero Client and Limits mean
// http.DefaultClient's transport and DefaultLimits.
type Syncer struct {
	Pool   db.Pool
	Keys   *secretbox.Keyring
	Client *http.Client
	Limits Limits
}

// Result is what one sync found.
type Result struct {
	System   string
	Found    int          // candidates
	New      int          // of them, not in the register
	Skipped  map[Skip]int // persons left out, by why
	ImportID int64        // the preview made of them; 0 when none
}

// Sync reads school system id of the municipality tenantID (its kommunkod)
// for a coordinator (userID): the candidates become an import waiting in
// the preview, as a file would, and the run is recorded and audited.
// Nothing is registered. The school system is called outside any
// transaction. A failure of the school system is an *Error and changes
// nothing but the system's last-run status and the audit log.
func (s Syncer) Sync(ctx context.Context, tenantID, userID int, kommunkod string, id int64, today time.Time) (Result, error) {
	return s.sync(ctx, tenantID, userID, kommunkod, id, today, true)
}

func (s Syncer) sync(ctx context.Context, tenantID, userID int, kommunkod string, id int64, today time.Time, preview bool) (Result, error) {
	var conn Conn
	var res Result
	err := db.InTenant(ctx, s.Pool, tenantID, userID, func(tx db.Tx) (err error) {
		conn, res.System, err = connection(ctx, tx, s.Keys, id)
		var own *Error
		if errors.As(err, &own) {
			return nil // recorded below as the run's failure
		}
		return err
	})
	if err != nil {
		return res, err
	}
	var readErr error
	byPnr := map[string]Candidate{}
	res.Skipped = map[Skip]int{}
	if conn.ClientSecret == "" {
		readErr = &Error{Msg: "Klienthemligheten går inte att öppna med serverns nycklar. Skriv in den igen under Skolsystem."}
	} else {
		lim := s.Limits
		if lim.PageSize == 0 {
			lim = DefaultLimits
		}
		readErr = Read(ctx, conn, lim, s.Client, func(p Person) error {
			c, skip, ok := Judge(p, kommunkod, today)
			if !ok {
				res.Skipped[skip]++
				return nil
			}
			// One row per person: by personnummer, or by the school
			// system's own id for someone it has none for (newly arrived),
			// who then shows in the preview as a row to look at.
			key := c.Personnummer
			if key == "" {
				key = "id:" + p.ID
			}
			if old, dup := byPnr[key]; !dup || c.EndedOn.After(old.EndedOn) {
				byPnr[key] = c
			}
			return nil
		})
	}
	var own *Error
	if readErr != nil && !errors.As(readErr, &own) {
		readErr = &Error{Msg: "Hämtningen från skolsystemet misslyckades. Inget har sparats.", Cause: readErr}
		errors.As(readErr, &own)
	}
	cands := make([]Candidate, 0, len(byPnr))
	for _, c := range byPnr {
		cands = append(cands, c)
	}
	res.Found = len(cands)
	err = db.InTenant(ctx, s.Pool, tenantID, userID, func(tx db.Tx) error {
		detail := map[string]any{"ok": readErr == nil, "scheduled": !preview}
		if readErr != nil {
			if err := saveRun(ctx, tx, id, false, nil, nil, own.Msg); err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Event{Action: "school_system.sync", RecordType: "school_system", RecordID: strconv.FormatInt(id, 10), Detail: detail})
		}
		pnrs := make([]string, len(cands))
		for i, c := range cands {
			pnrs[i] = c.Personnummer
		}
		if err := tx.QueryRow(ctx, `
			SELECT count(*) FROM unnest($2::text[]) AS p(pnr)
			WHERE NOT EXISTS (SELECT 1 FROM participants WHERE tenant_id = $1 AND personnummer = p.pnr)`,
			tx.TenantID, pnrs).Scan(&res.New); err != nil {
			return fmt.Errorf("ss12000: count new: %w", err)
		}
		if preview && len(cands) > 0 {
			t := Table(cands)
			// The source names the system, so the preview compares this list
			// with the previous one read from the same system (who is gone
			// from the school's data), never with uploaded files.
			importID, err := participant.SaveImportFrom(ctx, tx, participant.ImportFrom{
				Source: "ss12000:" + strconv.FormatInt(id, 10), Filename: "Skolsystem " + res.System, Table: t, Mapping: kaalist.Guess(t.Header)})
			if err != nil {
				return err
			}
			res.ImportID = importID
			detail["import"] = importID
		}
		detail["found"], detail["new"] = res.Found, res.New
		if err := saveRun(ctx, tx, id, true, &res.Found, &res.New, ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "school_system.sync", RecordType: "school_system", RecordID: strconv.FormatInt(id, 10), Detail: detail})
	})
	if err != nil {
		return res, err
	}
	if readErr != nil {
		return res, readErr
	}
	return res, nil
}

func saveRun(ctx context.Context, tx db.Tx, id int64, ok bool, found, fresh *int, msg string) error {
	_, err := tx.Exec(ctx, `
		UPDATE school_systems SET last_run_at = now(), last_ok = $3, last_found = $4, last_new = $5, last_message = NULLIF($6, '')
		WHERE tenant_id = $1 AND id = $2`, tx.TenantID, id, ok, found, fresh, msg)
	if err != nil {
		return fmt.Errorf("ss12000: save run: %w", err)
	}
	return nil
}

// SyncEverywhere is the scheduled sync: every school system of every
// municipality is read, and what it found is counted on the system (shown
// to coordinators as a notice) without making a preview or registering
// anyone; a coordinator's "Hämta nu" makes the preview. One system's
// failure does not stop the others.
func (s Syncer) SyncEverywhere(ctx context.Context, today time.Time, log *slog.Logger) error {
	orgs, err := org.All(ctx, s.Pool)
	if err != nil {
		return err
	}
	var failed []error
	for _, o := range orgs {
		var systems []System
		if err := db.InTenant(ctx, s.Pool, o.ID, 0, func(tx db.Tx) (err error) {
			systems, err = List(ctx, tx)
			return err
		}); err != nil {
			failed = append(failed, fmt.Errorf("organisation %s: %w", o.Key, err))
			continue
		}
		for _, sys := range systems {
			// Read once a day: a system read today already (by a
			// coordinator's Hämta nu, an earlier start of the server or
			// another instance) is not read again.
			if sys.LastRunAt != nil && participant.Local(*sys.LastRunAt).Format(time.DateOnly) == today.Format(time.DateOnly) {
				continue
			}
			res, err := s.sync(ctx, o.ID, 0, o.Key, sys.ID, today, false)
			var own *Error
			switch {
			case errors.As(err, &own):
				log.Warn("school system sync failed", "org", o.Key, "school_system", sys.ID, "err", err)
			case err != nil:
				failed = append(failed, fmt.Errorf("organisation %s, school system %d: %w", o.Key, sys.ID, err))
			default:
				log.Info("school system synced", "org", o.Key, "school_system", sys.ID, "found", res.Found, "new", res.New)
			}
		}
	}
	return errors.Join(failed...)
}

// Loop is the daily scheduled sync of `kaa serve`: once a day, from 02:00
// Swedish time (or at start, when the server starts later in the day), it
// runs SyncEverywhere, then checks again every hour, until ctx ends.
func Loop(ctx context.Context, pool db.Pool, keys *secretbox.Keyring, timeout time.Duration, localNetwork bool, log *slog.Logger) {
	lim := DefaultLimits
	if timeout > 0 {
		lim.Request = timeout
	}
	lim.LocalNetwork = localNetwork
	s := Syncer{Pool: pool, Keys: keys, Limits: lim}
	var ranOn time.Time
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if today := participant.Today(); !today.Equal(ranOn) && participant.Local(time.Now()).Hour() >= 2 {
			// A run that could not get through (the database away at two
			// o'clock) is tried again at the next hour; systems already
			// read today are skipped then.
			if err := s.SyncEverywhere(ctx, today, log); err != nil && ctx.Err() == nil {
				log.Error("school system sync", "err", err)
			} else if err == nil {
				ranOn = today
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

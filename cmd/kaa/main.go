// Command kaa is the whole product in one binary: the web server, migrations,
// demo data, the newcomer's `kaa dev`, and operators' commands.
package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/cli"
	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/digest"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/server"
	"github.com/kaa-plattform/kaa/internal/ss12000"
	"github.com/kaa-plattform/kaa/internal/ui"
)

const usage = `usage: kaa <command>

  serve                     serve the web interface (APP_DATABASE_URL)
  migrate up|down --all|version
                            apply, revert or show migrations (DATABASE_URL)
  seed demo                 load the demo organisations, projects and accounts (DATABASE_URL)
  dev                       start a throwaway PostgreSQL unless DATABASE_URL is set,
                            migrate, seed the demo and serve
  user create --email E --name N [--system-admin]
                            create an account with a temporary password (DATABASE_URL)
  job turned-20             end the KAA enrolments of everyone who has turned 20
                            (the server also does this hourly; safe to repeat)
  export rotate-key <project>
                            give the project's anonymised exports new ids (DATABASE_URL)
  retention run [--dry-run]
                            remove the personal data whose time under the municipality's
                            gallringsbeslut has passed (nothing where no decision is
                            recorded), or with --dry-run say what would go (DATABASE_URL)
  totp encrypt              encrypt every two-factor secret under the current key of
                            KAA_TOTP_KEYS: plain ones from before, and those under an
                            older key (DATABASE_URL, KAA_TOTP_KEYS; see docs/operations.md)
  audit verify [--checkpoints FILE]
                            walk every municipality's audit chain and name the first
                            broken row, holding it against the checkpoints in FILE
                            (default KAA_AUDIT_CHECKPOINT_FILE); fails if any is
                            broken (DATABASE_URL, KAA_AUDIT_KEY)
  audit checkpoint          write where every audit chain stands now to stdout and
                            KAA_AUDIT_CHECKPOINT_FILE, as the server does hourly
                            (APP_DATABASE_URL or DATABASE_URL, KAA_AUDIT_KEY)
  digest                    send today's e-mail digest (counts of what is due, no
                            personal data) to every coordinator who has not had it
                            yet, as the server does daily from KAA_DIGEST_AT
                            (APP_DATABASE_URL or DATABASE_URL, KAA_SMTP_URL, KAA_SMTP_FROM)

  version                   print the version, commit and Go version of this build
  healthcheck [URL]         exit 0 if the server on this machine (KAA_ADDR) answers
                            /readyz with 200, or URL when given: for container health checks

Configuration is read from environment variables; see README.md. The national
dataset and the benchmark are another command's: go run ./cmd/kaa-bench.
`

func main() { cli.Main("kaa", run) }

// run is the program: main only binds it to the process, so tests can boot
// the whole thing with their own arguments, environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	return cli.Dispatch(ctx, args, getenv, stdout, usage, map[string]cli.Command{
		"serve":       serveCmd,
		"migrate":     migrateCmd,
		"seed":        seedCmd,
		"dev":         devCmd,
		"user":        userCmd,
		"job":         jobCmd,
		"export":      exportCmd,
		"retention":   retentionCmd,
		"audit":       auditCmd,
		"totp":        totpCmd,
		"digest":      digestCmd,
		"version":     versionCmd,
		"healthcheck": healthcheckCmd,
	})
}

// logger is the program's JSON log, to stdout.
func logger(cfg config.Config, stdout io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
}

// serveCmd is `kaa serve`: it refuses to start without the serving role's
// connection and the keys.
func serveCmd(ctx context.Context, cfg config.Config, _ []string, stdout io.Writer) error {
	if cfg.AppDatabaseURL == "" {
		return errors.New("serve: APP_DATABASE_URL is not set: the server connects as the serving role kaa_app (see docs/operations.md)")
	}
	if cfg.TOTPKeys == nil {
		return errors.New("serve: KAA_TOTP_KEYS is not set: two-factor secrets are kept encrypted under it (see docs/operations.md, \"Rotate keys\")")
	}
	if cfg.Audit.Key.IsZero() {
		return errors.New("serve: KAA_AUDIT_KEY is not set: the audit log is keyed with it (see docs/operations.md)")
	}
	return serve(ctx, cfg, logger(cfg, stdout), stdout)
}

// serve runs the web server until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	pool, err := servingPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	h := ui.New(pool, cfg, log)
	defer h.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := server.New(h.Router(), log)
	// The metrics have a listener of their own, for the monitoring network;
	// the application's address (the one the proxy publishes) never serves
	// them.
	var metrics *http.Server
	mln, err := listenMetrics(cfg, log.Warn)
	if err != nil {
		return err
	}
	if mln != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", h.Metrics())
		metrics = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: srv.ErrorLog}
		log.Info("metrics listening", "addr", mln.Addr().String())
		go metrics.Serve(mln)
		defer metrics.Close()
	}
	// The background jobs work through whole municipalities: they get the
	// long statements' allowance, the pages the ordinary one.
	jobs := db.WithLongStatements(ctx, cfg.DB.Long)
	go housekeeping(jobs, pool, cfg.Retention, log)
	go digest.Loop(jobs, pool, mailer(cfg, log), cfg.PublicURL, cfg.Mail.DigestAt, log)
	go ss12000.Loop(jobs, pool, cfg.TOTPKeys, cfg.SchoolSystemTimeout, cfg.SchoolSystemLocalNetwork, log)
	anchored := make(chan struct{})
	go func() { anchor(jobs, pool, cfg.Audit, log); close(anchored) }()
	log.Info("listening", "addr", ln.Addr().String(), "public_url", cfg.PublicURL)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	<-anchored
	return err
}

// housekeeping runs the periodic jobs hourly until ctx ends: it deletes
// uploaded lists older than a day and ends the KAA enrolments of everyone who
// has turned 20, and sign-in throttle counters that hold nothing back. All
// are safe to run again.
func housekeeping(ctx context.Context, pool *pgxpool.Pool, retention config.RetentionMode, log *slog.Logger) {
	var retainedOn time.Time
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := participant.PurgeStaleImports(ctx, pool); err != nil && ctx.Err() == nil {
			log.Error("purge stale imports", "err", err)
		} else if n > 0 {
			log.Info("purged stale imports", "count", n)
		}
		if n, err := participant.EndTurned20Everywhere(ctx, pool, participant.Today()); err != nil && ctx.Err() == nil {
			log.Error("end KAA at 20", "err", err)
		} else if n > 0 {
			log.Info("ended KAA enrolments of those who turned 20", "count", n)
		}
		if n, err := auth.DefaultThrottle.Purge(ctx, pool); err != nil && ctx.Err() == nil {
			log.Error("purge sign-in throttle", "err", err)
		} else if n > 0 {
			log.Info("purged sign-in throttle counters", "count", n)
		}
		// Gallring once a day, at the first hour of a new day the server is
		// up: as KAA_RETENTION says, and only where a gallringsbeslut is.
		if today := participant.Today(); retention != config.RetentionOff && !today.Equal(retainedOn) {
			runs, err := participant.RetentionEverywhere(ctx, pool, today, retention == config.RetentionErase)
			if err != nil && ctx.Err() == nil {
				log.Error("retention", "err", err)
			} else {
				retainedOn = today
			}
			for _, o := range runs {
				switch {
				case o.Erased && o.Due.Total() > 0:
					log.Info("retention: erased personal data", "org", o.Key, "people", o.Due.Total(), "decision", o.Decision.Reference)
				case o.Decision != nil && !o.Erased && o.Due.Total() > 0:
					log.Info("retention: would erase personal data (KAA_RETENTION=report)", "org", o.Key, "people", o.Due.Total(), "decision", o.Decision.Reference)
				case o.Decision == nil && o.Due.Total() > 0:
					log.Info("retention: no gallringsbeslut, nothing erased; the times saved before decisions would erase", "org", o.Key, "people", o.Due.Total())
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// anchor writes a checkpoint of every municipality's audit chain when the
// server starts, every a.CheckpointInterval and a last time when ctx ends:
// to the log, and appended to a.CheckpointFile when set. A chain that has
// not grown since its last checkpoint gets none.
func anchor(ctx context.Context, pool *pgxpool.Pool, a config.Audit, log *slog.Logger) {
	written := map[string]int64{}
	t := time.NewTicker(a.CheckpointInterval)
	defer t.Stop()
	for last := false; ; {
		qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		cps, err := audit.Heads(qctx, pool, a.Key)
		cancel()
		if err != nil {
			log.Error("audit checkpoint", "err", err)
		}
		cps = slices.DeleteFunc(cps, func(cp audit.Checkpoint) bool { return written[cp.Org] == cp.Seq })
		for _, cp := range cps {
			log.Info("audit checkpoint", "org", cp.Org, "seq", cp.Seq, "hash", hex.EncodeToString(cp.Hash),
				"at", cp.At, "key_id", cp.KeyID, "mac", hex.EncodeToString(cp.MAC))
		}
		if a.CheckpointFile != "" && len(cps) > 0 {
			err = audit.AppendCheckpoints(a.CheckpointFile, cps)
			if err != nil {
				log.Error("audit checkpoint", "err", err)
			}
		}
		if err == nil {
			for _, cp := range cps {
				written[cp.Org] = cp.Seq
			}
		}
		if last {
			return
		}
		select {
		case <-ctx.Done():
			last = true
		case <-t.C:
		}
	}
}

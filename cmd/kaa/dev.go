package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"

	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/devenv"
	"github.com/kaa-plattform/kaa/internal/seed"
)

// devCmd is the newcomer's path, `kaa dev`: a database (a throwaway one
// kept under cfg.DevDir unless DATABASE_URL is set), migrated and seeded,
// then served.
func devCmd(ctx context.Context, cfg config.Config, _ []string, stdout io.Writer) error {
	if cfg.DatabaseURL == "" {
		srv, err := devenv.StartPostgres(ctx, cfg.DevDir, stdout)
		if err != nil {
			return err
		}
		defer srv.Stop()
		if err := devenv.EnsureDatabase(ctx, srv.AdminURL("postgres"), "kaa"); err != nil {
			return err
		}
		cfg.DatabaseURL = srv.AdminURL("kaa")
	}
	if err := db.Migrate(cfg.DatabaseURL); err != nil {
		return fmt.Errorf("dev: migrate: %w", err)
	}
	if cfg.AppDatabaseURL == "" {
		appURL, err := devenv.AppURL(ctx, cfg.DatabaseURL, cfg.DevDir)
		if err != nil {
			return err
		}
		cfg.AppDatabaseURL = appURL
	}
	if cfg.TOTPKeys == nil {
		keys, err := devenv.TOTPKeys(cfg.DevDir)
		if err != nil {
			return err
		}
		cfg.TOTPKeys = keys
	}
	key, err := devenv.AuditKey(cfg.Audit.Key, cfg.DevDir)
	if err != nil {
		return err
	}
	cfg.Audit.Key = key
	if cfg.Audit.CheckpointFile == "" {
		cfg.Audit.CheckpointFile = filepath.Join(cfg.DevDir, "audit-checkpoints.jsonl")
	}
	pool, err := db.OpenKeyed(ctx, cfg.DatabaseURL, cfg.Audit.Key)
	if err != nil {
		return err
	}
	err = seed.Demo(ctx, pool)
	pool.Close()
	if err != nil {
		return fmt.Errorf("dev: seed: %w", err)
	}
	printWelcome(stdout, cfg)
	return serve(ctx, cfg, logger(cfg, stdout), stdout)
}

func printWelcome(w io.Writer, cfg config.Config) {
	fmt.Fprintf(w, "\nKAA-registret runs at %s/\n\nDemo logins (password %q for all):\n\n", cfg.PublicURL, seed.DemoPassword)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, a := range seed.DemoAccounts() {
		fmt.Fprintf(tw, "  %s\t%s\n", a.Email, a.What)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nStop with Ctrl-C; the data stays in", cfg.DevDir, "until `make reset`.")
	fmt.Fprintln(w)
}

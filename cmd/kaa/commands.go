package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/export"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/seed"
)

func needOwnerURL(cfg config.Config) error {
	if cfg.DatabaseURL == "" {
		return errors.New("DATABASE_URL is not set: it connects as the owner of the schema")
	}
	return nil
}

// ownerPool connects as the schema owner, through DATABASE_URL.
func ownerPool(ctx context.Context, cfg config.Config) (*pgxpool.Pool, error) {
	if err := needOwnerURL(cfg); err != nil {
		return nil, err
	}
	return db.OpenKeyed(ctx, cfg.DatabaseURL, cfg.Audit.Key)
}

func migrateCmd(_ context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if err := needOwnerURL(cfg); err != nil {
		return err
	}
	if len(args) == 0 {
		return errors.New("migrate: want up, down --all or version")
	}
	m, err := db.NewMigrator(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer m.Close()
	switch {
	case args[0] == "up":
		err = m.Up()
	case args[0] == "down" && len(args) == 2 && args[1] == "--all":
		err = m.Down()
	case args[0] == "down":
		return errors.New("migrate: down reverts every migration and needs --all to say so")
	case args[0] == "version":
	default:
		return fmt.Errorf("migrate: unknown subcommand %q", args[0])
	}
	if err != nil {
		return fmt.Errorf("migrate %s: %w", args[0], err)
	}
	v, dirty, err := m.Version()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema version %d", v)
	if dirty {
		fmt.Fprint(stdout, " (dirty: a migration failed half-way; fix it and force the version)")
	}
	fmt.Fprintln(stdout)
	return nil
}

func seedCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if err := needOwnerURL(cfg); err != nil {
		return err
	}
	if len(args) != 1 || args[0] != "demo" {
		return errors.New("seed: want: seed demo (the national dataset is kaa-bench's: go run ./cmd/kaa-bench seed national)")
	}
	pool, err := db.OpenKeyed(ctx, cfg.DatabaseURL, cfg.Audit.Key)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := seed.Demo(ctx, pool); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "demo data loaded")
	return nil
}

// userCmd creates an account with a temporary password, printed once; the
// first system administrator is made this way.
func userCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("user: want: user create --email E --name N [--system-admin]")
	}
	if err := needOwnerURL(cfg); err != nil {
		return err
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(stdout)
	email := fs.String("email", "", "the user's e-mail address (their sign-in name)")
	name := fs.String("name", "", "the user's full name")
	sysAdmin := fs.Bool("system-admin", false, "make the user a system administrator")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	addr, ok := auth.NormalizeEmail(*email)
	if !ok || *name == "" {
		return errors.New("user create: --email must be an e-mail address and --name must not be empty")
	}
	password := rand.Text()
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	pool, err := db.OpenKeyed(ctx, cfg.DatabaseURL, cfg.Audit.Key)
	if err != nil {
		return err
	}
	defer pool.Close()
	err = db.InGlobal(ctx, pool, 0, func(tx pgx.Tx) error {
		var id int
		err := tx.QueryRow(ctx, `
			INSERT INTO users (email, name, password_hash, is_system_admin, must_change_password)
			VALUES ($1, $2, $3, $4, true) RETURNING id`, addr, *name, hash, *sysAdmin).Scan(&id)
		if db.IsUniqueViolation(err) {
			return fmt.Errorf("user create: an account with e-mail %s already exists", addr)
		}
		if err != nil {
			return err
		}
		return audit.RecordSecurity(ctx, tx, audit.SecurityEvent{UserID: id, Action: "user.create",
			Detail: map[string]any{"system_admin": *sysAdmin, "via": "command line"}})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s; temporary password (shown once, must be changed at first sign-in): %s\n", addr, password)
	return nil
}

// jobCmd runs one of the periodic jobs now, as the server does hourly.
func jobCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "turned-20" {
		return errors.New("job: want: job turned-20")
	}
	url := cfg.AppDatabaseURL
	if url == "" {
		url = cfg.DatabaseURL
	}
	if url == "" {
		return errors.New("job: set APP_DATABASE_URL (or DATABASE_URL)")
	}
	pool, err := db.OpenKeyed(ctx, url, cfg.Audit.Key)
	if err != nil {
		return err
	}
	defer pool.Close()
	n, err := participant.EndTurned20Everywhere(ctx, pool, participant.Today())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ended %d KAA enrolments of people who have turned 20\n", n)
	return nil
}

// exportCmd rotates a project's export secrets: every pseudonymous id of its
// later exports changes. It needs the schema owner, as only it (and the
// export function) may touch the secrets.
func exportCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) != 2 || args[0] != "rotate-key" {
		return errors.New("export: want: export rotate-key <project key>")
	}
	pool, err := ownerPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	var version int
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var id int
		if err := tx.QueryRow(ctx, `SELECT id FROM projects WHERE key = $1`, args[1]).Scan(&id); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("export: no project %q", args[1])
			}
			return err
		}
		version, err = export.RotateKey(ctx, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "project %s: export key version %d; exports from now on have new ids\n", args[1], version)
	return nil
}

// auditCmd checks the audit chains (against the checkpoints, when given)
// or writes a checkpoint of each now.
func auditCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "checkpoint") {
		return errors.New("audit: want: audit verify [--checkpoints FILE], or audit checkpoint")
	}
	if cfg.Audit.Key.IsZero() {
		return errors.New("audit: KAA_AUDIT_KEY is not set: the audit chain is keyed with it (see docs/operations.md)")
	}
	if args[0] == "checkpoint" {
		if len(args) != 1 {
			return errors.New("audit: want: audit checkpoint")
		}
		return checkpointCmd(ctx, cfg, stdout)
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(stdout)
	file := fs.String("checkpoints", cfg.Audit.CheckpointFile, "the checkpoint file to hold the chains against (default KAA_AUDIT_CHECKPOINT_FILE)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var cps []audit.Checkpoint
	if *file != "" {
		given := false
		fs.Visit(func(f *flag.Flag) { given = given || f.Name == "checkpoints" })
		b, err := os.ReadFile(*file)
		switch {
		case errors.Is(err, os.ErrNotExist) && !given:
			fmt.Fprintf(stdout, "no checkpoints yet: %s (KAA_AUDIT_CHECKPOINT_FILE) does not exist\n", *file)
		case err != nil:
			return fmt.Errorf("audit: %w", err)
		default:
			if cps, err = audit.ReadCheckpoints(bytes.NewReader(b), cfg.Audit.Keys()); err != nil {
				return fmt.Errorf("%w (in %s)", err, *file)
			}
			fmt.Fprintf(stdout, "holding the chains against %d checkpoints in %s\n", len(cps), *file)
		}
	}
	pool, err := ownerPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	checks, err := audit.Verify(ctx, pool, cfg.Audit.Keys(), cps)
	if err != nil {
		return err
	}
	broken := 0
	for _, c := range checks {
		if c.Rows == 0 && c.Broken == "" {
			continue
		}
		if c.Broken == "" {
			fmt.Fprintf(stdout, "%s: %d rows, the chain holds", c.Key, c.Rows)
			if c.Unkeyed > 0 {
				fmt.Fprintf(stdout, " (rows 1-%d are from before the audit key: SHA-256 only)", c.Unkeyed)
			}
			if c.Checkpoints > 0 {
				fmt.Fprintf(stdout, "; %d checkpoints match", c.Checkpoints)
			}
			fmt.Fprintln(stdout)
			continue
		}
		broken++
		why := map[string]string{
			"changed":     "its content no longer matches its MAC",
			"relinked":    "it does not point at the row before it (that row, or this link, was changed)",
			"missing":     "the row before it in the chain is gone",
			"unkeyed":     "it has no MAC though rows before it have (it was rewritten without the key)",
			"unknown_key": "its MAC was made with audit key " + c.KeyID + ", which is neither KAA_AUDIT_KEY nor in KAA_AUDIT_OLD_KEYS",
		}[c.Broken]
		switch c.Broken {
		case "cut":
			fmt.Fprintf(stdout, "%s: BROKEN: the chain ends at row %d, below the checkpoint at row %d: its last rows were removed\n", c.Key, c.Rows, c.Seq)
		case "rewritten":
			fmt.Fprintf(stdout, "%s: BROKEN at row %d of the chain: its hash is not the checkpoint's: the chain was rebuilt from there or below\n", c.Key, c.Seq)
		default:
			fmt.Fprintf(stdout, "%s: BROKEN at row %d of the chain (audit_events.id %d): %s\n", c.Key, c.Seq, c.ID, why)
		}
	}
	if broken > 0 {
		return fmt.Errorf("audit: the chain of %d organisations is broken", broken)
	}
	return nil
}

// checkpointCmd writes a checkpoint of every chain now, to stdout and to
// KAA_AUDIT_CHECKPOINT_FILE when set, as the server does periodically.
func checkpointCmd(ctx context.Context, cfg config.Config, stdout io.Writer) error {
	url := cfg.AppDatabaseURL
	if url == "" {
		url = cfg.DatabaseURL
	}
	if url == "" {
		return errors.New("audit checkpoint: set APP_DATABASE_URL (or DATABASE_URL)")
	}
	pool, err := db.OpenKeyed(ctx, url, cfg.Audit.Key)
	if err != nil {
		return err
	}
	defer pool.Close()
	cps, err := audit.Heads(ctx, pool, cfg.Audit.Key)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	for _, cp := range cps {
		enc.Encode(cp)
	}
	if cfg.Audit.CheckpointFile != "" {
		return audit.AppendCheckpoints(cfg.Audit.CheckpointFile, cps)
	}
	return nil
}

func retentionCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	dry := len(args) == 2 && args[1] == "--dry-run"
	if len(args) < 1 || args[0] != "run" || (len(args) == 2 && !dry) || len(args) > 2 {
		return errors.New("retention: want: retention run [--dry-run]")
	}
	pool, err := ownerPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	today := participant.Today()
	runs, err := participant.RetentionEverywhere(ctx, pool, today, !dry)
	for _, o := range runs {
		fmt.Fprintf(stdout, "%s %s: %s\n", o.Key, o.Name, describeRun(o.Run))
	}
	if len(runs) == 0 {
		fmt.Fprintln(stdout, "no organisations")
	}
	return err
}

// describeRun says in a line what a retention run did or would do.
func describeRun(r participant.Run) string {
	counts := fmt.Sprintf("%d people (after avregistrering from KAA %d, after a project %d, never registered %d)",
		r.Due.Total(), r.Due["kaa"], r.Due["project"], r.Due["unenrolled"])
	switch {
	case r.Decision == nil && r.Earlier == nil:
		return "no gallringsbeslut recorded; nothing is erased"
	case r.Decision == nil:
		return fmt.Sprintf("no gallringsbeslut recorded; nothing is erased (the times saved before decisions, %d/%d/%d months, would erase %s)",
			r.Earlier.KAAMonths, r.Earlier.ProjectMonths, r.Earlier.UnenrolledMonths, counts)
	}
	d := fmt.Sprintf("under gallringsbeslut %s of %s (%s)", r.Decision.Reference, r.Decision.DecidedOn.Format(time.DateOnly), r.Decision.DecidedBy)
	if r.Erased {
		return fmt.Sprintf("erased the personal data of %s %s", counts, d)
	}
	return fmt.Sprintf("would erase the personal data of %s %s", counts, d)
}

// totpCmd encrypts the two-factor secrets under the current key: after a
// new key is put first in KAA_TOTP_KEYS, and once after upgrading from a
// version that kept them in plain text.
func totpCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "encrypt" {
		return errors.New("totp: want: totp encrypt")
	}
	if cfg.TOTPKeys == nil {
		return errors.New("totp encrypt: KAA_TOTP_KEYS is not set")
	}
	pool, err := ownerPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	changed, total, err := auth.EncryptTOTPSecrets(ctx, pool, cfg.TOTPKeys)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d of %d two-factor secrets encrypted anew under key %q; every secret is now under it\n", changed, total, cfg.TOTPKeys.Current())
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/digest"
	"github.com/kaa-plattform/kaa/internal/mail"
)

// mailer is the SMTP sender of KAA_SMTP_URL, or nil when none is set (the
// digest then says so in the log) or it cannot be used (logged).
func mailer(cfg config.Config, log *slog.Logger) *mail.Sender {
	s, err := mail.New(cfg.Mail.SMTPURL, cfg.Mail.From)
	if err != nil && !errors.Is(err, mail.ErrNotConfigured) {
		log.Error("e-mail is not set up", "err", err)
	}
	return s
}

// digestCmd is `kaa digest`: today's digests now, to those who have not had
// them, as the server sends them daily.
func digestCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) != 0 {
		return errors.New("digest: takes no arguments")
	}
	s, err := mail.New(cfg.Mail.SMTPURL, cfg.Mail.From)
	if errors.Is(err, mail.ErrNotConfigured) {
		fmt.Fprintln(stdout, "no SMTP server configured (KAA_SMTP_URL): no digest sent")
		return nil
	}
	if err != nil {
		return err
	}
	url := cfg.AppDatabaseURL
	if url == "" {
		url = cfg.DatabaseURL
	}
	if url == "" {
		return errors.New("digest: set APP_DATABASE_URL (or DATABASE_URL)")
	}
	pool, err := db.OpenKeyed(ctx, url, cfg.Audit.Key)
	if err != nil {
		return err
	}
	defer pool.Close()
	res, err := digest.Run(ctx, pool, s, cfg.PublicURL, time.Now())
	fmt.Fprintf(stdout, "digests sent: %d, nothing due: %d, failed: %d\n", res.Sent, res.Nothing, res.Failed)
	return err
}

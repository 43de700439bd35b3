package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/buildinfo"
	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/db"
)

// versionCmd is `kaa version`: the build's version, commit and Go.
func versionCmd(_ context.Context, _ config.Config, _ []string, stdout io.Writer) error {
	fmt.Fprintln(stdout, buildinfo.Read())
	return nil
}

// healthcheckCmd is `kaa healthcheck [URL]`: it asks the server on this
// machine (KAA_ADDR) whether it is ready, /readyz, and fails unless the
// answer is 200. The production image has no shell and no curl, so this is
// what a container's health check runs.
func healthcheckCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	target, err := healthURL(cfg.Addr, args)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", target, res.Status)
	}
	fmt.Fprintln(stdout, "ok", target)
	return nil
}

// healthURL is the URL args names, or /readyz on the loopback address of
// the port addr listens on.
func healthURL(addr string, args []string) (string, error) {
	switch {
	case len(args) == 1 && (strings.HasPrefix(args[0], "http://") || strings.HasPrefix(args[0], "https://")):
		return args[0], nil
	case len(args) > 0:
		return "", errors.New("healthcheck: want no argument or one http:// URL")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("healthcheck: KAA_ADDR %q: %w", addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}

// servingPool is the server's pool: the serving role, keyed for the audit
// chain, each statement bound by cfg.DB.
func servingPool(ctx context.Context, cfg config.Config) (*pgxpool.Pool, error) {
	return db.OpenServing(ctx, cfg.AppDatabaseURL, cfg.Audit.Key, db.Limits{Statement: cfg.DB.Statement, IdleInTransaction: cfg.DB.IdleInTransaction})
}

// listenMetrics opens the metrics' listener. When KAA_METRICS_ADDR was not
// set and the default port is taken (a second server on the machine), the
// server runs without metrics and says so, rather than not at all.
func listenMetrics(cfg config.Config, warn func(msg string, args ...any)) (net.Listener, error) {
	if cfg.MetricsAddr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil && cfg.MetricsAddrDefault {
		warn("metrics not served: the default address is taken; set KAA_METRICS_ADDR (or off)", "addr", cfg.MetricsAddr, "err", err)
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("serve: metrics: %w", err)
	}
	return ln, nil
}

// Package server is the web server as `kaa serve` runs it: the application's
// handler behind an http.Server with the product's timeouts. `kaa serve` and
// the benchmark (cmd/kaa-bench) both build it here, so that the benchmark
// measures the server the product runs.
package server

import (
	"log/slog"
	"net/http"
	"time"
)

// New is the http.Server of handler, its errors logged at warning level to
// log.
func New(handler http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      5 * time.Minute, // exports stream for a while
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

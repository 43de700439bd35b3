// Package ui is the web interface: the routes, their middleware and one
// handler per page or action.
package ui

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/sms"
	"github.com/kaa-plattform/kaa/web"
)

// Handler holds what every handler needs. It is built once in main.
type Handler struct {
	pool     *pgxpool.Pool
	sessions *scs.SessionManager
	log      *slog.Logger
	cfg      config.Config
	assets   *web.Assets
	throttle auth.Throttle
	metrics  *metrics
	store    *pgxstore.PostgresStore
	oidc     oidcClient
	idps     idpClients // each organisation's own providers (idp_signin.go)
	imports  *importSlots
	sms      *sms.Sender // nil when SMS is not set up
	scimGate scimLimiter // SCIM requests of each organisation at once
}

// New builds the web interface on pool, which must connect as the serving role.
func New(pool *pgxpool.Pool, cfg config.Config, log *slog.Logger) *Handler {
	h := &Handler{pool: pool, cfg: cfg, log: log, assets: web.NewAssets(), throttle: auth.DefaultThrottle, sms: newSMSSender(pool, cfg)}
	// Expired sessions are removed by the store's cleanup goroutine every 5 minutes.
	h.store = pgxstore.NewWithCleanupInterval(pool, 5*time.Minute)
	s := scs.New()
	s.Store = h.store
	// The idle timeout is kept by authenticate (sessSeenAt), not by scs: scs
	// would write the session back on every request to move its expiry.
	s.IdleTimeout = 0
	s.Lifetime = cfg.SessionLifetime
	s.HashTokenInStore = true
	s.Cookie.Name = "kaa_session"
	s.Cookie.HttpOnly = true
	s.Cookie.SameSite = http.SameSiteLaxMode
	s.Cookie.Persist = false
	s.Cookie.Path = "/"
	if cfg.HTTPS() {
		s.Cookie.Name = "__Host-kaa_session"
		s.Cookie.Secure = true
	}
	s.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { h.serverError(w, r, err) }
	h.sessions = s
	h.metrics = newMetrics(pool)
	h.imports = newImportSlots(min(importsTotal, max(1, int(pool.Config().MaxConns)/2)), importsPerTenant, importWait)
	return h
}

// Metrics serves the Prometheus metrics, for a listener of their own
// (KAA_METRICS_ADDR): the router does not serve them.
func (h *Handler) Metrics() http.Handler { return h.metrics.handler() }

// SetThrottle replaces the sign-in throttle (tests use a small one).
func (h *Handler) SetThrottle(t auth.Throttle) { h.throttle = t }

// Close stops the session store's cleanup.
func (h *Handler) Close() { h.store.StopCleanup() }

// Session keys.
const (
	sessUserID = "user_id"
	sessAuthAt = "auth_at" // unix nanoseconds of sign-in
	sessSeenAt = "seen_at" // unix nanoseconds of the last request that moved the idle timeout
	sessTenant = "tenant"  // key of the municipality or project being worked in
	sessFlash  = "flash"
)

type ctxKey int

const (
	principalKey ctxKey = iota
	orgKey
	projectKey
)

func principalFrom(ctx context.Context) *auth.Principal {
	p, _ := ctx.Value(principalKey).(*auth.Principal)
	return p
}

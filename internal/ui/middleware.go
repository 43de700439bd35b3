package ui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/auth"
)

// reqInfo travels with a request so the outermost middleware can log what
// inner ones learnt (who the user was).
type reqInfo struct {
	ID     string
	UserID int
}

type reqInfoKey struct{}

func infoFrom(ctx context.Context) *reqInfo {
	if i, ok := ctx.Value(reqInfoKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{}
}

// newRequestID is 16 hex digits that a spreadsheet cannot read as a number:
// the error code (felkod) goes out in the loggkontroll extract, and an id of
// only digits, or digits around one "e" (1e308), would open in Excel as a
// number in scientific notation, its digits lost.
func newRequestID() string {
	b := make([]byte, 8)
	for {
		rand.Read(b)
		id := hex.EncodeToString(b)
		if !numberLike(id) {
			return id
		}
	}
}

// numberLike reports whether a spreadsheet reads id as a number: digits
// with at most one "e" among them.
func numberLike(id string) bool {
	return strings.Trim(id, "0123456789e") == "" && strings.Count(id, "e") <= 1
}

func (h *Handler) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := &reqInfo{ID: newRequestID()}
		w.Header().Set("X-Request-Id", info.ID)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, info)))
	})
}

// logRequests writes one JSON line per request: the route pattern, never the
// query string or form values, so no personal data reaches the log.
func (h *Handler) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := ""
		if rc := chi.RouteContext(r.Context()); rc != nil {
			route = rc.RoutePattern()
		}
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		d := time.Since(start)
		h.metrics.observe(r.Method, route, status, d)
		if route == "/healthz" || route == "/readyz" || route == "/metrics" || route == "/static/*" {
			return
		}
		info := infoFrom(r.Context())
		h.log.Info("request", "method", r.Method, "route", route, "status", status,
			"duration_ms", float64(d.Microseconds())/1000, "bytes", ww.BytesWritten(),
			"request_id", info.ID, "user_id", info.UserID)
	})
}

func (h *Handler) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				h.serverError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// csp allows only the service's own scripts and styles: no inline script.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

func (h *Handler) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", csp)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		// Pages hold personal data: never store them in a shared or browser cache.
		hd.Set("Cache-Control", "no-store")
		if h.cfg.HTTPS() {
			hd.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses state-changing requests from other sites (Go's
// Sec-Fetch-Site / Origin check), paired with SameSite=Lax session cookies.
func (h *Handler) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.log.Warn("cross-origin request refused", "request_id", infoFrom(r.Context()).ID, "method", r.Method)
		h.renderError(w, r, http.StatusForbidden, "Begäran stoppades",
			"Formuläret skickades från en annan webbplats och har inte tagits emot. Gå tillbaka och försök igen härifrån.")
	}))
	return cop.Handler(next)
}

func (h *Handler) clientAddr(r *http.Request) string {
	if h.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// authenticate loads the signed-in user, if any, with every role they hold.
// A session whose user was deactivated, or changed password since, ends here.
func (h *Handler) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		info := infoFrom(ctx)
		meta := audit.Meta{RequestID: info.ID, ClientAddr: h.clientAddr(r)}
		uid := h.sessions.GetInt(ctx, sessUserID)
		if uid != 0 && !h.stillActive(ctx) {
			if err := h.sessions.Destroy(ctx); err != nil {
				h.serverError(w, r, err)
				return
			}
			uid = 0
		}
		if uid != 0 {
			authAt := time.Unix(0, h.sessions.GetInt64(ctx, sessAuthAt))
			p, err := auth.LoadPrincipal(ctx, h.pool, uid, authAt)
			switch {
			case errors.Is(err, auth.ErrSessionInvalid):
				if err := h.sessions.Destroy(ctx); err != nil {
					h.serverError(w, r, err)
					return
				}
			case err != nil:
				h.serverError(w, r, err)
				return
			default:
				info.UserID, meta.UserID = uid, uid
				ctx = context.WithValue(ctx, principalKey, p)
			}
		}
		next.ServeHTTP(w, r.WithContext(audit.WithMeta(ctx, meta)))
	})
}

// stillActive reports whether the session is within its lifetime and has
// had a request within the idle timeout, and moves the idle timeout on. The session is written back only
// when the last move is more than a tenth of the timeout (at most a minute)
// old: a busy user's pages then cost no write each, and the timeout is kept
// to within that tenth.
func (h *Handler) stillActive(ctx context.Context) bool {
	// The lifetime counts from sign-in. scs starts it again at every token
	// renewal (such as entering another organisation), so it is checked here.
	if time.Since(time.Unix(0, h.sessions.GetInt64(ctx, sessAuthAt))) > h.cfg.SessionLifetime {
		return false
	}
	idle := h.cfg.SessionIdleTimeout
	if idle <= 0 {
		return true
	}
	now := time.Now()
	since := now.Sub(time.Unix(0, h.sessions.GetInt64(ctx, sessSeenAt)))
	if since > idle {
		return false
	}
	if since > min(idle/10, time.Minute) {
		h.sessions.Put(ctx, sessSeenAt, now.UnixNano())
	}
	return true
}

// requireUser sends visitors who are not signed in to the sign-in page, and
// users with a temporary password to the password page.
func (h *Handler) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := principalFrom(r.Context())
		if p == nil {
			redirect(w, r, "/logga-in")
			return
		}
		if p.MustChangePassword && h.sessions.GetString(r.Context(), sessThrough) == "" && r.URL.Path != "/konto/losenord" && r.URL.Path != "/logga-ut" {
			redirect(w, r, "/konto/losenord")
			return
		}
		// Someone who sees personal data where two-factor sign-in is
		// required sets it up before anything else, unless the
		// municipality's identity provider vouched for the sign-in (its
		// second factor is the provider's to require).
		if p.NeedsTwoFactor() && h.sessions.GetString(r.Context(), sessExternal) == "" && r.URL.Path != "/konto/tvastegs" && r.URL.Path != "/logga-ut" && r.URL.Path != "/konto/losenord" {
			redirect(w, r, "/konto/tvastegs")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireTenant lets through members of the URL's organisation who hold one
// of roles. To anyone else the organisation does not exist (404); a member
// without the role is told so (403). Entering another organisation than the
// last one renews the session token.
func (h *Handler) requireTenant(roles []auth.Role, next http.Handler) http.Handler {
	return h.requireMember(roles, next, func(r *http.Request) (string, []auth.Role, any, bool) {
		o, ok := principalFrom(r.Context()).Org(chi.URLParam(r, "tenant"))
		return "k:" + o.Key, o.Roles, o, ok
	}, orgKey)
}

// requireProject is requireTenant for a project umbrella.
func (h *Handler) requireProject(roles []auth.Role, next http.Handler) http.Handler {
	return h.requireMember(roles, next, func(r *http.Request) (string, []auth.Role, any, bool) {
		p, ok := principalFrom(r.Context()).Project(chi.URLParam(r, "project"))
		return "p:" + p.Key, p.Roles, p, ok
	}, projectKey)
}

// requireMember finds where the URL points among the user's memberships and
// puts it in the request context under key.
func (h *Handler) requireMember(roles []auth.Role, next http.Handler,
	find func(*http.Request) (where string, held []auth.Role, value any, ok bool), key ctxKey) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		where, held, value, ok := find(r)
		if !ok {
			h.notFound(w, r)
			return
		}
		if !auth.HasAny(held, roles) {
			h.forbidden(w, r)
			return
		}
		if !h.enterContext(w, r, where) {
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), key, value)))
	})
}

func (h *Handler) requireSystemAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !principalFrom(r.Context()).SystemAdmin {
			h.forbidden(w, r)
			return
		}
		if !h.enterContext(w, r, "system") {
			return
		}
		next.ServeHTTP(w, r)
	})
}

// enterContext records where the user works now; a change of municipality,
// project or role renews the session token.
func (h *Handler) enterContext(w http.ResponseWriter, r *http.Request, where string) bool {
	ctx := r.Context()
	if h.sessions.GetString(ctx, sessTenant) == where {
		return true
	}
	if err := h.sessions.RenewToken(ctx); err != nil {
		h.serverError(w, r, err)
		return false
	}
	h.sessions.Put(ctx, sessTenant, where)
	return true
}

// redirect sends the browser to url after a form or to sign-in; htmx requests
// get HX-Redirect so the whole page moves.
func redirect(w http.ResponseWriter, r *http.Request, url string) {
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", url)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, url, http.StatusSeeOther)
}

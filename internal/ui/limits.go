package ui

import (
	"net/http"

	"github.com/kaa-plattform/kaa/internal/db"
)

// longRoutes may run statements for the configuration's DB.Long instead of
// the ordinary statement_timeout: each streams or writes a whole file, or a
// whole uploaded list, in one statement or one transaction
// (docs/operations.md, "Limits an installation can rely on").
// TestLongRoutesExist keeps the list to routes the table has.
var longRoutes = map[string]bool{
	"GET /k/{tenant}/export/fil":                       true,
	"GET /p/{project}/export/fil":                      true,
	"GET /k/{tenant}/deltagare/excel":                  true,
	"POST /k/{tenant}/scb/fil":                         true,
	"POST /k/{tenant}/deltagare/import":                true,
	"POST /k/{tenant}/deltagare/import/{iid}/mappning": true,
	"POST /k/{tenant}/deltagare/import/{iid}/blad":     true,
	"POST /k/{tenant}/deltagare/import/{iid}/bekrafta": true,
	"POST /k/{tenant}/anvandare/lista/bekrafta":        true,
}

// allowLong gives the requests of a long route the long statements'
// allowance; other routes' handlers are returned as they are.
func (h *Handler) allowLong(method, pattern string, next http.Handler) http.Handler {
	if !longRoutes[method+" "+pattern] || h.cfg.DB.Long <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(db.WithLongStatements(r.Context(), h.cfg.DB.Long)))
	})
}

// tooSlow answers a request whose statement ran past the statement timeout
// with 503 and a sentence that says what to do; it returns false for any
// other error.
func (h *Handler) tooSlow(w http.ResponseWriter, r *http.Request, err error) bool {
	if !db.TimedOut(err) {
		return false
	}
	h.log.Warn("statement timeout", "err", err, "request_id", infoFrom(r.Context()).ID, "method", r.Method, "path", r.URL.Path)
	w.Header().Set("Retry-After", "30")
	h.renderError(w, r, http.StatusServiceUnavailable, "Det tog för lång tid",
		"Databasen hann inte svara inom den tid tjänsten tillåter, och ingenting har sparats. Försök igen om en stund, eller välj en kortare period eller färre deltagare.")
	return true
}

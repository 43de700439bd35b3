package ui

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/scim"
)

// SCIM 2.0 (docs/design/scim.md): an organisation's identity provider
// provisions its accounts with the organisation's bearer token. No session,
// no cookie; every request runs in the token's organisation.

const (
	scimMaxBody     = 64 << 10         // a User or a PatchOp is a few hundred bytes
	scimPerTenant   = 4                // requests of one organisation at once
	scimQueueWait   = 10 * time.Second // how long a request waits for a turn before 429
	scimContentType = "application/scim+json"
)

// scimLimiter lets each organisation run only a few SCIM requests at once,
// so that one organisation's provisioning burst cannot take every database
// connection from the others.
type scimLimiter struct {
	mu    sync.Mutex
	slots map[int]chan struct{}
}

func (l *scimLimiter) acquire(ctx context.Context, tenant int) (release func(), ok bool) {
	l.mu.Lock()
	if l.slots == nil {
		l.slots = map[int]chan struct{}{}
	}
	s, found := l.slots[tenant]
	if !found {
		s = make(chan struct{}, scimPerTenant)
		l.slots[tenant] = s
	}
	l.mu.Unlock()
	t := time.NewTimer(scimQueueWait)
	defer t.Stop()
	select {
	case s <- struct{}{}:
		return func() { <-s }, true
	case <-t.C:
		return nil, false
	case <-ctx.Done():
		return nil, false
	}
}

type scimClientKey struct{}

func scimClientFrom(ctx context.Context) scim.Client {
	c, _ := ctx.Value(scimClientKey{}).(scim.Client)
	return c
}

// skipForSCIM applies mw to every request but SCIM's, which carry a bearer
// token and neither a session cookie nor a browser's origin.
func skipForSCIM(mw func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		wrapped := mw(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/scim/") {
				next.ServeHTTP(w, r)
				return
			}
			wrapped.ServeHTTP(w, r)
		})
	}
}

// scimRouter serves /scim/v2.
func (h *Handler) scimRouter() http.Handler {
	r := chi.NewRouter()
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		scimError(w, &scim.Error{Status: http.StatusNotFound, Detail: "no such endpoint"})
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		scimError(w, &scim.Error{Status: http.StatusMethodNotAllowed, Detail: "method not allowed here"})
	})
	// Discovery (RFC 7644 §4): the same for everyone, no data.
	r.Get("/ServiceProviderConfig", h.scimStatic(scim.ServiceProviderConfig))
	r.Get("/Schemas", h.scimStatic(scim.Schemas))
	r.Get("/Schemas/{id}", h.scimStatic(scim.Schemas))
	r.Get("/ResourceTypes", h.scimStatic(scim.ResourceTypes))
	r.Get("/ResourceTypes/{id}", h.scimStatic(scim.ResourceTypes))
	r.Group(func(r chi.Router) {
		r.Use(h.scimAuthenticate)
		r.Get("/Users", h.scimList)
		r.Post("/Users", h.scimCreate)
		r.Get("/Users/{id}", h.scimGet)
		r.Put("/Users/{id}", h.scimReplace)
		r.Patch("/Users/{id}", h.scimPatch)
		r.Delete("/Users/{id}", h.scimDelete)
	})
	return r
}

// scimAuthenticate checks the bearer token, waits for one of the
// organisation's turns and caps the body.
func (h *Handler) scimAuthenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := audit.WithMeta(r.Context(), audit.Meta{RequestID: infoFrom(r.Context()).ID, ClientAddr: h.clientAddr(r)})
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			token = ""
		}
		c, err := scim.Authenticate(ctx, h.pool, strings.TrimSpace(token))
		if errors.Is(err, scim.ErrBadToken) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="kaa-scim"`)
			scimError(w, &scim.Error{Status: http.StatusUnauthorized, Detail: "the bearer token is missing or not valid"})
			return
		}
		if err != nil {
			h.scimFail(w, r, err)
			return
		}
		release, ok := h.scimGate.acquire(ctx, c.TenantID)
		if !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(scimQueueWait.Seconds())))
			scimError(w, &scim.Error{Status: http.StatusTooManyRequests, Detail: "too many requests at once; try again"})
			return
		}
		defer release()
		r.Body = http.MaxBytesReader(w, r.Body, scimMaxBody)
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, scimClientKey{}, c)))
	})
}

func (h *Handler) scimStatic(body func(base, id string) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := body(h.cfg.PublicURL+"/scim/v2", chi.URLParam(r, "id"))
		if v == nil {
			scimError(w, &scim.Error{Status: http.StatusNotFound, Detail: "no such resource"})
			return
		}
		scimJSON(w, http.StatusOK, v)
	}
}

func (h *Handler) scimTx(r *http.Request, fn func(db.Tx) error) error {
	return db.InTenant(r.Context(), h.pool, scimClientFrom(r.Context()).TenantID, 0, fn)
}

func (h *Handler) scimLocation(u *scim.User) {
	u.Meta.Location = h.cfg.PublicURL + "/scim/v2/Users/" + u.ID
}

func (h *Handler) scimList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := scim.ParseFilter(q.Get("filter"))
	if err != nil {
		scimError(w, err)
		return
	}
	start, count := 1, scim.MaxCount
	if s := q.Get("startIndex"); s != "" {
		if start, err = strconv.Atoi(s); err != nil {
			scimError(w, &scim.Error{Status: 400, ScimType: "invalidValue", Detail: "startIndex must be a number"})
			return
		}
	}
	if s := q.Get("count"); s != "" {
		if count, err = strconv.Atoi(s); err != nil {
			scimError(w, &scim.Error{Status: 400, ScimType: "invalidValue", Detail: "count must be a number"})
			return
		}
	}
	var users []scim.User
	var total int
	err = h.scimTx(r, func(tx db.Tx) (err error) {
		users, total, err = scim.List(r.Context(), tx, f, start, count)
		return err
	})
	if err != nil {
		h.scimFail(w, r, err)
		return
	}
	for i := range users {
		h.scimLocation(&users[i])
	}
	scimJSON(w, http.StatusOK, scim.ListResponse{Schemas: []string{scim.SchemaListResponse}, TotalResults: total,
		StartIndex: max(start, 1), ItemsPerPage: len(users), Resources: users})
}

// scimUser runs fn on the account in the URL; an id the organisation has
// not got is 404, audited in the organisation, and nothing else is done.
func (h *Handler) scimUser(w http.ResponseWriter, r *http.Request, status int, fn func(tx db.Tx, id int) (scim.User, error)) {
	raw := chi.URLParam(r, "id")
	id, ok := scim.ParseID(raw)
	var u scim.User
	err := h.scimTx(r, func(tx db.Tx) (err error) {
		if !ok {
			return db.ErrNotFound
		}
		u, err = fn(tx, id)
		return err
	})
	if errors.Is(err, db.ErrNotFound) {
		if err := h.scimTx(r, func(tx db.Tx) error { return scim.Refused(r.Context(), tx, raw, r.Method) }); err != nil {
			h.scimFail(w, r, err)
			return
		}
		scimError(w, &scim.Error{Status: http.StatusNotFound, Detail: "no such user"})
		return
	}
	if err != nil {
		h.scimFail(w, r, err)
		return
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	h.scimLocation(&u)
	scimJSON(w, status, u)
}

func (h *Handler) scimGet(w http.ResponseWriter, r *http.Request) {
	h.scimUser(w, r, http.StatusOK, func(tx db.Tx, id int) (scim.User, error) { return scim.Get(r.Context(), tx, id) })
}

func (h *Handler) scimReplace(w http.ResponseWriter, r *http.Request) {
	in, ok := scimUserBody(w, r)
	if !ok {
		return
	}
	h.scimUser(w, r, http.StatusOK, func(tx db.Tx, id int) (scim.User, error) {
		return scim.Replace(r.Context(), tx, scimClientFrom(r.Context()), id, in)
	})
}

func (h *Handler) scimPatch(w http.ResponseWriter, r *http.Request) {
	body, ok := scimBody(w, r)
	if !ok {
		return
	}
	h.scimUser(w, r, http.StatusOK, func(tx db.Tx, id int) (scim.User, error) {
		return scim.Patch(r.Context(), tx, scimClientFrom(r.Context()), id, body)
	})
}

func (h *Handler) scimDelete(w http.ResponseWriter, r *http.Request) {
	h.scimUser(w, r, http.StatusNoContent, func(tx db.Tx, id int) (scim.User, error) {
		return scim.User{}, scim.Delete(r.Context(), tx, scimClientFrom(r.Context()), id)
	})
}

func (h *Handler) scimCreate(w http.ResponseWriter, r *http.Request) {
	in, ok := scimUserBody(w, r)
	if !ok {
		return
	}
	var u scim.User
	err := h.scimTx(r, func(tx db.Tx) (err error) {
		u, err = scim.Create(r.Context(), tx, scimClientFrom(r.Context()), in)
		return err
	})
	if err != nil {
		h.scimFail(w, r, err)
		return
	}
	h.scimLocation(&u)
	w.Header().Set("Location", u.Meta.Location)
	scimJSON(w, http.StatusCreated, u)
}

// scimUserBody reads the User resource of a POST or PUT.
func scimUserBody(w http.ResponseWriter, r *http.Request) (scim.Input, bool) {
	body, ok := scimBody(w, r)
	if !ok {
		return scim.Input{}, false
	}
	in, err := scim.ParseUser(body)
	if err != nil {
		scimError(w, err)
		return scim.Input{}, false
	}
	return in, true
}

// scimBody reads the capped body; too large is 413.
func scimBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	b, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		scimError(w, &scim.Error{Status: http.StatusRequestEntityTooLarge, Detail: "the body is too large"})
		return nil, false
	}
	if err != nil {
		scimError(w, &scim.Error{Status: 400, ScimType: "invalidSyntax", Detail: "the body could not be read"})
		return nil, false
	}
	return b, true
}

// scimFail answers a SCIM error as itself and anything else as 500, logged.
func (h *Handler) scimFail(w http.ResponseWriter, r *http.Request, err error) {
	var se *scim.Error
	if errors.As(err, &se) {
		scimError(w, se)
		return
	}
	h.log.Error("scim", "request_id", infoFrom(r.Context()).ID, "err", err)
	scimError(w, &scim.Error{Status: http.StatusInternalServerError, Detail: "internal error"})
}

func scimError(w http.ResponseWriter, err error) {
	var se *scim.Error
	if !errors.As(err, &se) {
		se = &scim.Error{Status: http.StatusInternalServerError, Detail: "internal error"}
	}
	scimJSON(w, se.Status, scim.ErrorResponse{Schemas: []string{scim.SchemaError}, Status: strconv.Itoa(se.Status),
		ScimType: se.ScimType, Detail: se.Detail})
}

func scimJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", scimContentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

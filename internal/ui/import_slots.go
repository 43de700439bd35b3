package ui

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// The bound on imports running at once. An import (reading the file at
// upload, the preview and the confirmation of up to 20,000 rows) can take
// about 100 MiB of memory while an .xlsx at the limits of kaalist is read,
// and holds a database connection while it compares or writes its rows, so
// one municipality's lists must not take the server's memory or the
// connections that other municipalities' pages need.
const (
	importsPerTenant = 1                // imports of one municipality at once
	importsTotal     = 2                // imports at once in all, and never more than half the database pool
	importWait       = 10 * time.Second // how long an import waits for a free slot before it is turned away
)

// importSlots hands out the slots: one semaphore per municipality and one
// for the whole server.
type importSlots struct {
	total     chan struct{}
	perTenant int
	wait      time.Duration

	mu     sync.Mutex
	tenant map[int]chan struct{}
}

func newImportSlots(total, perTenant int, wait time.Duration) *importSlots {
	return &importSlots{total: make(chan struct{}, total), perTenant: perTenant, wait: wait, tenant: map[int]chan struct{}{}}
}

func (s *importSlots) of(tenant int) chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.tenant[tenant]
	if !ok {
		c = make(chan struct{}, s.perTenant)
		s.tenant[tenant] = c
	}
	return c
}

// enter takes one of tenant's slots and one of the server's, waiting up to
// s.wait for them. It returns the function that gives them back, or false
// when none freed up in time or ctx ended.
func (s *importSlots) enter(ctx context.Context, tenant int) (leave func(), ok bool) {
	timer := time.NewTimer(s.wait)
	defer timer.Stop()
	mine := s.of(tenant)
	select {
	case mine <- struct{}{}:
	case <-timer.C:
		return nil, false
	case <-ctx.Done():
		return nil, false
	}
	select {
	case s.total <- struct{}{}:
	case <-timer.C:
		<-mine
		return nil, false
	case <-ctx.Done():
		<-mine
		return nil, false
	}
	return func() { <-s.total; <-mine }, true
}

// importBusy is the Swedish answer when no import slot freed up: 503 with
// Retry-After, and on the upload page next to the file field.
const importBusy = "Många listor importeras just nu, och din fil har inte lästs in. Vänta en minut och försök igen."

// importSlot takes an import slot of the request's municipality, or answers
// 503 and returns false.
func (h *Handler) importSlot(w http.ResponseWriter, r *http.Request, upload bool) (leave func(), ok bool) {
	leave, ok = h.imports.enter(r.Context(), orgFrom(r.Context()).ID)
	if ok {
		return leave, true
	}
	h.log.Warn("import slots full", "request_id", infoFrom(r.Context()).ID, "tenant", orgFrom(r.Context()).Key)
	w.Header().Set("Retry-After", "60") // as the message says
	if upload {
		h.render(w, r, http.StatusServiceUnavailable, views.ImportUpload(h.page(r, "Importera KAA-lista"),
			views.ImportUploadView{Base: h.importBase(r), Error: importBusy}))
		return nil, false
	}
	h.renderError(w, r, http.StatusServiceUnavailable, "Importen får vänta", importBusy)
	return nil, false
}

package ui

import (
	"context"
	"time"
)

// HoldImportSlot takes an import slot of tenant as a running import would,
// and returns the function that gives it back, or false when none is free.
// Call it between requests: wait becomes how long imports wait for a slot.
func (h *Handler) HoldImportSlot(tenant int, wait time.Duration) (release func(), ok bool) {
	h.imports.wait = wait
	return h.imports.enter(context.Background(), tenant)
}

package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/kaa-plattform/kaa/internal/db"
)

// pathID reads a numeric URL parameter; anything else is a record that does not exist.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s %q: %w", name, chi.URLParam(r, name), db.ErrNotFound)
	}
	return id, nil
}

// atoiOr0 reads a small whole number from a URL or form: anything else,
// including a number past a million, is 0 (no filter).
func atoiOr0(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 1_000_000 {
		return 0
	}
	return n
}

// parseDate reads a yyyy-mm-dd date; never later than now. Empty is fine
// unless required.
func parseDate(s string, now time.Time, required bool) (time.Time, string) {
	if s == "" {
		if required {
			return time.Time{}, "Skriv ett datum."
		}
		return time.Time{}, ""
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-08-20."
	}
	if d.After(now) {
		return time.Time{}, "Datumet ligger i framtiden. Skriv dagens datum eller ett tidigare."
	}
	return d, ""
}

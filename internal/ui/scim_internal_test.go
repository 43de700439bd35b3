package ui

import (
	"context"
	"testing"
	"time"
)

// TestSCIMLimiter: one organisation's burst fills only its own turns.
func TestSCIMLimiter(t *testing.T) {
	t.Parallel()
	var l scimLimiter
	var releases []func()
	for range scimPerTenant {
		release, ok := l.acquire(context.Background(), 1)
		if !ok {
			t.Fatal("a free turn was refused")
		}
		releases = append(releases, release)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, ok := l.acquire(ctx, 1); ok {
		t.Error("a fifth request of one organisation ran at once")
	}
	other, ok := l.acquire(context.Background(), 2)
	if !ok {
		t.Fatal("another organisation waited for the first one's burst")
	}
	other()
	releases[0]()
	if release, ok := l.acquire(context.Background(), 1); !ok {
		t.Error("a released turn was not given again")
	} else {
		release()
	}
}

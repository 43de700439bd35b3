package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestDigestCommandWithoutSMTP: `kaa digest` with no SMTP server configured
// sends nothing, says so, and succeeds.
func TestDigestCommandWithoutSMTP(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"digest"}, func(string) string { return "" }, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "no SMTP server configured") {
		t.Errorf("kaa digest says %q", out.String())
	}
}

package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestProductionBinaryLeavesOutBench checks that the production binary
// carries neither the load generator nor the national dataset's generator:
// they are cmd/kaa-bench's (issue 18). The go command lists the packages
// the binary is built from, as `make build` builds it.
func TestProductionBinaryLeavesOutBench(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(cmd.Environ(), "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 20 || !strings.Contains(string(out), "github.com/kaa-plattform/kaa/internal/ui\n") {
		t.Fatalf("go list -deps listed %d packages, not the binary's:\n%s", len(deps), out)
	}
	for _, p := range deps {
		for _, banned := range []string{"github.com/tsenart/vegeta", "github.com/kaa-plattform/kaa/internal/seed/national", "github.com/kaa-plattform/kaa/cmd/kaa-bench"} {
			if p == banned || strings.HasPrefix(p, banned+"/") {
				t.Errorf("the production binary (cmd/kaa) is built with %s", p)
			}
		}
	}
}

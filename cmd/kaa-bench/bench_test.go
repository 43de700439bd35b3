package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRerunKeepsWhatIsBelowTheMark: a run of the benchmark rewrites its
// measurements but keeps what docs/benchmarks.md holds below keptMark (the
// binary sizes), and a file without the mark is simply replaced.
func TestRerunKeepsWhatIsBelowTheMark(t *testing.T) {
	file := filepath.Join(t.TempDir(), "benchmarks.md")
	kept := keptMark + "\n\n## Binary size\n\n| kaa | 35,216,063 |\n"
	os.WriteFile(file, []byte("# Benchmarks\n\nold numbers\n\n"+kept), 0o644)
	if err := writeReport(file, "# Benchmarks\n\nnew numbers\n"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	if got := string(b); got != "# Benchmarks\n\nnew numbers\n\n"+kept {
		t.Errorf("after a run the file reads:\n%s", got)
	}
	os.WriteFile(file, []byte("# Benchmarks\n\nold numbers\n"), 0o644)
	writeReport(file, "# Benchmarks\n\nnew numbers\n")
	if b, _ := os.ReadFile(file); string(b) != "# Benchmarks\n\nnew numbers\n" || strings.Contains(string(b), "old") {
		t.Errorf("a file without the mark, after a run:\n%s", b)
	}
	// The real file carries the mark, so the next `make bench` keeps its sizes.
	if b, err := os.ReadFile("../../docs/benchmarks.md"); err != nil || !strings.Contains(string(b), keptMark+"\n\n## Binary size") {
		t.Errorf("docs/benchmarks.md has no %q before its binary sizes (%v)", keptMark, err)
	}
}

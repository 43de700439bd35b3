package docs

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// migrationCount finds a sentence that says how many migrations there are:
// "ten migrations", "47 migrations so far", "There are 12 migrations".
var migrationCount = regexp.MustCompile(`(?i)\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[a-z]+ty(?:-[a-z]+)?)\s+migrations\b`)

var numberWords = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}

// TestDocumentedMigrationCounts fails when README.md or a document under
// docs/ states a number of migrations that migrations/ does not have. The
// documents had said "ten" long after the fortieth: better that they say no
// number than a wrong one.
func TestDocumentedMigrationCounts(t *testing.T) {
	root := repoRoot(t)
	ups, err := filepath.Glob(filepath.Join(root, "migrations", "*.up.sql"))
	if err != nil || len(ups) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}
	for _, file := range markdownFiles(t, root) {
		rel, _ := filepath.Rel(root, file)
		for _, m := range migrationCount.FindAllStringSubmatch(readFile(t, file), -1) {
			n, ok := count(m[1])
			if ok && n != len(ups) {
				t.Errorf("%s: %q, but migrations/ has %d", rel, m[0], len(ups))
			}
		}
	}
}

func count(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	s = strings.ToLower(s)
	tens, ones, _ := strings.Cut(s, "-")
	n, ok := numberWords[tens]
	if ones != "" {
		o, ok2 := numberWords[ones]
		return n + o, ok && ok2 && o < 10
	}
	return n, ok
}

// TestMigrationCountReader: the reader finds a count where one is stated.
func TestMigrationCountReader(t *testing.T) {
	for text, want := range map[string]int{"There are ten migrations so far": 10, "the 47 migrations": 47, "forty-seven migrations": 47} {
		m := migrationCount.FindStringSubmatch(text)
		if m == nil {
			t.Errorf("%q: no count found", text)
			continue
		}
		if n, ok := count(m[1]); !ok || n != want {
			t.Errorf("%q: %d %v, want %d", text, n, ok, want)
		}
	}
}

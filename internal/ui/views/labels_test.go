package views

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kaa-plattform/kaa/internal/codes"
)

// Every code a page or download shows must have a Swedish name: a missing
// label falls back to the English code ("long_term_goal, woman").
func TestEveryLabelGroupAndCodeIsSwedish(t *testing.T) {
	var files []string
	for _, pattern := range []string{"*.templ", "*.go", "../*.go"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	used := regexp.MustCompile(`(?:^|[^.\w])Label\("([a-z_]+)"`) // views.Label, not a list's own Label method
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			seen++
			if labels[m[1]] == nil {
				t.Errorf("%s uses the label group %q, which has no Swedish names", f, m[1])
			}
		}
	}
	if seen < 20 {
		t.Fatalf("found only %d uses of Label: the scan is broken", seen)
	}
	for group, keys := range map[string][]string{
		"survey_question": {"long_term_goal", "clear_plan", "respect", "no_barrier"},
		"gender_plural":   {"woman", "man", "non_binary", "not_stated"}, "followup_short": {"exit", "six_months"},
	} {
		for _, c := range keys {
			if Label(group, c) == c {
				t.Errorf("%s %q has no Swedish name", group, c)
			}
		}
	}
	// Every list of internal/codes is a label group, each key with a
	// Swedish label that is not a code word (a word with an underscore, or
	// any key of the list: "kvinnor" is Swedish, "unknown" is not).
	codeWord := regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)+$`)
	for _, l := range codes.All {
		for _, c := range l.Codes {
			got := Label(l.Name, c.Key)
			isKey := false
			for _, k := range l.Codes {
				isKey = isKey || (k.Key != "" && got == k.Key && !strings.EqualFold(k.Label, k.Key))
			}
			if got == "" || (got == c.Key && c.Key != "" && !strings.EqualFold(c.Label, c.Key)) || codeWord.MatchString(got) || isKey {
				t.Errorf("%s %q is shown as %q", l.Name, c.Key, got)
			}
		}
	}
}

// TestEveryAuditActionHasAName: the access-log review shows each event of a
// municipality's log by its Swedish name, so an event written anywhere in
// the code without a name here stands out.
func TestEveryAuditActionHasAName(t *testing.T) {
	literal := regexp.MustCompile(`audit\.Event\{Action: "([a-z_]+\.[a-z_]+)"|action :?= "([a-z_]+\.[a-z_]+)"|"(project\.[a-z_]+)"`)
	record := regexp.MustCompile(`RecordType: "([a-z_]+)"`)
	found, records := 0, 0
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			action := m[1] + m[2] + m[3]
			found++
			if l := ActionLabel(action); l == action || l == "Annan händelse" {
				t.Errorf("%s: the audit event %q has no Swedish name in views.Actions", path, action)
			}
		}
		for _, m := range record.FindAllStringSubmatch(string(src), -1) {
			records++
			if RecordLabel(m[1]) == "Annat" {
				t.Errorf("%s: the kind of record %q has no Swedish name in views.records (loggkontroll shows \"Annat\")", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if records < 20 {
		t.Errorf("found only %d kinds of record in the code; the pattern has gone stale", records)
	}
	if found < 20 {
		t.Errorf("found only %d audit events in the code; the pattern has gone stale", found)
	}
}

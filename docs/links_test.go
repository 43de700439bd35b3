// Package docs holds the project's documents; its test keeps their links
// working when a document is split, moved or a heading renamed.
package docs

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

var (
	inlineLink = regexp.MustCompile(`\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	refLink    = regexp.MustCompile(`(?m)^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$`)
	htmlLink   = regexp.MustCompile(`(?:src|href)="([^"]+)"`)
	inlineCode = regexp.MustCompile("`[^`]*`")
	heading    = regexp.MustCompile(`^#{1,6}\s+(.*?)\s*#*\s*$`)
	codeMarks  = regexp.MustCompile("`")
	linkInText = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	// docMention is a document named in a code or SQL comment, such as
	// "see docs/operations.md#export-keys".
	docMention = regexp.MustCompile(`docs/[\w./-]+\.md(#[\p{L}\p{N}_-]+)?`)
)

// TestLinksResolve fails on a relative link or #anchor in README.md or a
// document under docs/ that leads nowhere: a missing file, or an anchor that
// no heading of the target gives (GitHub's rule: lower case, spaces to '-',
// punctuation dropped, å, ä and ö kept).
func TestLinksResolve(t *testing.T) {
	root := repoRoot(t)
	docs := markdownFiles(t, root)
	anchorsOf := anchorReader(t)
	checked := 0
	for _, file := range docs {
		rel, _ := filepath.Rel(root, file)
		for _, target := range links(readFile(t, file)) {
			if problem := resolve(file, target, anchorsOf); problem != "" {
				t.Errorf("%s: link %q: %s", rel, target, problem)
			}
			checked++
		}
	}
	if checked < 100 {
		t.Fatalf("checked only %d links: the reader of links is broken", checked)
	}
}

// TestDocumentsNamedInCodeExist fails when a comment in the code or the
// migrations points at a document, or a section of one, that is not there.
func TestDocumentsNamedInCodeExist(t *testing.T) {
	root := repoRoot(t)
	anchorsOf := anchorReader(t)
	for _, dir := range []string{"cmd", "internal", "migrations", "web", "scripts", "Makefile", "docker-compose.yml"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			switch filepath.Ext(path) {
			case ".go", ".sql", ".templ", ".sh", ".yml":
			case "":
				if filepath.Base(path) != "Makefile" {
					return nil
				}
			default:
				return nil
			}
			if strings.HasSuffix(path, "_templ.go") {
				return nil
			}
			rel, _ := filepath.Rel(root, path)
			for _, m := range docMention.FindAllString(readFile(t, path), -1) {
				if problem := resolve(filepath.Join(root, "README.md"), m, anchorsOf); problem != "" {
					t.Errorf("%s names %q: %s", rel, m, problem)
				}
			}
			return nil
		})
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
}

// anchorReader returns a function giving the anchors of a markdown file,
// reading each file once.
func anchorReader(t *testing.T) func(string) map[string]bool {
	anchors := map[string]map[string]bool{}
	return func(file string) map[string]bool {
		if a, ok := anchors[file]; ok {
			return a
		}
		a := headingAnchors(readFile(t, file))
		anchors[file] = a
		return a
	}
}

// resolve says what is wrong with target, a link written in file, or "".
func resolve(file, target string, anchorsOf func(string) map[string]bool) string {
	if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
		return ""
	}
	path, anchor, _ := strings.Cut(target, "#")
	dest := file
	if path != "" {
		dest = filepath.Join(filepath.Dir(file), filepath.FromSlash(path))
		if _, err := os.Stat(dest); err != nil {
			return "no such file"
		}
	}
	if anchor == "" || !strings.HasSuffix(dest, ".md") {
		return ""
	}
	if !anchorsOf(dest)[anchor] {
		return "no heading gives the anchor #" + anchor
	}
	return ""
}

// links returns the targets of the links of a markdown text, leaving out
// fenced code blocks and inline code.
func links(text string) []string {
	var out []string
	inFence := false
	var prose strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		prose.WriteString(inlineCode.ReplaceAllString(line, "``"))
		prose.WriteString("\n")
	}
	// A link's text may run over a line break; its target does not.
	for _, re := range []*regexp.Regexp{inlineLink, refLink, htmlLink} {
		for _, m := range re.FindAllStringSubmatch(prose.String(), -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// headingAnchors returns the anchors GitHub gives the headings of a markdown
// text; a repeated heading gets -1, -2 ... as on GitHub.
func headingAnchors(text string) map[string]bool {
	anchors := map[string]bool{}
	seen := map[string]int{}
	inFence := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			continue
		}
		m := heading.FindStringSubmatch(line)
		if inFence || m == nil {
			continue
		}
		a := slug(m[1])
		if n := seen[a]; n > 0 {
			anchors[a+"-"+strconv.Itoa(n)] = true
		} else {
			anchors[a] = true
		}
		seen[a]++
	}
	return anchors
}

// slug is GitHub's anchor of a heading: the text without markup, in lower
// case, with spaces as '-' and every character that is not a letter, a digit,
// '-' or '_' dropped.
func slug(h string) string {
	h = linkInText.ReplaceAllString(h, "$1")
	h = codeMarks.ReplaceAllString(h, "")
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func markdownFiles(t *testing.T, root string) []string {
	t.Helper()
	files := []string{filepath.Join(root, "README.md")}
	err := filepath.WalkDir(filepath.Join(root, "docs"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("docs/ is not beside go.mod: %v", err)
	}
	return root
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

package pgtest

import (
	"bytes"
	"context"
	"fmt"
	neturl "net/url"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/pglocal"
)

// Schema returns the schema of the database at url as pg_dump prints it
// (schema only, with grants, row-level security policies and the owners
// other than the migrating role, such as kaa_aggregate for the functions
// that read across tenants), normalised so that the same schema gives the
// same bytes on every run: see NormaliseDump. pg_dump is the one next to
// the server's binaries, of the server's major version.
func Schema(t testing.TB, url string) string {
	t.Helper()
	out, err := DumpSchema(url)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// DumpSchema is Schema without a test.
func DumpSchema(url string) (string, error) {
	bin, err := pglocal.BinDir()
	if err != nil {
		return "", err
	}
	pgDump := filepath.Join(bin, "pg_dump")
	if _, err := os.Stat(pgDump); err != nil {
		return "", fmt.Errorf("pgtest: pg_dump is not next to the server's binaries in %s (on Debian it comes with the package postgresql-client of the same version): %w", bin, err)
	}
	u, err := neturl.Parse(url)
	if err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	cmd := osexec.Command(pgDump, "--schema-only", "--no-tablespaces", "--dbname="+url)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("pgtest: pg_dump: %w: %s", err, stderr.String())
	}
	return NormaliseDump(string(out), u.User.Username()), nil
}

// ServerMajor returns the major version of the PostgreSQL server at url.
func ServerMajor(ctx context.Context, url string) (int, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT current_setting('server_version_num')::int / 10000`).Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}

var (
	// Lines of pg_dump that say nothing about the schema or change from run
	// to run: the session settings it begins with, and the \restrict and
	// \unrestrict lines with their random key.
	dropLine = regexp.MustCompile(`^(SET [a-z_]+ = .*;|SELECT pg_catalog\.set_config\(.*|\\(un)?restrict .*)$`)
	// pg_dump heads each object with "--", "-- Name: ...; Owner: ...", "--".
	objectComment = regexp.MustCompile(`(?m)^--\n(-- Name: .*)\n--\n`)
	// pg_dump's header and trailer name its version and the server's.
	header     = regexp.MustCompile(`(?s)^.*?\n(-- Name: )`)
	trailer    = regexp.MustCompile(`(?s)\n--\n-- PostgreSQL database dump complete\n.*$`)
	blankLines = regexp.MustCompile(`\n{3,}`)
)

// NormaliseDump strips from a pg_dump script what varies between runs and
// machines and keeps the schema: each object's one-line heading ("-- Name:
// ...; Type: ...") and its statements, separated by one blank line. The
// ownership of objects owned by migrator, the role that ran the migrations
// (postgres in the tests, the owner role in production), is left out; other
// owners are kept.
func NormaliseDump(dump, migrator string) string {
	ownedByMigrator := regexp.MustCompile(`^ALTER .* OWNER TO ` + regexp.QuoteMeta(migrator) + `;$`)
	var b strings.Builder
	for _, line := range strings.Split(strings.ReplaceAll(dump, "\r\n", "\n"), "\n") {
		line = strings.TrimRight(line, " \t")
		if dropLine.MatchString(line) || ownedByMigrator.MatchString(line) {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	s := objectComment.ReplaceAllString(b.String(), "$1\n")
	s = header.ReplaceAllString(s, "$1")
	s = trailer.ReplaceAllString(s, "\n")
	// "Owner: -" and a bare "Owner:" head objects that have none (an
	// extension, its comment).
	for _, owner := range []string{"; Owner: " + migrator, "; Owner: -", "; Owner:"} {
		s = strings.ReplaceAll(s, owner+"\n", "\n")
	}
	s = blankLines.ReplaceAllString(s, "\n\n")
	return strings.TrimSpace(s) + "\n"
}

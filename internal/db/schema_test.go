package db_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/pgtest"
)

// update makes TestSchemaSnapshot write the snapshot instead of comparing
// it: `make schema` runs it so.
var update = flag.Bool("update", false, "write migrations/schema.sql from the migrations (make schema)")

// snapshotPath is migrations/schema.sql, seen from this package's folder.
const snapshotPath = "../../migrations/schema.sql"

var snapshotMajor = regexp.MustCompile(`(?m)^-- .*PostgreSQL (\d+)`)

// snapshotHeader heads migrations/schema.sql.
func snapshotHeader(version uint, major int) string {
	return fmt.Sprintf(`-- The schema after every migration (up to %06d), as pg_dump of PostgreSQL %d
-- prints it (--schema-only, with grants, row-level security policies and the
-- owners other than the migrating role), normalised. Written by
-- `+"`make schema`"+` from a freshly migrated database: do not edit it by hand.
-- A new migration that changes a function says only what changes: it starts
-- from the function's body here, and its down file restores that body by
-- copying it from here (docs/architecture.md, "Migrations and
-- migrations/schema.sql").

`, version, major)
}

// TestSchemaSnapshot holds migrations/schema.sql, the schema one can read
// whole, to what the migrations build: it fails when a migration is added
// or changed and the snapshot was not written again with `make schema`.
func TestSchemaSnapshot(t *testing.T) {
	ctx := context.Background()
	d := pgtest.New(t)
	var version uint
	if err := d.Owner.QueryRow(ctx, `SELECT version FROM schema_migrations`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	major, err := pgtest.ServerMajor(ctx, d.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	got := snapshotHeader(version, major) + pgtest.Schema(t, d.OwnerURL)
	if *update {
		if err := os.WriteFile(snapshotPath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote migrations/schema.sql (migrations up to %06d, PostgreSQL %d)", version, major)
		return
	}
	b, err := os.ReadFile(snapshotPath)
	if err != nil {
		t.Fatalf("migrations/schema.sql is missing: run `make schema` and commit it (%v)", err)
	}
	want := string(b)
	if m := snapshotMajor.FindStringSubmatch(want); m != nil {
		if made, _ := strconv.Atoi(m[1]); made != major {
			// pg_dump and the server's deparser print the same schema a
			// little differently from one major version to the next.
			t.Skipf("migrations/schema.sql was written with PostgreSQL %d and this machine has %d: not compared (the migrations up → down → up test still runs)", made, major)
		}
	}
	if got != want {
		// Show the first difference below the header, which changes with
		// every new migration, when there is one.
		_, gotBody, _ := strings.Cut(got, "\n\n")
		_, wantBody, _ := strings.Cut(want, "\n\n")
		name := "migrations/schema.sql below its header"
		if gotBody == wantBody {
			gotBody, wantBody, name = got, want, "migrations/schema.sql"
		}
		t.Errorf("migrations/schema.sql differs from what the migrations build: run `make schema` and commit migrations/schema.sql\n%s",
			firstDifference(name, wantBody, "the migrations", gotBody))
	}
}

// firstDifference shows where two texts first part, with a few lines of each.
func firstDifference(aName, a, bName, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	i := 0
	for i < len(al) && i < len(bl) && al[i] == bl[i] {
		i++
	}
	excerpt := func(lines []string) string {
		from, to := max(i-3, 0), min(i+5, len(lines))
		var s strings.Builder
		for j := from; j < to; j++ {
			mark := "  "
			if j == i {
				mark = "> "
			}
			fmt.Fprintf(&s, "%s%5d  %s\n", mark, j+1, lines[j])
		}
		return s.String()
	}
	return fmt.Sprintf("first difference at line %d\n--- %s:\n%s--- %s:\n%s", i+1, aName, excerpt(al), bName, excerpt(bl))
}

// TestMigrationsUpDownUp runs every migration up one at a time, then every
// down file, then up again. Each down file must give back the schema of the
// version before it (a down file that restores a function's older body
// wrongly, or forgets a grant or a policy, fails here), the full way down
// must leave the database as empty as it began, and the second way up must
// build byte for byte the schema of the first.
func TestMigrationsUpDownUp(t *testing.T) {
	url, m := pgtest.NewAt(t, 0)
	countTables := func() int {
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		var n int
		conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`).Scan(&n)
		return n
	}
	empty := pgtest.Schema(t, url)
	schemaAt := map[uint]string{0: empty}
	var v uint
	for {
		if err := m.Steps(1); err != nil {
			if errors.Is(err, os.ErrNotExist) { // no migration after v
				break
			}
			t.Fatalf("up from %06d: %v", v, err)
		}
		next, dirty, err := m.Version()
		if err != nil || dirty || next == v {
			t.Fatalf("up from %06d: version %d dirty %v: %v", v, next, dirty, err)
		}
		v = next
		schemaAt[v] = pgtest.Schema(t, url)
	}
	if v == 0 || countTables() == 0 {
		t.Fatalf("after up: version %d tables %d", v, countTables())
	}
	first := schemaAt[v]
	for v > 0 {
		if err := m.Steps(-1); err != nil {
			t.Fatalf("down from %06d: %v", v, err)
		}
		prev, dirty, err := m.Version()
		if err != nil || dirty || prev >= v {
			t.Fatalf("down from %06d: version %d dirty %v: %v", v, prev, dirty, err)
		}
		if got, want := columnsInAnyOrder(pgtest.Schema(t, url)), columnsInAnyOrder(schemaAt[prev]); got != want {
			t.Fatalf("the down file of migration %06d does not give back the schema of %06d (columns compared in any order):\n%s",
				v, prev, firstDifference(fmt.Sprintf("up to %06d", prev), want, fmt.Sprintf("down from %06d", v), got))
		}
		v = prev
	}
	if n := countTables(); n != 0 {
		t.Fatalf("after down: %d tables left", n)
	}
	if got := pgtest.Schema(t, url); got != empty {
		t.Fatalf("after every down file the database is not as empty as it began:\n%s", firstDifference("empty", empty, "after down", got))
	}
	if err := m.Up(); err != nil {
		t.Fatalf("up again: %v", err)
	}
	v2, _, _ := m.Version()
	if second := pgtest.Schema(t, url); second != first {
		t.Fatalf("up again (to %06d) builds another schema than the first time:\n%s", v2, firstDifference("first up", first, "second up", second))
	}
}

// columnsInAnyOrder sorts the lines of each CREATE TABLE. PostgreSQL cannot
// put a column back in its place: a down file that drops a column and adds
// it again (000020 imports.data; 000030 the generated participants.status)
// gives the same table with its columns in another order.
func columnsInAnyOrder(schema string) string {
	lines := strings.Split(schema, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "CREATE TABLE ") {
			continue
		}
		end := i + 1
		for end < len(lines) && !strings.HasPrefix(lines[end], ")") {
			lines[end] = strings.TrimSuffix(lines[end], ",")
			end++
		}
		slices.Sort(lines[i+1 : end])
		i = end
	}
	return strings.Join(lines, "\n")
}

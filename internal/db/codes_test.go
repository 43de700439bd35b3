package db_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/pgtest"
)

// TestChecksFollowCodes: every code list has one home, internal/codes. The
// database's CHECK on each column a list names allows exactly that list's
// keys (the union, where one column holds several lists, such as the
// reasons a KAA registration or a project enrolment ends for), so a key
// added in one place and not the other fails here rather than at a
// municipality's save.
func TestChecksFollowCodes(t *testing.T) {
	t.Parallel()
	d := pgtest.New(t)
	ctx := context.Background()
	want := map[string][]string{}
	for _, l := range codes.All {
		for _, col := range l.Columns {
			for _, k := range l.Keys() {
				if !slices.Contains(want[col], k) {
					want[col] = append(want[col], k)
				}
			}
		}
	}
	if len(want) < 15 {
		t.Fatalf("only %d columns named by internal/codes", len(want))
	}
	literal := regexp.MustCompile(`'([^']*)'::text`)
	for col, keys := range want {
		table, column, _ := strings.Cut(col, ".")
		rows, _ := d.Owner.Query(ctx, `
			SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
			WHERE c.contype = 'c' AND c.conrelid = $1::regclass AND a.attname = $2`, table, column)
		defs, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatalf("%s: %v", col, err)
		}
		// The values a CHECK lists for this column: "column = ANY (ARRAY[...])".
		list := regexp.MustCompile(`\(?` + column + `\)? = ANY \(\(?ARRAY\[([^\]]*)\]`)
		var got []string
		for _, def := range defs {
			for _, m := range list.FindAllStringSubmatch(def, -1) {
				for _, v := range literal.FindAllStringSubmatch(m[1], -1) {
					if !slices.Contains(got, v[1]) {
						got = append(got, v[1])
					}
				}
			}
		}
		slices.Sort(got)
		slices.Sort(keys)
		if !slices.Equal(got, keys) {
			t.Errorf("%s: the database allows %q, internal/codes has %q", col, got, keys)
		}
	}
}

// TestStatusFollowsCodes: the status rule has one home, the database's
// participant_status. Every status it can produce is in codes.Status (so it
// has a Swedish label), every status there is produced, and the stored
// column is computed by that function, not by a copy of the rule.
func TestStatusFollowsCodes(t *testing.T) {
	t.Parallel()
	d := pgtest.New(t)
	ctx := context.Background()
	rows, _ := d.Owner.Query(ctx, `
		SELECT DISTINCT participant_status(e, o, p, r, c)
		FROM generate_series(0, 2) e, generate_series(0, 2) o, (VALUES (false), (true)) p(p),
		     (VALUES (false), (true)) r(r), (VALUES (false), (true)) c(c)
		WHERE o <= e`)
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	want := codes.Status.Keys()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the database's status rule gives %q, internal/codes.Status has %q", got, want)
	}
	for _, c := range codes.Status.Codes {
		if c.Label == "" || c.Label == c.Key {
			t.Errorf("status %q has no Swedish label", c.Key)
		}
	}
	var expr string
	if err := d.Owner.QueryRow(ctx, `
		SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d
		JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
		WHERE d.adrelid = 'participants'::regclass AND a.attname = 'status'`).Scan(&expr); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(expr, "participant_status(") {
		t.Errorf("participants.status is %s, not participant_status(...)", expr)
	}
}

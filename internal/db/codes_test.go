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

package participant_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/kaalist"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/personnummer"
	"github.com/kaa-plattform/kaa/internal/pgtest"
)

// TestSaveImportFromSource imports lists as a school-system connector
// would: a table built in code, saved with the connector's own source,
// previewed, compared with that source's previous list only, and applied.
func TestSaveImportFromSource(t *testing.T) {
	t.Parallel()
	d, tenant, coordinator, _ := kristianstadPerson(t)
	ctx := context.Background()
	ada, bo := pnrWith("090101", "123"), pnrWith("090202", "234")
	list := func(rows ...[]string) *kaalist.Table {
		return &kaalist.Table{Header: []string{"Personnummer", "Förnamn", "Efternamn", "Skola"}, Rows: rows}
	}
	apply := func(source string, tab *kaalist.Table) participant.Comparison {
		return applyList(t, d, tenant, coordinator, source, tab, func(im participant.Import) error {
			if im.Source != source || !reflect.DeepEqual(im.Table.Rows, tab.Rows) || im.Table.Lines[0] != 2 {
				return fmt.Errorf("stored %q %q %v", im.Source, im.Table.Rows, im.Table.Lines)
			}
			return nil
		})
	}

	if c := apply("ss12000:7", list([]string{ada, "Ada", "Ek", "Jacobsskolan"}, []string{bo, "Bo", "Berg", "Jacobsskolan"})); !c.Previous.IsZero() {
		t.Errorf("the first list of a source is compared with %q", c.PrevName)
	}
	var n int
	d.Owner.QueryRow(ctx, `SELECT count(*) FROM participants WHERE tenant_id = $1 AND school = 'Jacobsskolan' AND source = 'school_list'`, tenant).Scan(&n)
	if n != 2 {
		t.Fatalf("%d people from the connector's list, want 2", n)
	}
	// Another source's list is not compared with the connector's.
	if c := apply("fil", list([]string{ada, "Ada", "Ek", ""})); !c.Previous.IsZero() {
		t.Error("a file is compared with the school system's list")
	}
	c := apply("ss12000:7", list([]string{ada, "Ada", "Ek", "Jacobsskolan"}))
	if len(c.Gone) != 1 || c.Gone[0].FirstName != "Bo" || !c.Gone[0].OpenKAA || c.PrevName != "Skolsystemet" {
		t.Errorf("gone from the connector's second list: %+v", c)
	}
	// A list whose every row is refused is applied without becoming the list compared with.
	apply("ss12000:7", list([]string{"20090101-0000", "Ada", "Ek"}))
	if c := apply("ss12000:7", list([]string{ada, "Ada", "Ek"})); len(c.Gone) != 0 {
		t.Errorf("compared with a list of nobody: %+v", c.Gone)
	}
	d.Owner.QueryRow(ctx, `SELECT count(*) FROM import_lists WHERE tenant_id = $1 AND source = 'ss12000:7'`, tenant).Scan(&n)
	if n != 2 {
		t.Errorf("%d lists of the source kept, want the last 2", n)
	}

	err := db.InTenant(ctx, d.App, tenant, coordinator, func(tx db.Tx) error {
		_, err := participant.SaveImportFrom(ctx, tx, participant.ImportFrom{Source: "Skolsystem!", Filename: "x", Table: list([]string{ada, "Ada", "Ek"})})
		return err
	})
	if err == nil {
		t.Error("a source with other characters was stored")
	}
}

func TestSenderSource(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                               "fil",
		"  !! ":                          "fil",
		"Hässleholms tekniska skola":     "fil:hassleholms-tekniska-skola",
		"Ölands gymnasium / Åby":         "fil:olands-gymnasium-aby",
		"École 7":                        "fil:ecole-7",
		strings.Repeat("Åsa-skolan ", 9): "fil:asa-skolan-asa-skolan-asa-skolan-asa",
	} {
		got := participant.SenderSource(in)
		if got != want || len(got) > 40 {
			t.Errorf("SenderSource(%q) = %q, want %q", in, got, want)
		}
		if want != "fil" && participant.SenderSource(participant.SenderName(got)) != got {
			t.Errorf("the name offered again, %q, is another source", participant.SenderName(got))
		}
	}
}

// TestRecordListWithErrorRows: a row with an error whose personnummer
// could be read is on the list recorded, as Compare counts it, so that
// someone with a bad mobile number on one list is reported gone from the
// next.
func TestRecordListWithErrorRows(t *testing.T) {
	t.Parallel()
	d, tenant, coordinator, _ := kristianstadPerson(t)
	ada, bo := pnrWith("090101", "123"), pnrWith("090202", "234")
	apply := func(rows ...[]string) participant.Comparison {
		tab := &kaalist.Table{Header: []string{"Personnummer", "Förnamn", "Efternamn", "Mobil"}, Rows: rows}
		return applyList(t, d, tenant, coordinator, "fil:skolan", tab, nil)
	}
	apply([]string{ada, "Ada", "Ek", ""}, []string{bo, "Bo", "Berg", ""})
	if c := apply([]string{ada, "Ada", "Ek", ""}, []string{bo, "Bo", "Berg", "12345"}); len(c.Gone) != 0 {
		t.Fatalf("Bo, on the list with a bad mobile number, is gone: %+v", c.Gone)
	}
	if c := apply([]string{ada, "Ada", "Ek", ""}); len(c.Gone) != 1 || c.Gone[0].FirstName != "Bo" {
		t.Errorf("gone from the list after the one where Bo's row had an error: %+v", c.Gone)
	}
}

// applyList saves, previews and applies a list from source in one
// transaction, as the confirmation does, after check (when not nil) has
// looked at the upload stored, and returns the comparison the preview
// showed.
func applyList(t *testing.T, d *pgtest.DB, tenant, coordinator int, source string, tab *kaalist.Table, check func(participant.Import) error) (c participant.Comparison) {
	t.Helper()
	ctx := context.Background()
	today := participant.Today()
	err := db.InTenant(ctx, d.App, tenant, coordinator, func(tx db.Tx) error {
		id, err := participant.SaveImportFrom(ctx, tx, participant.ImportFrom{Source: source, Filename: "Skolsystemet", Table: tab})
		if err != nil {
			return err
		}
		im, err := participant.LockImport(ctx, tx, id)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(im); err != nil {
				return err
			}
		}
		rows, _, err := participant.Preview(ctx, tx, id, kaalist.Rows(im.Table, im.Mapping, today), im.Mapping, today)
		if err != nil {
			return err
		}
		if c, err = participant.Compare(ctx, tx, id, im.Source, rows); err != nil {
			return err
		}
		if _, err := participant.ApplyImport(ctx, tx, id, rows, today); err != nil {
			return err
		}
		return participant.DeleteImport(ctx, tx, id, false)
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pnrWith is the personnummer YYMMDD-NNNC of yymmdd and serial with its check digit.
func pnrWith(yymmdd, serial string) string {
	return yymmdd + "-" + serial + fmt.Sprint(personnummer.CheckDigit(yymmdd+serial))
}

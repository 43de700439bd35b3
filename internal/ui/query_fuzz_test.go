package ui

import (
	"context"
	"net/url"
	"slices"
	"testing"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
)

// FuzzListQuery feeds the participant list's and the dashboards' query
// parameters, as anyone can type them into a URL, through the code that
// reads them and on into PostgreSQL: whatever the URL, the filter stays
// within what the list knows, the period is a real one, and the list's
// query runs without an error (an error would be a 500 for the user).
func FuzzListQuery(f *testing.F) {
	for _, s := range []string{
		"", "status=in_contact&sortera=last_contact", "alder_min=16&alder_max=19&sida=3",
		"ingen_kontakt=999999999999&sida=-4", "status=ended%00&orsak=dropped_out", "delprojekt=2147483648",
		"sortera=age;DROP TABLE participants", "inskrivning=none&samordnare=-1", "period=2026-2", "period=12m",
		"period=1999-1", "period=2026-3", "alder_min=abc&alder_max=%ff", "sida=9999999",
	} {
		f.Add(s)
	}
	d := pgtest.NewFrom(f, "accounts", seed.StructureAt)
	ctx := context.Background()
	var osby, user int
	d.Owner.QueryRow(ctx, `SELECT id FROM orgs WHERE key = '1273'`).Scan(&osby)
	d.Owner.QueryRow(ctx, `SELECT id FROM users WHERE email = 'samordnare@osby.demo'`).Scan(&user)
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw)
		fl := filterFrom(q, user)
		if fl.Status != "" && !slices.Contains(participant.Statuses, fl.Status) {
			t.Errorf("status %q is not one of the list's", fl.Status)
		}
		if fl.Reason != "" && !slices.Contains(participant.RegistrationReasons, fl.Reason) {
			t.Errorf("reason %q is not one of the list's", fl.Reason)
		}
		if fl.MinAge > 130 || fl.MaxAge > 130 || fl.NoContactDays > 36500 {
			t.Errorf("ages or days beyond a lifetime: %+v", fl)
		}
		for k := range listQuery(q) {
			if !slices.Contains([]string{"status", "inskrivning", "delprojekt", "samordnare", "alder_min", "alder_max", "orsak", "ingen_kontakt", "sortera", "sida"}, k) {
				t.Errorf("listQuery kept the unknown parameter %q", k)
			}
		}
		p, key, _ := dashboardPeriod(q)
		if p.To.Before(p.From) || p.To.Sub(p.From).Hours() > 366*24 || key == "" {
			t.Errorf("period %q: %v to %v", key, p.From, p.To)
		}
		err := db.InTenant(ctx, d.App, osby, user, func(tx db.Tx) error {
			_, err := participant.List(ctx, tx, fl, today())
			return err
		})
		if err != nil {
			t.Errorf("the list with %q: %v", raw, err)
		}
	})
}

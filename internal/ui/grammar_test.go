package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/personnummer"
	"github.com/kaa-plattform/kaa/internal/sv"
)

// TestOneAndMany: counts read "1 person", "2 personer", and the 20th
// birthday "fyllde 20" once it has passed and "fyller 20" before it.
func TestOneAndMany(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	osby := a.orgID("1273")
	// Osby with its administrator alone.
	if _, err := a.db.Owner.Exec(ctx, `DELETE FROM memberships WHERE tenant_id = $1 AND user_id <> $2`, osby, a.userID("admin@osby.demo")); err != nil {
		t.Fatal(err)
	}
	admin := a.client()
	admin.signIn("admin@osby.demo")
	if body := admin.get("/k/1273/").Body; !strings.Contains(body, "1 person har behörighet") {
		t.Errorf("the start page does not say %q", "1 person har behörighet")
	}
	if body := admin.get("/k/1273/anvandare").Body; !strings.Contains(body, "1 person med behörighet") {
		t.Errorf("the users page does not say %q", "1 person med behörighet")
	}
	if _, err := a.db.Owner.Exec(ctx, `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'coordinator')`, osby, a.userID("samordnare@osby.demo")); err != nil {
		t.Fatal(err)
	}
	if body := admin.get("/k/1273/anvandare").Body; !strings.Contains(body, "2 personer med behörighet") {
		t.Errorf("the users page does not say %q", "2 personer med behörighet")
	}

	// A project participant of 21 and a young person of 18.
	person := func(birth time.Time, serial int) int64 {
		nine := birth.Format("060102") + fmt.Sprintf("%03d", serial)
		var id int64
		if err := a.db.Owner.QueryRow(ctx, `INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
			VALUES ($1, $2, $3, 'Ung', 'Person') RETURNING id`, osby, birth.Format("20060102")+nine[6:]+fmt.Sprint(personnummer.CheckDigit(nine)), birth).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	now := time.Now()
	older, younger := time.Date(now.Year()-21, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(now.Year()-18, now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 2, 0)
	coord := a.client()
	coord.signIn("samordnare@osby.demo")
	for id, want := range map[int64]string{
		person(older, 1):   "fyllde 20 den " + sv.ProseDate(older.AddDate(20, 0, 0)),
		person(younger, 2): "fyller 20 den " + sv.ProseDate(younger.AddDate(20, 0, 0)),
	} {
		for _, path := range []string{fmt.Sprintf("/k/1273/deltagare/%d", id), fmt.Sprintf("/k/1273/registerutdrag/%d", id)} {
			if body := coord.get(path).Body; !strings.Contains(body, want) {
				t.Errorf("%s does not say %q", path, want)
			}
		}
	}
}

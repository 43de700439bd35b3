package ui_test

import (
	"fmt"
	"regexp"
	"testing"
)

// TestPageWeight: no page, with the scripts and styles it loads, is over
// 150 KB transferred (issue 9), on the demo structure with a participant
// who has a contact, a plan and a follow-up.
func TestPageWeight(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	pid, _, _ := a.fixture("1273", "samordnare@osby.demo", "Ada", "Andersson")
	asset := regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`)
	const limit = 150 * 1024
	visit := func(c *client, paths ...string) {
		for _, path := range paths {
			res := c.get(path)
			if res.Status != 200 {
				t.Errorf("%s: %d", path, res.Status)
				continue
			}
			total := len(res.Body)
			for _, m := range asset.FindAllStringSubmatch(res.Body, -1) {
				total += len(c.get(m[1]).Body)
			}
			if total > limit {
				t.Errorf("%s weighs %d KB with its assets, over %d KB", path, total/1024, limit/1024)
			}
		}
	}
	p := fmt.Sprintf("/k/1273/deltagare/%d", pid)
	coord := a.client()
	coord.signIn("samordnare@osby.demo")
	visit(coord, "/k/1273/", "/k/1273/deltagare", p, p+"/plan", p+"/kartlaggning", "/k/1273/att-gora", "/k/1273/statistik", "/k/1273/scb", "/k/1273/export")
	admin := a.client()
	admin.signIn("admin@osby.demo")
	visit(admin, "/k/1273/anvandare", "/k/1273/installningar", "/k/1273/loggkontroll", fmt.Sprintf("/k/1273/registerutdrag/%d", pid))
	leader := a.client()
	leader.signIn("projektledare@within.demo")
	visit(leader, "/p/within/", "/p/within/paraply", "/p/within/esf", "/p/within/export")
}

package ui_test

import (
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/kaa-plattform/kaa/internal/dashboard"
)

// TestTargetsHaveOneDefinition: a project's targets are defined once, in
// internal/dashboard (Targets), which the umbrella compares with. The
// set-up form offers the targets marked for it under their names there, and
// the project's home page names the targets set under the same names, so a
// name changed in one place is changed everywhere.
func TestTargetsHaveOneDefinition(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	owner := a.client()
	owner.signIn("admin@kristianstad.demo")
	form := url.Values{}
	setup := html.UnescapeString(owner.get("/k/1290/projekt/within").Body)
	for _, tg := range dashboard.FormTargets() {
		if !strings.Contains(setup, `name="`+tg.Key+`"`) || !strings.Contains(setup, tg.Label) {
			t.Errorf("the set-up form has no field %s named %q", tg.Key, tg.Label)
		}
		form.Set(tg.Key, "40")
	}
	if res := owner.post("/k/1290/projekt/within/mal", form); res.Status != 303 {
		t.Fatalf("save targets: %d", res.Status)
	}
	leader := a.client()
	leader.signIn("projektledare@within.demo")
	home := html.UnescapeString(leader.get("/p/within/").Body)
	for _, tg := range dashboard.Targets { // the form's and the demo's planned participants in programme area 2
		if !strings.Contains(home, tg.Label) {
			t.Errorf("the project's home page does not name the target %s as %q", tg.Key, tg.Label)
		}
	}
}

package ui

import (
	"maps"
	"slices"
	"testing"

	"github.com/kaa-plattform/kaa/internal/dashboard"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// TestTargetsHaveOneDefinition: a project's targets are defined once, in
// internal/dashboard (Targets), which the umbrella compares with. The
// set-up form offers exactly the targets marked for it, under the same
// Swedish names, and the project's home page names every target there is,
// so a target added to one and not the others fails here.
func TestTargetsHaveOneDefinition(t *testing.T) {
	var form []views.Option
	var all []string
	for _, tg := range dashboard.Targets {
		all = append(all, tg.Key)
		if tg.Form {
			form = append(form, views.Option{Value: tg.Key, Label: tg.Label})
		}
	}
	if !slices.Equal(views.TargetFields, form) {
		t.Errorf("the set-up form offers %v, internal/dashboard defines %v", views.TargetFields, form)
	}
	home := slices.Sorted(maps.Keys(targetLabels))
	slices.Sort(all)
	if !slices.Equal(home, all) {
		t.Errorf("the project's home page names the targets %v, internal/dashboard defines %v", home, all)
	}
}

package scb

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/kaa-plattform/kaa/internal/codes"
)

// reported are the code lists SCB counts: every spec version maps each of
// their keys, and maps nothing else.
var reported = []codes.List{Records, codes.RegistrationReason, codes.Occupation, codes.MeasureType, codes.MeasureEnd, codes.Deregistration}

func TestSpecTables(t *testing.T) {
	t.Parallel()
	if len(Specs()) == 0 {
		t.Fatal("no spec table is embedded")
	}
	for _, s := range Specs() {
		t.Run(s.Version, func(t *testing.T) {
			var names []string
			for _, l := range reported {
				names = append(names, l.Name)
				got := slices.Sorted(maps.Keys(s.Codes[l.Name]))
				if want := slices.Sorted(slices.Values(l.Keys())); !slices.Equal(got, want) {
					t.Errorf("code table %q maps %v, want exactly the list's keys %v", l.Name, got, want)
				}
			}
			if got, want := slices.Sorted(maps.Keys(s.Codes)), slices.Sorted(slices.Values(names)); !slices.Equal(got, want) {
				t.Errorf("code tables %v, want %v", got, want)
			}
			// Two keys of a list with one code would be one value at SCB.
			for list, table := range s.Codes {
				seen := map[string]string{}
				for k, c := range table {
					if c != "" && seen[c] != "" {
						t.Errorf("%s: %q and %q both have code %s", list, k, seen[c], c)
					}
					seen[c] = k
				}
			}
			if SpecFor(s.half()).Version != s.Version {
				t.Errorf("the half-year %s does not default to its own spec", s.Version)
			}
		})
	}
}

// A table that lacks a key, maps one too many, or names a column the
// product does not know is refused when it is loaded.
func TestSpecCheckRefuses(t *testing.T) {
	t.Parallel()
	good := Specs()[0]
	if err := good.check(); err != nil {
		t.Fatal(err)
	}
	clone := func() Spec {
		s := good
		s.Columns = slices.Clone(good.Columns)
		s.Codes = map[string]map[string]string{}
		for k, v := range good.Codes {
			s.Codes[k] = maps.Clone(v)
		}
		return s
	}
	missing := clone()
	delete(missing.Codes["occupation"], "no_activity")
	extra := clone()
	extra.Codes["end_reason"]["declined"] = "10"
	column := clone()
	column.Columns = append(column.Columns, Column{Field: "gender", Name: "Kön"})
	version := clone()
	version.Version = "2026-3"
	for name, s := range map[string]Spec{"missing key": missing, "extra key": extra, "unknown field": column, "bad version": version} {
		if err := s.check(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestLookupSpec(t *testing.T) {
	t.Parallel()
	if _, err := LookupSpec("1999-1"); !errors.Is(err, ErrUnknownSpec) {
		t.Errorf("an unknown version: %v", err)
	}
	for _, s := range Specs() {
		if got, err := LookupSpec(s.Version); err != nil || got.Version != s.Version {
			t.Errorf("%s: %v", s.Version, err)
		}
	}
}

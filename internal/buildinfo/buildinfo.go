// Package buildinfo says which build of kaa is running: `kaa version`
// prints it and the metric kaa_build_info carries it.
package buildinfo

import (
	"fmt"
	"runtime/debug"
)

// Set by the Docker build, whose context has no .git for the go command to
// read: -ldflags "-X github.com/kaa-plattform/kaa/internal/buildinfo.version=v1.2.3
// -X github.com/kaa-plattform/kaa/internal/buildinfo.commit=abc123".
var version, commit string

// Info is what is known about the running binary.
type Info struct {
	Version   string // the module version, "(devel)" for a build from a work tree
	Commit    string // the VCS revision the binary was built from; "" when not known
	Time      string // the commit's time (RFC 3339); "" when not known
	Modified  bool   // the work tree had changes not committed
	GoVersion string // the Go toolchain that built it
}

// Read returns the running binary's Info, from the values the linker was
// given and otherwise from runtime/debug.ReadBuildInfo.
func Read() Info {
	i := Info{Version: "(devel)"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		i.GoVersion = bi.GoVersion
		if bi.Main.Version != "" {
			i.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				i.Commit = s.Value
			case "vcs.time":
				i.Time = s.Value
			case "vcs.modified":
				i.Modified = s.Value == "true"
			}
		}
	}
	if version != "" {
		i.Version = version
	}
	if commit != "" {
		i.Commit = commit
	}
	return i
}

// String is the line `kaa version` prints.
func (i Info) String() string {
	s := "kaa " + i.Version
	if i.Commit != "" {
		s += " commit " + i.Commit
		if i.Modified {
			s += " (modified)"
		}
	}
	if i.Time != "" {
		s += " " + i.Time
	}
	return fmt.Sprintf("%s %s", s, i.GoVersion)
}

#!/bin/sh
# Checks the build for known vulnerabilities without the internet: govulncheck
# cannot reach vuln.go.dev from CI, but the Go module proxy serves the
# vulnerability database itself as the module golang.org/x/vulndb. This script
# turns its OSV files into govulncheck's database layout once per version
# (kept in the user's cache) and runs govulncheck against it. A reachable
# vulnerability (in our code, a module or the standard library of the Go that
# builds us) fails with govulncheck's exit status 3.
#
# Both versions are pinned; docs/operations.md says how to move them forward.
set -eu
GOVULNCHECK_VERSION=v1.9.0
VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018
GO=${GO:-go}

cache=${XDG_CACHE_HOME:-$HOME/.cache}/kaa/vulndb/$VULNDB_VERSION
if [ ! -f "$cache/index/db.json" ]; then
	echo "vulncheck: building the local vulnerability database from golang.org/x/vulndb@$VULNDB_VERSION ..."
	src=$($GO mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
	if [ -z "$src" ] || [ ! -d "$src/data/osv" ]; then
		echo "vulncheck: could not download golang.org/x/vulndb@$VULNDB_VERSION from the module proxy" >&2
		exit 1
	fi
	tmp=$(mktemp -d)
	# indexdb is the vulndb project's own tool for building a v1 database
	# from a folder of OSV files.
	(cd "$tmp" && $GO run "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" -vulns "$src/data/osv" -out "$tmp/db")
	mkdir -p "$(dirname "$cache")"
	rm -rf "$cache"
	mv "$tmp/db" "$cache"
	rm -rf "$tmp"
fi
echo "vulncheck: $($GO version), database golang.org/x/vulndb@$VULNDB_VERSION"
$GO run "golang.org/x/vuln/cmd/govulncheck@$GOVULNCHECK_VERSION" -db "file://$cache" ./...

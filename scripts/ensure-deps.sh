#!/bin/sh
# Installs what `make run` and `make test` need beyond Go: PostgreSQL's server
# binaries (initdb, postgres). Debian and Ubuntu are handled; elsewhere it says
# what to install.
set -eu

have_pg() {
	[ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ] && return 0
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && return 0
	done
	command -v initdb >/dev/null 2>&1
}

if ! command -v go >/dev/null 2>&1; then
	echo "Go is missing: install Go 1.26 or newer from https://go.dev/dl/" >&2
	exit 1
fi

if have_pg; then
	exit 0
fi

echo "PostgreSQL server binaries are missing; installing them (Debian package 'postgresql')..."
if command -v apt-get >/dev/null 2>&1; then
	SUDO=""
	if [ "$(id -u)" != 0 ]; then
		if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
			echo "Run as root: apt-get install -y postgresql" >&2
			exit 1
		fi
	fi
	# Install the binaries only; do not create and start a system-wide cluster.
	$SUDO mkdir -p /etc/postgresql-common
	if [ ! -f /etc/postgresql-common/createcluster.conf ]; then
		echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
	fi
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
	have_pg && { echo "PostgreSQL installed."; exit 0; }
fi
echo "Install PostgreSQL 15 or newer (server binaries initdb and postgres), or set PG_BINDIR to their folder." >&2
exit 1

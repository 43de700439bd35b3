#!/bin/sh
# Installs what `make run` and `make test` need beyond Go: PostgreSQL's server
# binaries (initdb, postgres), for the browser tests Chromium, and for the
# office read-back tests LibreOffice Calc (optional in `make test`, installed
# by CI). Debian and Ubuntu are handled; elsewhere it says what to install.
#
# Usage: ensure-deps.sh [--browser] [--office]
set -eu

browser=""
office=""
for arg in "$@"; do
	case "$arg" in
	--browser) browser=1 ;;
	--office) office=1 ;;
	*) echo "ensure-deps.sh: unknown option $arg" >&2; exit 2 ;;
	esac
done

have_pg() {
	[ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ] && return 0
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && return 0
	done
	command -v initdb >/dev/null 2>&1
}

if ! command -v go >/dev/null 2>&1; then
	echo "Go is missing: install Go 1.21 or newer from https://go.dev/dl/ (with GOTOOLCHAIN=go1.27.3 it fetches the approved go1.27.3 itself)" >&2
	exit 1
fi

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
updated=""
apt_install() {
	command -v apt-get >/dev/null 2>&1 || return 1
	if [ "$(id -u)" != 0 ] && [ -z "$SUDO" ]; then return 1; fi
	if [ -z "$updated" ]; then $SUDO apt-get update -qq && updated=1; fi
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

if ! have_pg; then
	echo "PostgreSQL server binaries are missing; installing them (Debian package 'postgresql')..."
	# Install the binaries only; do not create and start a system-wide cluster.
	if [ -z "$SUDO" ] && [ "$(id -u)" != 0 ]; then :; else
		$SUDO mkdir -p /etc/postgresql-common
		if [ ! -f /etc/postgresql-common/createcluster.conf ]; then
			echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
		fi
	fi
	if ! apt_install postgresql || ! have_pg; then
		echo "Install PostgreSQL 15 or newer (on Debian: sudo apt-get install -y postgresql), or set PG_BINDIR to the folder holding initdb and postgres." >&2
		exit 1
	fi
	echo "PostgreSQL installed."
fi

if [ -n "$browser" ] && ! command -v chromium >/dev/null 2>&1; then
	echo "Chromium is missing (the browser tests drive it); installing the Debian package 'chromium'..."
	if ! apt_install chromium || ! command -v chromium >/dev/null 2>&1; then
		echo "Install Chromium for the browser tests (on Debian: sudo apt-get install -y chromium)." >&2
		exit 1
	fi
	echo "Chromium installed."
fi

# The browser tests run Chromium in Swedish, as the municipalities' staff do
# (date fields in ÅÅÅÅ-MM-DD); Debian ships its translations separately.
if [ -n "$browser" ] && [ -d /usr/lib/chromium ] && ! ls /usr/lib/chromium/locales/sv.pak >/dev/null 2>&1; then
	echo "Chromium's Swedish locale is missing; installing the Debian package 'chromium-l10n'..."
	if ! apt_install chromium-l10n; then
		echo "Install Chromium's translations for the browser tests (on Debian: sudo apt-get install -y chromium-l10n)." >&2
		exit 1
	fi
fi

# The office read-back tests open every download in LibreOffice Calc, set to
# Swedish by the tests themselves (internal/officetest): no system locale is
# needed. Without it they are skipped.
if [ -n "$office" ] && ! command -v soffice >/dev/null 2>&1; then
	echo "LibreOffice Calc is missing (the office read-back tests open every download in it); installing the Debian package 'libreoffice-calc-nogui'..."
	if ! apt_install --no-install-recommends libreoffice-calc-nogui || ! command -v soffice >/dev/null 2>&1; then
		echo "Install LibreOffice Calc for the office read-back tests (on Debian: sudo apt-get install -y --no-install-recommends libreoffice-calc-nogui)." >&2
		exit 1
	fi
	echo "LibreOffice Calc installed."
fi

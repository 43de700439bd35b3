#!/bin/sh
# Writes the .env that docker-compose.yml needs: random passwords for the
# database's three roles, the audit key and the two-factor key. Refuses to
# overwrite an existing file: the database volume keeps the passwords it was
# made with, and losing the keys loses the audit chain's proof and every
# account's second factor. Keep a copy of the file where backups are kept.
#
#   scripts/compose-secrets.sh [FILE]      (default: .env beside docker-compose.yml)
set -eu

out=${1:-"$(dirname "$0")/../.env"}
if [ -e "$out" ]; then
	echo "compose-secrets: $out exists; not overwriting it (remove it yourself if you mean to start afresh with a new database volume)" >&2
	exit 1
fi

# 32 random bytes, base64 (the keys), and URL-safe for passwords that go into
# a postgres:// URL.
key() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }
password() { head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }

umask 077
cat >"$out" <<ENV
# Written by scripts/compose-secrets.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ). Secret: keep it out of git.
KAA_PG_SUPERUSER_PASSWORD=$(password)
KAA_OWNER_DB_PASSWORD=$(password)
KAA_APP_DB_PASSWORD=$(password)
KAA_AUDIT_KEY=$(key)
KAA_TOTP_KEYS=k1:$(key)
ENV
echo "compose-secrets: wrote $out"

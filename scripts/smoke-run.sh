#!/bin/sh
# Starts `make run` as a newcomer would, waits for the server, signs in with a
# demo account and stops it. Uses its own dev folder and port.
set -eu
dir=$(mktemp -d)
port=${SMOKE_PORT:-18080}
log="$dir/run.log"
KAA_DEV_DIR="$dir/dev" KAA_ADDR="127.0.0.1:$port" KAA_PUBLIC_URL="http://127.0.0.1:$port" setsid make run >"$log" 2>&1 &
pid=$!
cleanup() {
	# make, go run and kaa share the process group setsid made; kaa stops
	# PostgreSQL on SIGTERM.
	kill -TERM "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if [ -f "$dir/dev/pgdata-location" ]; then rm -rf "$(dirname "$(cat "$dir/dev/pgdata-location")")"; fi
	rm -rf "$dir"
}
trap cleanup EXIT
i=0
until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 300 ]; then
		echo "make run did not become ready in 150 s:"; cat "$log"; exit 1
	fi
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "make run exited:"; cat "$log"; exit 1
	fi
	sleep 0.5
done
jar="$dir/cookies"
curl -fsS -c "$jar" -b "$jar" -o /dev/null -d "email=samordnare@osby.demo&password=demo-losenord-2026" "http://127.0.0.1:$port/logga-in"
curl -fsS -c "$jar" -b "$jar" -L "http://127.0.0.1:$port/" | grep -q "Osby kommun" || { echo "signed-in start page lacks Osby kommun"; cat "$log"; exit 1; }
echo "smoke: make run serves the demo and samordnare@osby.demo signs in"

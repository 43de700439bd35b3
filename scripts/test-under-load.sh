#!/bin/sh
# Runs `make test` RUNS times in a row (default 3) while HOGS CPU-bound
# processes (default 2) run beside it, and stops at the first failure. This
# is the proof that the suite holds on a busy machine: the browser tests wait
# on what the page shows, never on fixed sleeps, so load only makes them
# slower. Prints the machine and the time of each run.
#
# Usage: test-under-load.sh        (make test-under-load)
set -eu

RUNS=${RUNS:-3}
HOGS=${HOGS:-2}
MAKE=${MAKE:-make}

hogs=""
stop_hogs() {
	for pid in $hogs; do kill "$pid" 2>/dev/null || true; done
}
trap stop_hogs EXIT
trap 'exit 130' INT TERM

i=0
while [ "$i" -lt "$HOGS" ]; do
	sh -c 'while :; do :; done' &
	hogs="$hogs $!"
	i=$((i + 1))
done

echo "test-under-load: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $HOGS CPU-bound processes beside $RUNS runs of make test"
run=1
while [ "$run" -le "$RUNS" ]; do
	start=$(date +%s)
	if ! $MAKE --no-print-directory test; then
		echo "test-under-load: run $run of $RUNS FAILED after $(($(date +%s) - start)) s (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
		exit 1
	fi
	echo "test-under-load: run $run of $RUNS passed in $(($(date +%s) - start)) s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
	run=$((run + 1))
done

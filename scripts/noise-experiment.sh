#!/usr/bin/env bash
# The noise experiment: does a busy machine change what the reports say?
#
# Runs a spec (default specs/10k-flat.hcl) twice: once on the machine as it
# is (run it when the machine is otherwise idle), and once with a CPU hog
# occupying one core, started halfway through the run. Then
# `runner compare -verdicts` checks that the two runs reach the same
# verdicts: every difference either run names is named by the other,
# every ratio to the baseline moves by less than 15%, the A/A control
# shows ~ on every step of both runs, and the winners are the same. It
# ends with PASS or FAIL (exit status 0 or 1).
#
# By default each run is pinned (PIN=1: every reader process on a CPU of
# its own) and makes 100 runs of each cell (REPEAT=100): at the suite's
# own 10 a single-shot step's median (a 2 µs cold get, say) moves by more
# than 15% between two runs of identical code on a quiet machine, so the
# check would measure too few runs, not the hog. PIN=0 REPEAT= runs the
# suite as it stands.
#
#   scripts/noise-experiment.sh                 # or: make noise
#   PIN=0 REPEAT= scripts/noise-experiment.sh   # unpinned, the spec's repeat
#   SPEC=specs/1k-smoke.hcl OUT=/tmp/noise scripts/noise-experiment.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SPEC=${SPEC:-specs/10k-flat.hcl}
# PIN=1 runs each reader process on a CPU of its own (settings.pin, through
# the spec's variable "pin", which specs/10k-flat.hcl declares).
PIN=${PIN-1}
# REPEAT sets the runs of each cell (the spec's variable "repeat").
REPEAT=${REPEAT-100}
VARS=()
if [ "$PIN" = 1 ]; then VARS+=(-var pin=true); fi
if [ -n "$REPEAT" ]; then VARS+=(-var "repeat=$REPEAT"); fi
OUT=${OUT:-results/noise}
TOLERANCE=${TOLERANCE:-15%}
RUNNER=bin/runner

go build -buildvcs=auto -o "$RUNNER" ./runner # with its version and commit, as make build
"$RUNNER" gen "$SPEC" >/dev/null # the data first, so that neither run pays for it
mkdir -p "$OUT"

hog=""
stop_hog() {
	if [ -n "$hog" ]; then
		kill "$hog" 2>/dev/null || true
		wait "$hog" 2>/dev/null || true
		hog=""
	fi
}
trap stop_hog EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "== run 1 of 2: no hog (load average $(load), $(nproc) cores)"
start=$(date +%s%N)
"$RUNNER" apply "${VARS[@]}" -out "$OUT/idle" "$SPEC" >"$OUT/idle.log" 2>&1 || { tail -20 "$OUT/idle.log"; exit 1; }
took_ms=$((($(date +%s%N) - start) / 1000000))
half_ms=$((took_ms / 2))
echo "   took $((took_ms / 1000)) s"

echo "== run 2 of 2: a CPU hog on one core from $((half_ms / 1000)) s in (load average $(load))"
(
	sleep "$((half_ms / 1000)).$(printf '%03d' $((half_ms % 1000)))"
	exec sh -c 'while :; do :; done'
) &
hog=$!
start=$(date +%s%N)
"$RUNNER" apply "${VARS[@]}" -out "$OUT/hog" "$SPEC" >"$OUT/hog.log" 2>&1 || { tail -20 "$OUT/hog.log"; exit 1; }
stop_hog
echo "   took $((($(date +%s%N) - start) / 1000000000)) s"

echo
for run in idle hog; do
	echo "$run: $(grep -m1 '^- Machine:' "$OUT/$run/results.md" | sed 's/^- Machine: //')"
done
echo
echo "== the two runs' verdicts (runner compare -verdicts)"
set +e
"$RUNNER" compare -verdicts -tolerance "$TOLERANCE" -fail "$OUT/idle/results.json" "$OUT/hog/results.json" | tee "$OUT/verdicts.txt"
status=${PIPESTATUS[0]}
set -e
echo
echo "(full tables: $OUT/verdicts.txt; reports: $OUT/idle, $OUT/hog)"
exit "$status"

#!/usr/bin/env bash
# How much the machine's own costs drift over a few minutes, apart from
# runner (scripts/machine-drift.c): SAMPLES samples (default 24), one every
# PAUSE seconds (default 5), each on the CPU a pinned reader uses (the
# last), then each workload's range over the samples.
#
#   scripts/machine-drift.sh [FILE]      # or: make drift (FILE: bin/runner)
set -euo pipefail
cd "$(dirname "$0")/.."
FILE=${1:-bin/runner}
SAMPLES=${SAMPLES:-24}
PAUSE=${PAUSE:-5}
bin=bin/machine-drift
mkdir -p bin
cc -O2 -o "$bin" scripts/machine-drift.c
cpu=$(($(nproc) - 1))
echo "every $PAUSE s, $SAMPLES samples on CPU $cpu; each figure the median of 41 runs of: compute, an L1-resident loop;"
echo "walk, a read of a 10 MB buffer; fault, touching 8 MB of fresh memory; pread, 1 MB of $FILE from the page cache"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for i in $(seq 1 "$SAMPLES"); do
	line="$(date +%T) load $(cut -d' ' -f1 /proc/loadavg)  $(taskset -c "$cpu" "$bin" "$FILE")"
	echo "$line" | tee -a "$out"
	if [ "$i" -lt "$SAMPLES" ]; then sleep "$PAUSE"; fi
done
echo
awk '{for (i = 4; i <= NF; i += 3) {k = $i; v = $(i+1); if (!(k in lo) || v < lo[k]) lo[k] = v; if (!(k in hi) || v > hi[k]) hi[k] = v; if (!(k in seen)) {seen[k] = 1; order[++n] = k}}}
END {for (j = 1; j <= n; j++) {k = order[j]; printf "%-8s %.3f-%.3f ms: the largest median %.0f%% above the smallest\n", k, lo[k], hi[k], 100 * (hi[k] / lo[k] - 1)}}' "$out"

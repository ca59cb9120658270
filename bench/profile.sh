#!/usr/bin/env bash
# Where the hub's CPU goes at load: perf's samples of the server, with their stacks, over 25 s of the hold of
# `bench/run.sh sessions` on the audio socket.
#   bench/profile.sh OUTDIR [SESSIONS]        (1,000 sessions by default; root, and perf from apt's linux-perf)
# OUTDIR gets perf.data, the run's report and output, and `perf script`'s text of the samples (script.txt), the
# JIT's code named through the runtime's perf map. W^X is off for the run: with it on, the runtime maps its code
# twice and perf finds no name for it. MEMCG=2G first puts the server in a cgroup-v1 memory cgroup of that limit, as a
# container's memory limit would hold it (its page cache charged to it and reclaimed within it), and writes the
# cgroup's memory figures to memcg.txt. WARMUP and RAMP as bench/run.sh's.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" >&2; exit 2; }
out=$1 sessions=${2:-1000}
export WARMUP=${WARMUP:-120} RAMP=${RAMP:-20}
command -v perf > /dev/null || { echo "bench/profile.sh needs perf (apt install linux-perf)" >&2; exit 2; }
mkdir -p "$out"
RUNTIME_ENV="DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 ${RUNTIME_ENV:-}" MODE=socket DURATION=60 LABEL=profile \
  bench/run.sh sessions "$sessions" > "$out/run.txt" 2>&1 &
runner=$!
until curl -sf http://127.0.0.1:${PORT:-5090}/healthz > /dev/null 2>&1; do
  kill -0 "$runner" 2> /dev/null || { echo "the run ended before its server answered; see $out/run.txt" >&2; exit 1; }
  sleep 0.5
done
pid=$(pgrep -f "RoleplayHub.Backend.dll --urls http://127.0.0.1:${PORT:-5090}" | head -1)
cg=""
if [ -n "${MEMCG:-}" ]; then
  cg=/sys/fs/cgroup/memory/roleplayhub-bench
  mkdir -p "$cg" && echo "$MEMCG" > "$cg/memory.limit_in_bytes" && echo "$pid" > "$cg/cgroup.procs"
fi
sleep $((WARMUP + RAMP + 8)) # the warm-up, the measured run's ramp, and a few seconds into its hold
perf record -F 999 -g -p "$pid" -o "$out/perf.data" -- sleep 25 > "$out/perf.log" 2>&1
if [ -n "$cg" ]; then
  grep -E "^(cache|rss|dirty|writeback) " "$cg/memory.stat" > "$out/memcg.txt"
  echo "max_usage_in_bytes $(cat "$cg/memory.max_usage_in_bytes") failcnt $(cat "$cg/memory.failcnt")" >> "$out/memcg.txt"
fi
wait "$runner"
[ -z "$cg" ] || rmdir "$cg"
mv "bench/results/profile-$sessions-socket.txt" "$out/report.txt"
perf script -i "$out/perf.data" > "$out/script.txt" 2> /dev/null
echo "$out: perf.data, script.txt ($(grep -c '^\S' "$out/script.txt") samples), report.txt"

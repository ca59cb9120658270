#!/usr/bin/env bash
# Where the hub's CPU goes at load: perf's samples of the server, with their stacks, over 25 s of the hold of the
# audio-socket workload `bench/run.sh sessions` measures (the server started by bench/server.sh, as scripts/run.sh
# starts it, warmed up WARMUP s first).
#   bench/profile.sh OUTDIR [SESSIONS]        (1,000 sessions by default; root, and perf from apt's linux-perf)
# OUTDIR gets perf.data, the measured run's report (report.txt) and `perf script`'s text of the samples (script.txt),
# the JIT's code named through the runtime's perf map. W^X is off for the run: with it on, the runtime maps its code
# twice and perf finds no name for it. MEMCG=2G first puts the server in a cgroup-v1 memory cgroup of that limit, as a
# container's memory limit would hold it (its page cache charged to it and reclaimed within it), and writes the
# cgroup's memory figures to memcg.txt. WARMUP (120), RAMP (20) and DURATION (60) as bench/server.sh sets them; EXTRA
# (more load generator options, e.g. the web page's shape: "--protocol messagepack --ack-every 4").
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" >&2; exit 2; }
out=$1 sessions=${2:-1000}
command -v perf > /dev/null || { echo "bench/profile.sh needs perf (apt install linux-perf)" >&2; exit 2; }
mkdir -p "$out"
scripts/setup.sh runtime
dotnet build RoleplayHub.sln -c Release -v quiet -nologo > /dev/null
RUNTIME_ENV="DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 ${RUNTIME_ENV:-}"
source bench/server.sh
start_server latency-model "$out/server.log"

cg=""
if [ -n "${MEMCG:-}" ]; then
  cg=/sys/fs/cgroup/memory/roleplayhub-bench
  mkdir -p "$cg" && echo "$MEMCG" > "$cg/memory.limit_in_bytes" && echo "$server_pid" > "$cg/cgroup.procs"
fi
loadgen() { # $1 = duration, more options
  generator bench/RoleplayHub.Bench/bin/Release/net10.0/RoleplayHub.Bench.dll load --url "http://127.0.0.1:$PORT" \
    --sessions "$sessions" --duration "$1" --chunk-mode socket --jwt-secret "$KEY" --server-pid "$server_pid" ${EXTRA:-} "${@:2}"
}
loadgen "$WARMUP" --ramp $((WARMUP / 4)) > /dev/null
# perf starts a few seconds into the measured run's hold, timed from that run's own start.
{ sleep $((RAMP + 5)); perf record -F 999 -g -p "$server_pid" -o "$out/perf.data" -- sleep 25 > "$out/perf.log" 2>&1; } &
profiler=$!
{ loadgen "$DURATION" --ramp "$RAMP" && machine_note; } > "$out/report.txt"
wait "$profiler"
if [ -n "$cg" ]; then
  grep -E "^(cache|rss|dirty|writeback) " "$cg/memory.stat" > "$out/memcg.txt"
  echo "max_usage_in_bytes $(cat "$cg/memory.max_usage_in_bytes") failcnt $(cat "$cg/memory.failcnt")" >> "$out/memcg.txt"
fi
stop_server
[ -z "$cg" ] || rmdir "$cg"
perf script -i "$out/perf.data" > "$out/script.txt" 2> /dev/null
echo "$out: perf.data, script.txt ($(grep -c '^\S' "$out/script.txt") samples), report.txt"

#!/usr/bin/env bash
# Side by side with the system we replace: the Node/Socket.io baseline of ../shared/reference-bench and this hub, each
# on CPU 0, both driven by the reference load generator (on CPU 1) with the same workload.
#   bench/compare.sh [SESSIONS...]          (default: 200 1000)
# Env: REFERENCE_BENCH (../shared/reference-bench), DURATION (60), RAMP (20), WARMUP (45), PORT (5090), TUNING (1).
# Each server first runs the same workload for WARMUP seconds, unrecorded (both runtimes compile hot code lazily).
set -euo pipefail
cd "$(dirname "$0")/.."
reference=${REFERENCE_BENCH:-../shared/reference-bench}
[ -d "$reference/loadgen" ] || { echo "the reference bench is not at $reference (set REFERENCE_BENCH)" >&2; exit 1; }
DURATION=${DURATION:-60} RAMP=${RAMP:-20} WARMUP=${WARMUP:-45}
source bench/server.sh
[ $# -gt 0 ] || set -- 200 1000

work=$(mktemp -d)
cp -r "$reference/baseline" "$reference/loadgen" "$work/" # npm ci must not write into the shared copy
(cd "$work/baseline" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$work/loadgen" && npm ci --no-audit --no-fund --loglevel=error)
scripts/setup.sh runtime
dotnet build RoleplayHub.sln -c Release -v quiet -nologo > /dev/null
mkdir -p bench/results

# The reference load generator against $1 (socketio | signalr) at $2: first WARMUP s unrecorded, then the measured run.
reference_load() {
  local target=$1 url=$2 sessions=$3; shift 3
  taskset -c 1 node "$work/loadgen/loadgen.mjs" --target "$target" --url "$url" --sessions "$sessions" \
    --duration "$WARMUP" --ramp $((WARMUP / 4)) "$@" > /dev/null
  taskset -c 1 node "$work/loadgen/loadgen.mjs" --target "$target" --url "$url" --sessions "$sessions" \
    --duration "$DURATION" --ramp "$RAMP" "$@" --server-pid "$server_pid" | tee "bench/results/compare-$target-$sessions.txt"
}

for sessions in "$@"; do
  PORT=3101 taskset -c 0 node "$work/baseline/server.js" > "bench/results/compare-baseline-$sessions.log" 2>&1 &
  server_pid=$!
  until curl -sf http://127.0.0.1:3101/health > /dev/null; do sleep 0.2; done
  reference_load socketio http://127.0.0.1:3101 "$sessions" --jwt-secret baseline-secret
  stop_server

  start_server latency-model "bench/results/compare-roleplayhub-$sessions.log"
  reference_load signalr "http://127.0.0.1:$PORT" "$sessions" --jwt-secret "$KEY" --issuer roleplayhub --audience roleplayhub \
    --scenario procurement-price
  stop_server
done

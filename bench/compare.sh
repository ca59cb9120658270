#!/usr/bin/env bash
# Side by side with the system we replace: the Node/Socket.io baseline of ../shared/reference-bench and this hub, each
# on CPU 0, both driven by this project's load generator (on CPU 1) with the same workload: the reference over
# Socket.io 4 (Engine.IO v4 over a raw WebSocket, `--target socketio`), the hub in each shape of HUB_RUNS.
# (The reference's own Node load generator saturates its core near 1,000 sessions, so it cannot measure either server
# beyond that.)
#   bench/compare.sh [SESSIONS...]          (default: 1000 2000 3000)
# Env: REFERENCE_BENCH (../shared/reference-bench), DURATION (60), RAMP (20), WARMUP (120), PORT (5090),
#      HUB_RUNS (label=options, space-separated; default below: JSON and MessagePack invoking each chunk with an
#      audio-received per chunk, as the reference's clients do, and the web page's own shape over WebSockets: the
#      audio socket with an acknowledgement per 4 chunks, MessagePack on the hub), RUNTIME (product).
# Each server first runs the same workload for WARMUP seconds, unrecorded (both runtimes compile hot code lazily;
# bench/server.sh says why 120 s).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/server.sh
[ $# -gt 0 ] || set -- 1000 2000 3000

work=$(mktemp -d)
prepare_reference "$work"
scripts/setup.sh runtime
dotnet build RoleplayHub.sln -c Release -v quiet -nologo > /dev/null
mkdir -p bench/results

# The load generator against $1 (a URL) at $2 sessions, into report $3: first WARMUP s unrecorded, then the measured run.
measure() {
  local url=$1 sessions=$2 report=$3; shift 3
  generator bench/RoleplayHub.Bench/bin/Release/net10.0/RoleplayHub.Bench.dll load --url "$url" --sessions "$sessions" \
    --duration "$WARMUP" --ramp $((WARMUP / 4)) --jwt-secret "$KEY" "$@" > /dev/null
  generator bench/RoleplayHub.Bench/bin/Release/net10.0/RoleplayHub.Bench.dll load --url "$url" --sessions "$sessions" \
    --duration "$DURATION" --ramp "$RAMP" --jwt-secret "$KEY" --server-pid "$server_pid" "$@" | tee "bench/results/$report.txt"
  machine_note | tee -a "bench/results/$report.txt"
}

for sessions in "$@"; do
  PORT=3101 start_reference "$work" "bench/results/compare-baseline-$sessions.log"
  measure http://127.0.0.1:3101 "$sessions" "compare-socketio-$sessions" --target socketio
  stop_server

  for run in ${HUB_RUNS:-json=--protocol,json messagepack=--protocol,messagepack page=--protocol,messagepack,--chunk-mode,socket,--ack-every,4}; do
    start_server latency-model "bench/results/compare-roleplayhub-$sessions.log"
    IFS=, read -r -a options <<< "${run#*=}"
    measure "http://127.0.0.1:$PORT" "$sessions" "compare-signalr-${run%%=*}-$sessions" "${options[@]}"
    stop_server
  done
done

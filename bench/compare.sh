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
DURATION=${DURATION:-60} RAMP=${RAMP:-20} WARMUP=${WARMUP:-45} PORT=${PORT:-5090}
runtime=(DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION=512 DOTNET_TC_DelaySingleProcMultiplier=1) # as bench/run.sh
if [ "${TUNING:-1}" = 1 ]; then
  runtime+=(DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1)
fi
KEY=bench-signing-key-bench-signing-key-0123
[ $# -gt 0 ] || set -- 200 1000

work=$(mktemp -d)
cp -r "$reference/baseline" "$reference/loadgen" "$work/" # npm ci must not write into the shared copy
(cd "$work/baseline" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$work/loadgen" && npm ci --no-audit --no-fund --loglevel=error)
scripts/setup.sh runtime
dotnet build RoleplayHub.sln -c Release -v quiet -nologo > /dev/null
mkdir -p bench/results

server_pid=""
trap '[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true' EXIT
for sessions in "$@"; do
  PORT=3101 taskset -c 0 node "$work/baseline/server.js" > "bench/results/compare-baseline-$sessions.log" 2>&1 &
  server_pid=$!
  until curl -sf http://127.0.0.1:3101/health > /dev/null; do sleep 0.2; done
  taskset -c 1 node "$work/loadgen/loadgen.mjs" --target socketio --url http://127.0.0.1:3101 --sessions "$sessions" \
    --duration "$WARMUP" --ramp $((WARMUP / 4)) --jwt-secret baseline-secret > /dev/null
  taskset -c 1 node "$work/loadgen/loadgen.mjs" --target socketio --url http://127.0.0.1:3101 --sessions "$sessions" \
    --duration "$DURATION" --ramp "$RAMP" --jwt-secret baseline-secret --server-pid "$server_pid" \
    | tee "bench/results/compare-socketio-$sessions.txt"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true

  data=$(mktemp -d)
  env "${runtime[@]}" ASPNETCORE_ENVIRONMENT=Production Auth__SigningKey=$KEY DataDirectory="$data" Logging__LogLevel__Default=Warning \
    Sessions__SpeakOpeningLine=false Sessions__MaxSessions=20000 Hub__MaxConnections=20000 \
    Stt__Provider=latency-model Ai__Provider=latency-model Tts__Provider=latency-model \
    taskset -c 0 dotnet Backend/bin/Release/net10.0/RoleplayHub.Backend.dll --urls "http://127.0.0.1:$PORT" \
    > "bench/results/compare-roleplayhub-$sessions.log" 2>&1 &
  server_pid=$!
  until curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null; do sleep 0.2; done
  taskset -c 1 node "$work/loadgen/loadgen.mjs" --target signalr --url "http://127.0.0.1:$PORT" --sessions "$sessions" \
    --duration "$WARMUP" --ramp $((WARMUP / 4)) --jwt-secret $KEY --issuer roleplayhub --audience roleplayhub \
    --scenario procurement-price > /dev/null
  taskset -c 1 node "$work/loadgen/loadgen.mjs" --target signalr --url "http://127.0.0.1:$PORT" --sessions "$sessions" \
    --duration "$DURATION" --ramp "$RAMP" --jwt-secret $KEY --issuer roleplayhub --audience roleplayhub \
    --scenario procurement-price --server-pid "$server_pid" \
    | tee "bench/results/compare-signalr-$sessions.txt"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=""
done

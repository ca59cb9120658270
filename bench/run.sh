#!/usr/bin/env bash
# Load benchmarks of the hub (docs/benchmarks.md). The server under test runs on CPU 0, the load generator on CPU 1.
#
#   bench/run.sh short                      # < 3 min: 200 and 1,000 sessions, latency-model providers, prints the tables
#   bench/run.sh ramp                       # the full ramp 50 → 3,000 sessions (latency-model), ~20 min
#   bench/run.sh offline [SESSIONS...]      # the real offline stack (PocketSphinx, scripted engine, espeak-ng)
#   bench/run.sh sessions N [N...]          # chosen session counts (latency-model)
#
# Env: DURATION (s, 60), RAMP (s, 20), MODE (invoke|send|stream, invoke), PORT (5090), EXTRA (more loadgen options).
# Results (the printed tables) are written to bench/results/<name>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v taskset > /dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
scripts/setup.sh runtime
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build RoleplayHub.sln -c Release -v quiet -nologo > /dev/null

PORT=${PORT:-5090} DURATION=${DURATION:-60} RAMP=${RAMP:-20} MODE=${MODE:-invoke}
KEY=bench-signing-key-bench-signing-key-0123
server_pid=""
trap '[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true' EXIT

start_server() { # $1 = latency-model | offline
  local data; data=$(mktemp -d)
  local providers=()
  if [ "$1" = latency-model ]; then
    providers=(Stt__Provider=latency-model Ai__Provider=latency-model Tts__Provider=latency-model)
  fi
  env DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION=512 ASPNETCORE_ENVIRONMENT=Production Auth__SigningKey=$KEY DataDirectory="$data" Logging__LogLevel__Default=Warning \
    Sessions__SpeakOpeningLine=false Sessions__MaxSessions=20000 Hub__MaxConnections=20000 Stt__PocketSphinx__MaxDecoders=64 \
    "${providers[@]}" taskset -c 0 dotnet Backend/bin/Release/net10.0/RoleplayHub.Backend.dll --urls "http://127.0.0.1:$PORT" \
    > "bench/results/server-$1.log" 2>&1 &
  server_pid=$!
  until curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null; do sleep 0.2; done
}

stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

load() { # $1 = sessions, $2 = label
  taskset -c 1 dotnet bench/RoleplayHub.Bench/bin/Release/net10.0/RoleplayHub.Bench.dll load \
    --url "http://127.0.0.1:$PORT" --sessions "$1" --duration "$DURATION" --ramp "$RAMP" --chunk-mode "$MODE" \
    --jwt-secret $KEY --server-pid "$server_pid" ${EXTRA:-} | tee "bench/results/$2-$1-$MODE.txt"
}

run_latency_model() {
  for sessions in "$@"; do
    start_server latency-model
    load "$sessions" latency-model
    stop_server
  done
}

case "${1:-short}" in
  short) DURATION=${DURATION_SHORT:-60} RAMP=20 run_latency_model 200 1000 ;;
  ramp) run_latency_model 50 200 500 1000 2000 3000 ;;
  sessions) shift; run_latency_model "$@" ;;
  offline)
    shift
    for sessions in "${@:-2 4 8}"; do
      start_server offline
      EXTRA="--audio /usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav ${EXTRA:-}" load "$sessions" offline
      stop_server
    done ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac

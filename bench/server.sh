# Sourced by bench/run.sh and bench/compare.sh: the hub as a server under test, pinned to CPU 0.
#
# Its runtime settings (docs/benchmarks.md, "Runtime settings"). Always: 512 arrays per shared-pool partition, and
# tier-up without the 10× call-counting delay .NET applies on one CPU (otherwise a run needs ~2 min of warm-up before
# the JIT stops taking a fifth of the core). TUNING=1 (default) adds what suits a one-core node: no spinning before a
# pool thread sleeps, and socket completions run inline on the epoll thread.
runtime=(DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION=512 DOTNET_TC_DelaySingleProcMultiplier=1)
if [ "${TUNING:-1}" = 1 ]; then
  runtime+=(DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1)
fi
KEY=bench-signing-key-bench-signing-key-0123
PORT=${PORT:-5090}
server_pid=""
trap '[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true; [ -z "${fake_pid:-}" ] || kill "$fake_pid" 2>/dev/null || true' EXIT

# $1 = latency-model | offline | realtime, $2 = log file. Returns once /healthz answers; the pid is in $server_pid.
# SERVER_ROOT: the checkout whose Release build is started (default this one; bench/run.sh latency's "before").
# SERVER_ENV (an array): more settings, e.g. the realtime profile bench/run.sh realtime points at its fake vendor.
start_server() {
  local data; data=$(mktemp -d)
  local providers=()
  if [ "$1" = latency-model ]; then
    providers=(Stt__Provider=latency-model Ai__Provider=latency-model Tts__Provider=latency-model)
  fi
  env "${runtime[@]}" ASPNETCORE_ENVIRONMENT=Production Auth__SigningKey=$KEY DataDirectory="$data" Logging__LogLevel__Default=Warning \
    Sessions__SpeakOpeningLine=false Sessions__MaxSessions=20000 Hub__MaxConnections=20000 Stt__PocketSphinx__MaxDecoders=64 \
    "${providers[@]}" ${SERVER_ENV[@]+"${SERVER_ENV[@]}"} taskset -c 0 dotnet "${SERVER_ROOT:-.}/Backend/bin/Release/net10.0/RoleplayHub.Backend.dll" --urls "http://127.0.0.1:$PORT" \
    > "$2" 2>&1 &
  server_pid=$!
  until curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null; do sleep 0.2; done
}

stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

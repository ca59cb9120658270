# Sourced by bench/run.sh, bench/compare.sh, bench/pair.sh and bench/profile.sh: the hub as a server under test,
# pinned to CPU 0, started as scripts/run.sh starts it: its environment (Development), its content root (Backend/, so
# appsettings.json and its log levels apply, as under `dotnet run --project Backend`) and its runtime settings
# (scripts/runtime-env.sh, which sees the one CPU it is pinned to), with the workload's providers, signing key and
# capacity limits on top.
# SERVER_CPUS (0) pins it elsewhere: "0,1" measures a two-core node (the load generator still shares core 1 with it).
# RUNTIME=defaults runs the server on the runtime's own defaults instead (docs/benchmarks.md, "Runtime settings");
# RUNTIME_ENV (space-separated) adds runtime settings to either, e.g. RUNTIME_ENV="DOTNET_gcServer=0".
KEY=bench-signing-key-bench-signing-key-0123
PORT=${PORT:-5090}
# Every measured run's schedule: WARMUP s of the same workload unrecorded (its ramp a quarter of it), then a RAMP s ramp
# and DURATION s in all. The warm-up outlasts a trainee's second drill (8 turns of about 6 s each), so the code of a
# drill's end, the trend's read of an earlier report included, is compiled before the measured hold: with 45 s the
# first drills ended in the hold, with 75 s the second ones (docs/benchmarks.md, "A warm hold").
DURATION=${DURATION:-60} RAMP=${RAMP:-20} WARMUP=${WARMUP:-120}
server_pid=""
trap '[ -z "$server_pid" ] || { kill "$server_pid"; wait "$server_pid"; } 2>/dev/null || true; [ -z "${fake_pid:-}" ] || kill "$fake_pid" 2>/dev/null || true; drop_data_disk' EXIT

# The server's data directory (its databases, recordings and avatar clips) on a file system of its own: a fresh ext4
# in a sparse image on a loop device, made as this machine's disk is (no journal) and removed when the server stops.
# A server creates a file or two a turn, and what creating one costs depends on the disk's past, not on the server:
# on this machine's long-used root file system it cost several times what it costs on a fresh one, most of all
# after another run's files had just been deleted (the kernel will not reuse a deleted inode for minutes), and the
# runs' figures moved with it (docs/benchmarks.md, "The disk under the data directory"). DATA_DISK=tmp, or not root,
# runs on a plain temporary directory instead; machine_note ends each report with which it was.
data_dir="" data_image="" data_device="" data_disk=""
make_data_disk() {
  data_dir=$(mktemp -d)
  if [ "${DATA_DISK:-loop}" = loop ] && [ "$(id -u)" = 0 ] && command -v mkfs.ext4 > /dev/null; then
    local avail_kb; avail_kb=$(df -Pk "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $4 }')
    data_image=$(mktemp --suffix=.ext4)
    # The loop device reads and writes its image directly (O_DIRECT). Through the page cache every page written is
    # cached twice and flushed in bursts, and at 2,000 sessions the chunks' acknowledgements waited behind them.
    if truncate -s $(((avail_kb - 2 * 1024 * 1024) / 1024))M "$data_image" && mkfs.ext4 -q -F -O ^has_journal "$data_image" \
        && data_device=$(losetup --direct-io=on --find --show "$data_image") && mount -o noinit_itable "$data_device" "$data_dir"; then
      data_disk="a fresh ext4 on a loop device"
      return
    fi
    [ -z "$data_device" ] || losetup -d "$data_device"
    rm -f "$data_image"; data_image="" data_device=""
  fi
  data_disk="$data_dir on $(df --output=fstype "$data_dir" | tail -1)"
}
# machine_note ends each report with where the server's data was and what the machine does with the memory it frees:
# a VM that gives it back to its host (free page reporting) makes every page used again cost a fault in the host
# (bench/keep-memory.sh, which pauses that for a run).
machine_note() {
  [ -z "$data_disk" ] || printf '\nThe server'"'"'s data directory: %s.\n' "$data_disk"
  local order
  if ! order=$(cat /sys/module/page_reporting/parameters/page_reporting_order 2>/dev/null); then
    echo "The machine's memory: no free page reporting."
  elif [ "$order" -gt 10 ]; then # bench/keep-memory.sh sets it above the allocator's largest block (order 10)
    echo "The machine's memory: kept (free page reporting paused by bench/keep-memory.sh, free memory touched first)."
  else
    echo "The machine's memory: free blocks of $((4 << order)) KB go back to its host (free page reporting)."
  fi
}
drop_data_disk() {
  [ -n "$data_dir" ] || return 0
  if [ -n "$data_image" ]; then umount "$data_dir" && losetup -d "$data_device" && rm -f "$data_image"; fi
  rm -rf "$data_dir"; data_dir="" data_image="" data_device="" data_disk=""
}

# $1 = latency-model | offline | realtime, $2 = log file. Returns once /healthz (READY_PATH: another path, e.g.
# readyz) answers; the pid is in $server_pid.
# SERVER_ROOT: the checkout whose Release build is started (default this one; bench/run.sh latency's "before").
# SERVER_ENV (an array): more settings, e.g. the realtime profile bench/run.sh realtime points at its fake vendor.
# The node's own limits are lifted (its session count, and its refusal of new sessions over Sessions:AdmissionCpu): the
# runs measure what a load costs. ADMISSION=product keeps the CPU refusal as shipped (bench/run.sh overload, shared).
start_server() {
  make_data_disk
  local providers=()
  if [ "$1" = latency-model ]; then
    providers=(Stt__Provider=latency-model Ai__Provider=latency-model Tts__Provider=latency-model)
  fi
  local settings=". scripts/runtime-env.sh;"
  [ "${RUNTIME:-product}" = defaults ] && settings=""
  local admission=(Sessions__AdmissionCpu=0)
  [ "${ADMISSION:-lifted}" = product ] && admission=()
  env ${RUNTIME_ENV:-} ASPNETCORE_ENVIRONMENT=Development Auth__SigningKey=$KEY DataDirectory="$data_dir" \
    Sessions__MaxSessions=20000 Hub__MaxConnections=20000 Stt__PocketSphinx__MaxDecoders=64 ${admission[@]+"${admission[@]}"} \
    "${providers[@]}" ${SERVER_ENV[@]+"${SERVER_ENV[@]}"} taskset -c "${SERVER_CPUS:-0}" sh -c "$settings exec dotnet \"\$0\" --urls \"\$1\" --contentRoot \"\$2\"" \
    "${SERVER_ROOT:-.}/Backend/bin/Release/net10.0/RoleplayHub.Backend.dll" "http://127.0.0.1:$PORT" "$(cd "${SERVER_ROOT:-.}/Backend" && pwd)" > "$2" 2>&1 &
  server_pid=$!
  await_up "http://127.0.0.1:$PORT/${READY_PATH:-healthz}" "$2" "the server"
}

# Returns once $1 answers; fails, naming $3 and showing the end of its log $2, if the process $server_pid has exited.
await_up() { # $1 = URL, $2 = log file, $3 = what is starting
  until curl -sf "$1" > /dev/null; do
    kill -0 "$server_pid" 2>/dev/null || { echo "$3 did not start: $2" >&2; tail -5 "$2" >&2; server_pid=""; return 1; }
    sleep 0.05
  done
}

# The load generator on LOADGEN_CPUS (1) with the runtime settings scripts/runtime-env.sh gives a one-CPU process: without
# them its idle pool threads spin (sched_yield) and its socket completions hop threads, which showed as send lag while
# its CPU was low. LOADGEN_RUNTIME=defaults: the runtime's own settings; LOADGEN_ENV (space-separated) adds settings.
generator() {
  local settings=". scripts/runtime-env.sh &&"
  [ "${LOADGEN_RUNTIME:-product}" = defaults ] && settings=""
  env ${LOADGEN_ENV:-} taskset -c "${LOADGEN_CPUS:-1}" sh -c "$settings exec dotnet \"\$@\"" generator "$@"
}

# The Node/Socket.io reference (REFERENCE_BENCH, ../shared/reference-bench) as the server under test.
# prepare_reference DIR: a copy of it in DIR with its packages (npm ci must not write into the shared copy).
# start_reference DIR LOG: that copy started on $PORT, pinned as the hub is, with the hub's signing key (it verifies the
# same HS256 tokens) and REFERENCE_ENV's settings; returns once it answers, the pid in $server_pid.
prepare_reference() {
  local reference=${REFERENCE_BENCH:-../shared/reference-bench}
  [ -d "$reference/baseline" ] || { echo "the reference bench is not at $reference (set REFERENCE_BENCH)" >&2; return 1; }
  cp -r "$reference/baseline" "$1/"
  (cd "$1/baseline" && npm ci --no-audit --no-fund --loglevel=error)
}
start_reference() {
  env ${REFERENCE_ENV:-} PORT="$PORT" BASELINE_JWT_SECRET=$KEY taskset -c "${SERVER_CPUS:-0}" node "$1/baseline/server.js" > "$2" 2>&1 &
  server_pid=$!
  await_up "http://127.0.0.1:$PORT/health" "$2" "the reference"
}

stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; drop_data_disk; }

#!/usr/bin/env bash
# Load benchmarks of the hub (docs/benchmarks.md). The server under test runs on CPU 0, the load generator on CPU 1.
#
#   bench/run.sh short                      # < 3 min: 200 and 1,000 sessions, latency-model providers, prints the tables
#   bench/run.sh ramp                       # the full ramp 50 → 3,000 sessions (latency-model), ~20 min
#   bench/run.sh offline [SESSIONS...]      # the real offline stack (PocketSphinx, scripted engine, espeak-ng)
#   bench/run.sh sessions N [N...]          # chosen session counts (latency-model)
#   bench/run.sh overload [SESSIONS] [CPUS] # a node given less CPU than its load needs (a cgroup quota, 0.5 CPU): 2,500
#                                           # sessions with the node's CPU admission lifted, then as shipped, in turns
#                                           # (ROUNDS, 1); each report ends with the sessions it carried and refused
#   bench/run.sh shared [SESSIONS]          # a node whose core another process wants whole (a busy loop beside it on its
#                                           # CPU), the node in a cgroup-v2 group of its own: 2,500 sessions with its
#                                           # admission lifted, then as shipped, in turns (ROUNDS, 1); each report ends with
#                                           # the node's wait for its CPU and the sessions it carried and refused
#   bench/run.sh floor [SESSIONS...]        # the floor under the audio socket's workload (1,000): the bench's floor server
#                                           # (bare Kestrel acknowledging each chunk, no hub, no sessions), then the hub on
#                                           # the audio socket, in turns (ROUNDS, 1) (floor-*.txt, floor-hub-*.txt)
#   bench/run.sh first-minute [SESSIONS]    # a node's first minute: a fresh server, 1,000 trainees at once, no warm-up;
#                                           # time to /readyz and the node's CPU from its start (first-minute-*.txt)
#   bench/run.sh resample [--rounds N]      # no server: our resampler vs NAudio's, ~2 min (bench/results/resample.txt)
#   bench/run.sh recorder [--rounds N]      # no server: recording an utterance, the current recorder vs the previous one (recorder.txt)
#   bench/run.sh finals [--rounds N]        # no server: PocketSphinx's last partial vs its final, per decoder setting (finals.txt)
#   bench/run.sh vad [--rounds N]           # no server: the voice detectors on the test clips padded with silence and noise (vad.txt)
#   bench/run.sh latency [latency-model] [SESSIONS...]  # end of speech → first avatar audio, server VAD against the page's commit
#                                           # (offline stack at 2 and 4 sessions, or latency-model providers at 50; latency-*.txt)
#   bench/run.sh realtime [SESSIONS...]     # the server's own overhead per realtime turn against a fake vendor in its own
#                                           # process on CPU 1 (1, 10 and 50 sessions; VENDORS "openai qwen"; realtime.txt)
#   bench/run.sh crash [TRIALS] [latency-model|offline] [SESSIONS]
#                                           # SIGKILL under load and restart, TRIALS times (100, latency-model, 20 trainees):
#                                           # the history against what the trainees saw (crash-<providers>.txt);
#                                           # SIGNAL=term: the graceful stop instead (shutdown-<providers>.txt);
#                                           # KILL_MIN, KILL_MAX (s, 3 and 20): when the signal comes
#   bench/run.sh llm [SESSIONS]             # a model that streams its reply token by token (the chat fake, Fakes/Chat, on
#                                           # CPU 1): ai-response-delta one per token (Ai:DeltaInterval 0) against gathered
#                                           # (the default), 1,000 sessions (llm-<interval>-<sessions>-<mode>.txt)
#   bench/run.sh soak [SESSIONS] [MINUTES]  # 500 latency-model sessions for 60 min: heap, RSS, thread-pool queue and GC
#                                           # over time (soak.txt, soak.json, docs/images/soak.png)
#
# Env: DURATION (s, 60), RAMP (s, 20), WARMUP (s, 120), MODE (invoke|send|stream|socket, invoke), PORT (5090),
#      EXTRA (more loadgen options), LABEL (report name for `sessions`, latency-model), RUNTIME (product: scripts/runtime-env.sh as scripts/run.sh applies it; defaults: the runtime's own), RUNTIME_ENV (more runtime settings, space-separated).
#      latency: DURATION_LATENCY (s, 120), WARMUP_LATENCY (s, 30), MODES ("after before"), BEFORE_COMMIT (3c70b94),
#      BEFORE_ROOT (a build of it, made when missing; "." runs "before" against this checkout's server).
#      realtime: VENDORS ("openai qwen"), DURATION_REALTIME (s, 60), WARMUP_REALTIME (s, 20), FAKE_PORT (5611).
# Results (the printed tables) are written to bench/results/<name>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v taskset > /dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ "${1:-}" = crash ]; then # correctness, not speed: no pinning; the trial starts and kills the service itself
  scripts/setup.sh runtime
  dotnet build RoleplayHub.sln -c Release -v quiet -nologo > /dev/null
  providers=${3:-latency-model} signal=${SIGNAL:-kill}
  # The trials restart the service many times: they run copies of the builds, so a rebuild meanwhile changes nothing.
  copy=$(mktemp -d)
  cp -r Backend/bin/Release/net10.0 "$copy/service"
  cp -r bench/RoleplayHub.Bench/bin/Release/net10.0 "$copy/bench"
  { echo "Commit $(git describe --always --dirty)."; echo
    dotnet "$copy/bench/RoleplayHub.Bench.dll" crash --server-dll "$copy/service/RoleplayHub.Backend.dll" --trials "${2:-100}" --providers "$providers" \
      --sessions "${4:-20}" --kill-after-min "${KILL_MIN:-3}" --kill-after-max "${KILL_MAX:-20}" --signal "$signal" --port "${CRASH_PORT:-5095}"; } | tee "bench/results/$([ "$signal" = term ] && echo shutdown || echo crash)-$providers.txt"
  exit "${PIPESTATUS[0]}"
fi

case "${1:-}" in resample|recorder|vad|finals) # in-process comparisons: no server; each takes turns between what it compares
  dotnet build bench/RoleplayHub.Bench -c Release -v quiet -nologo > /dev/null
  { echo "Commit $(git describe --always --dirty)."; echo
    dotnet bench/RoleplayHub.Bench/bin/Release/net10.0/RoleplayHub.Bench.dll "$@"; } | tee "bench/results/$1.txt"
  exit ;;
esac

scripts/setup.sh runtime
dotnet build RoleplayHub.sln -c Release -v quiet -nologo > /dev/null

MODE=${MODE:-invoke}
source bench/server.sh

loadgen() { # $1 = sessions, $2 = duration, more options
  local sessions=$1 duration=$2; shift 2
  generator bench/RoleplayHub.Bench/bin/Release/net10.0/RoleplayHub.Bench.dll load \
    --url "http://127.0.0.1:$PORT" --sessions "$sessions" --duration "$duration" --chunk-mode "$MODE" \
    --jwt-secret $KEY --server-pid "$server_pid" ${EXTRA:-} "$@"
}

# The same workload, unrecorded, so the measured run sees a server whose JIT has tiered up (its report prints the
# JIT's share of the hold, which says whether it was warm; bench/server.sh says why 120 s).
warm_up() { # $1 = sessions
  [ "$WARMUP" -gt 0 ] || return 0
  echo "warm-up: $1 sessions for $WARMUP s"
  loadgen "$1" "$WARMUP" --ramp $((WARMUP / 4)) > /dev/null
}

load() { # $1 = sessions, $2 = label
  { loadgen "$1" "$DURATION" --ramp "$RAMP" && machine_note; } | tee "bench/results/$2-$1-$MODE.txt"
}

run_latency_model() {
  for sessions in "$@"; do
    start_server latency-model bench/results/server-latency-model.log
    warm_up "$sessions"
    load "$sessions" "${LABEL:-latency-model}"
    stop_server
  done
}

# The floor server (bench/RoleplayHub.Bench/Floor) on CPU 0 as the hub runs there (scripts/runtime-env.sh), its
# pid in $server_pid; returns once it answers.
start_floor() { # $1 = log file
  taskset -c "${SERVER_CPUS:-0}" sh -c ". scripts/runtime-env.sh; exec dotnet \"\$0\" floor-server --urls \"\$1\"" \
    bench/RoleplayHub.Bench/bin/Release/net10.0/RoleplayHub.Bench.dll "http://127.0.0.1:$PORT" > "$1" 2>&1 &
  server_pid=$!
  await_up "http://127.0.0.1:$PORT/healthz" "$1" "the floor server"
}

# What the kernel, Kestrel and WebSocket framing cost a chunk on this machine, beside what the hub costs in the same
# workload: the floor server's trainees stream as the hub's do on the audio socket (an utterance, then a pause of
# FLOOR_PAUSE s, 2.2, about what the hub's trainees wait for the reply and then pause), ROUNDS times in turns.
floor_runs() { # $@ = session counts
  local sessions round floor="--target floor --pause ${FLOOR_PAUSE:-2.2} ${EXTRA:-}"
  for sessions in "$@"; do
    for round in $(seq "${ROUNDS:-1}"); do
      start_floor bench/results/server-floor.log
      EXTRA="$floor" warm_up "$sessions"
      EXTRA="$floor" loadgen "$sessions" "$DURATION" --ramp "$RAMP" | tee "bench/results/${LABEL:-floor}-$sessions-r$round.txt"
      stop_server
      MODE=socket LABEL="${LABEL:-floor}-hub-r$round" run_latency_model "$sessions"
    done
  done
}

# A node's first minute: a fresh server, $1 trainees at once with no warm-up (the JIT's work measured with it), how
# long the node took to answer /readyz, and the CPU it spent from its start to the run's end.
first_minute() { # $1 = sessions
  local hz ready_ms ready_cpu; hz=$(getconf CLK_TCK)
  cpu_ms() { awk -v hz="$hz" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$server_pid/stat"; }
  READY_PATH=readyz start_server latency-model bench/results/server-first-minute.log
  # From the process's own start (field 22 of its stat, clock ticks since boot), not from the data disk's making.
  ready_ms=$(awk -v hz="$hz" -v up="$(cut -d' ' -f1 /proc/uptime)" '{ printf "%d", up * 1000 - $22 * 1000 / hz }' \
    "/proc/$server_pid/stat")
  ready_cpu=$(cpu_ms)
  { loadgen "$1" "$DURATION" --ramp "$RAMP"
    echo "node's first minute: ready (/readyz) $ready_ms ms after its start, $ready_cpu ms of CPU by then;" \
      "$(cpu_ms) ms of CPU from its start to the run's end ${RUNTIME_ENV:+(runtime settings added: $RUNTIME_ENV)}"
    machine_note; } | tee "bench/results/${LABEL:-first-minute}-$1-$MODE.txt"
  stop_server
}

# A node given less CPU than its load needs: the server under a CPU quota of $2 CPUs (a cgroup of its own, made
# here: v2's cpu.max, or v1's cpu controller; root only), $1 sessions; with its admission of new sessions lifted, then
# as shipped (Sessions:AdmissionCpu), ROUNDS times. The load generator's trainees try a refused start again after 1,
# 2, 4… up to 16 s. The quota's period is the kernel's default, 100 ms, as a container's.
overload() { # $1 = sessions, $2 = CPUs
  local cg quota_us; quota_us=$(awk -v c="$2" 'BEGIN { printf "%d", c * 100000 }')
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    cg=/sys/fs/cgroup/roleplayhub-bench
    grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control || echo +cpu > /sys/fs/cgroup/cgroup.subtree_control
    mkdir -p "$cg" && echo "$quota_us 100000" > "$cg/cpu.max"
  elif [ -d /sys/fs/cgroup/cpu ]; then
    cg=/sys/fs/cgroup/cpu/roleplayhub-bench
    mkdir -p "$cg" && echo 100000 > "$cg/cpu.cfs_period_us" && echo "$quota_us" > "$cg/cpu.cfs_quota_us"
  else
    echo "overload needs a cgroup CPU controller (root, /sys/fs/cgroup)" >&2; return 1
  fi
  for round in $(seq "${ROUNDS:-1}"); do
    for admission in lifted product; do
      ADMISSION=$admission start_server latency-model "bench/results/server-overload-$admission.log"
      echo "$server_pid" > "$cg/cgroup.procs" # every thread of it, from here on under the quota
      warm_up "$1"
      { loadgen "$1" "$DURATION" --ramp "$RAMP"
        echo "node: a CPU quota of $2 CPUs (cgroup $cg, period 100 ms); admission of new sessions $admission" \
          "$([ "$admission" = product ] && echo "(as shipped: Sessions:AdmissionCpu)" || echo "(Sessions:AdmissionCpu=0)")"
        machine_note; } | tee "bench/results/${LABEL:-overload}-$1-$admission-$round.txt"
      stop_server
    done
  done
  rmdir "$cg" 2>/dev/null || true
}

# A node whose core is shared: the server in a cgroup-v2 group of its own (as a container, a systemd service or a pod
# is; its CPU pressure is the group's), a busy loop on its CPU (a neighbour that wants the whole core), $1 sessions;
# with its admission of new sessions lifted, then as shipped (Sessions:AdmissionCpu), ROUNDS times. Each report ends
# with the share of the measured run in which the node had work and no CPU ran it (its group's cpu.pressure "full",
# the node's cpuWait). NEIGHBOUR_NICE (0): the busy loop's nice value (19: a neighbour that yields). Root only, on a
# host with a cgroup-v2 hierarchy (hybrid hosts mount it at /sys/fs/cgroup/unified); no CPU controller is needed.
shared() { # $1 = sessions
  local mount cg neighbour t0 t1 w0 w1
  mount=$(findmnt -n -t cgroup2 -o TARGET | head -1)
  [ -n "$mount" ] || { echo "shared needs a cgroup-v2 hierarchy (root)" >&2; return 1; }
  cg=$mount/roleplayhub-bench-shared
  mkdir -p "$cg"
  full_us() { awk '/^full/ { sub("total=", "", $5); print $5 }' "$cg/cpu.pressure"; }
  for round in $(seq "${ROUNDS:-1}"); do
    for admission in lifted product; do
      ADMISSION=$admission start_server latency-model "bench/results/server-shared-$admission.log"
      echo "$server_pid" > "$cg/cgroup.procs" # every thread of it, from here on
      taskset -c "${SERVER_CPUS:-0}" nice -n "${NEIGHBOUR_NICE:-0}" sh -c 'while :; do :; done' & neighbour=$!
      warm_up "$1"
      t0=$(date +%s.%N) w0=$(full_us)
      { loadgen "$1" "$DURATION" --ramp "$RAMP"
        t1=$(date +%s.%N) w1=$(full_us)
        echo "node: in cgroup $cg beside a busy loop (nice ${NEIGHBOUR_NICE:-0}) on CPU ${SERVER_CPUS:-0}; had work and no CPU" \
          "$(awk -v a="$w0" -v b="$w1" -v s="$t0" -v e="$t1" 'BEGIN { printf "%.1f %%", (b - a) / 1e6 / (e - s) * 100 }')" \
          "of the measured run; admission of new sessions $admission" \
          "$([ "$admission" = product ] && echo "(as shipped: Sessions:AdmissionCpu)" || echo "(Sessions:AdmissionCpu=0)")"
        machine_note; } | tee "bench/results/${LABEL:-shared}-$1-$admission-$round.txt"
      kill "$neighbour"
      stop_server
    done
  done
  rmdir "$cg" 2>/dev/null || true
}

# The server before server VAD and streamed replies, built once in its own directory (git archive: no worktree).
before_server() {
  BEFORE_COMMIT=${BEFORE_COMMIT:-3c70b94}
  BEFORE_ROOT=${BEFORE_ROOT:-${TMPDIR:-/tmp}/roleplayhub-before-$BEFORE_COMMIT}
  [ "$BEFORE_ROOT" = . ] && return
  if [ ! -f "$BEFORE_ROOT/Backend/bin/Release/net10.0/RoleplayHub.Backend.dll" ]; then
    echo "building the before server ($BEFORE_COMMIT) in $BEFORE_ROOT"
    mkdir -p "$BEFORE_ROOT"
    git archive "$BEFORE_COMMIT" | tar -x -C "$BEFORE_ROOT"
    (cd "$BEFORE_ROOT" && scripts/setup.sh runtime && dotnet build Backend -c Release -v quiet -nologo > /dev/null)
  fi
}

latency_gen() { # $1 = mode, $2 = sessions, $3 = duration, $4 = stack
  generator bench/RoleplayHub.Bench/bin/Release/net10.0/RoleplayHub.Bench.dll latency \
    --url "http://127.0.0.1:$PORT" --mode "$1" --sessions "$2" --duration "$3" --stack "$4" \
    --jwt-secret $KEY --server-pid "$server_pid" ${EXTRA:-} 2>> bench/results/latency-generator.log
}

# Per session count, "after" (this server, server VAD) and "before" (the before server, the page's commit), each on a
# fresh, warmed-up server; then the summary rows of all of them in one table.
run_latency() { # $1 = offline | latency-model, then session counts
  local stack=$1; shift
  local label=offline; [ "$stack" = offline ] || label=modelled # not latency-model-*.txt: the load runs' names
  local modes=${MODES:-after before} duration=${DURATION_LATENCY:-120} warmup=${WARMUP_LATENCY:-30}
  local commit; commit=$(git describe --always --dirty)
  local before="this commit's server"
  if [[ " $modes " == *" before "* ]]; then
    before_server
    [ "$BEFORE_ROOT" = . ] || before="the server at $BEFORE_COMMIT"
  fi
  local files=()
  for sessions in "$@"; do
    for mode in $modes; do
      local root=. note="Commit $commit."
      if [ "$mode" = before ] && [ "$BEFORE_ROOT" != . ]; then
        root=$BEFORE_ROOT note="Commit $commit (the load generator); the server under test: $BEFORE_COMMIT ($BEFORE_ROOT)."
      fi
      SERVER_ROOT=$root start_server "$stack" "bench/results/server-latency-$label-$sessions-$mode.log"
      if [ "$warmup" -gt 0 ]; then
        echo "warm-up: $mode, $sessions sessions for $warmup s"
        latency_gen "$mode" "$sessions" "$warmup" "$stack" > /dev/null
      fi
      local file=bench/results/latency-$label-$sessions-$mode.txt
      { echo "$note"; echo; latency_gen "$mode" "$sessions" "$duration" "$stack"; } | tee "$file"
      files+=("$file")
      stop_server
    done
  done
  { echo "Commit $commit: bench/run.sh latency $stack $*, $duration s per run after $warmup s of warm-up; \"before\" against $before."
    echo
    grep -h -m1 -A1 '^| mode | sessions' "${files[0]}"
    grep -h '^| \(after\|before\) |' "${files[@]}"; } | tee "bench/results/latency-$label.txt"
}

# The fake vendor as a process of its own next to the load generator (CPU 1), so the server's core is the server's;
# its settings for the profile "fake" are what it prints.
start_fake() { # $1 = vendor, $2 = log file
  taskset -c 1 dotnet Fakes/bin/Release/net10.0/RoleplayHub.Fakes.dll realtime --vendor "$1" --port "${FAKE_PORT:-5611}" --key bench-fake-key > "$2" 2>&1 &
  fake_pid=$!
  until grep -q listening "$2"; do sleep 0.2; kill -0 "$fake_pid" || { cat "$2" >&2; exit 1; }; done
  mapfile -t SERVER_ENV < <(grep -o 'Realtime__Profiles__fake__[A-Za-z]*=.*' "$2")
}

stop_fake() { kill "$fake_pid"; wait "$fake_pid" 2>/dev/null || true; fake_pid=""; SERVER_ENV=(); }

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime, in 1/100 s

# Per vendor and session count: a fresh fake and server, a warm-up, then the measured run; the realtime rows of all
# runs in one table.
run_realtime() { # session counts
  local duration=${DURATION_REALTIME:-60} warmup=${WARMUP_REALTIME:-20} commit; commit=$(git describe --always --dirty)
  local files=()
  for vendor in ${VENDORS:-openai qwen}; do
    for sessions in "$@"; do
      start_fake "$vendor" "bench/results/fake-realtime-$vendor.log"
      start_server realtime "bench/results/server-realtime-$vendor-$sessions.log"
      if [ "$warmup" -gt 0 ]; then
        echo "warm-up: $vendor, $sessions sessions for $warmup s"
        EXTRA="--engine realtime:fake --turn-detection server-vad ${EXTRA:-}" latency_gen after "$sessions" "$warmup" "$vendor-fake" > /dev/null
      fi
      local file=bench/results/realtime-$vendor-$sessions.txt fake_from; fake_from=$(cpu_ticks "$fake_pid")
      local started=$SECONDS
      { echo "Commit $commit."; echo
        generator bench/RoleplayHub.Bench/bin/Release/net10.0/RoleplayHub.Bench.dll latency \
          --url "http://127.0.0.1:$PORT" --mode after --turn-detection server-vad --sessions "$sessions" --duration "$duration" \
          --engine realtime:fake --stack "$vendor-fake" --jwt-secret $KEY --server-pid "$server_pid" ${EXTRA:-} 2>> bench/results/latency-generator.log
        echo "fake vendor (CPU 1, beside the generator): CPU $(( ($(cpu_ticks "$fake_pid") - fake_from) / (SECONDS - started > 0 ? SECONDS - started : 1) )) % of one core over the run"
      } | tee "$file"
      files+=("$file")
      stop_server
      stop_fake
    done
  done
  { echo "Commit $commit: bench/run.sh realtime $*, $duration s per run after $warmup s of warm-up; vendors: ${VENDORS:-openai qwen} (fakes, speed 1, first audio after 300 ms)."
    echo
    grep -h -m1 -A1 '^| engine | sessions' "${files[0]}"
    grep -h '^| realtime:' "${files[@]}"
    echo
    grep -h '^| mode | sessions' -m1 -A1 "${files[0]}"
    grep -h '^| after |' "${files[@]}"; } | tee bench/results/realtime.txt
}

case "${1:-short}" in
  short) # one server, warmed once at the larger load: ~2.5 min
    WARMUP=${WARMUP_SHORT:-40} DURATION=${DURATION_SHORT:-40} RAMP=10
    start_server latency-model bench/results/server-latency-model.log
    warm_up 1000
    load 200 latency-model
    load 1000 latency-model
    stop_server ;;
  ramp) run_latency_model 50 200 500 1000 2000 3000 ;;
  sessions) shift; run_latency_model "$@" ;;
  first-minute) first_minute "${2:-1000}" ;;
  floor) shift; floor_runs "${@:-1000}" ;;
  overload) overload "${2:-2500}" "${3:-0.5}" ;;
  shared) shared "${2:-2500}" ;;
  offline)
    shift
    recording="--audio /usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav"
    for sessions in "${@:-2 4 8}"; do
      start_server offline bench/results/server-offline.log
      WARMUP=${WARMUP_OFFLINE:-30} EXTRA="$recording ${EXTRA:-}" warm_up "$sessions"
      EXTRA="$recording ${EXTRA:-}" load "$sessions" offline
      stop_server
    done ;;
  latency)
    shift
    stack=offline
    if [ "${1:-}" = latency-model ]; then stack=latency-model; shift; fi
    if [ $# -eq 0 ]; then
      if [ $stack = offline ]; then set -- 2 4; else set -- 50; fi
    fi
    run_latency "$stack" "$@" ;;
  realtime)
    shift
    [ $# -gt 0 ] || set -- 1 10 50
    run_realtime "$@" ;;
  llm)
    sessions=${2:-1000}
    taskset -c 1 dotnet Fakes/bin/Release/net10.0/RoleplayHub.Fakes.dll chat --port "${FAKE_PORT:-5612}" > bench/results/fake-chat.log 2>&1 &
    fake_pid=$!
    until grep -q listening bench/results/fake-chat.log; do sleep 0.2; kill -0 "$fake_pid" || { cat bench/results/fake-chat.log >&2; exit 1; }; done
    for interval in ${INTERVALS:-00:00:00 00:00:00.100}; do
      # The model answers every reply (the language model's coaching is left out: the fake streams replies only).
      SERVER_ENV=(Ai__Provider=openai "Ai__OpenAi__BaseUrl=http://127.0.0.1:${FAKE_PORT:-5612}/v1" Ai__OpenAi__ApiKey=fake-key
        Ai__OpenAi__Model=fake-model "Ai__DeltaInterval=$interval" Coaching__UseLlm=false)
      start_server latency-model "bench/results/server-llm-$interval.log"
      warm_up "$sessions"
      load "$sessions" "llm-${interval//[:.]/}"
      stop_server
    done
    stop_fake ;;
  soak) # the builds are copied first: a rebuild of the checkout during the hour changes nothing under test
    sessions=${2:-500} minutes=${3:-60}
    SERVER_ROOT=$(mktemp -d); mkdir -p "$SERVER_ROOT/Backend/bin/Release" "$SERVER_ROOT/bench"
    cp -r Backend/bin/Release/net10.0 "$SERVER_ROOT/Backend/bin/Release/"
    cp -r bench/RoleplayHub.Bench/bin/Release/net10.0 "$SERVER_ROOT/bench/"
    SERVER_ENV=(Sessions__MaxSessions=5000 Hub__MaxConnections=10000)
    start_server latency-model bench/results/server-soak.log
    generator "$SERVER_ROOT/bench/net10.0/RoleplayHub.Bench.dll" load --url "http://127.0.0.1:$PORT" --sessions "$sessions" \
      --duration $((minutes * 60)) --ramp 60 --chunk-mode "$MODE" --jwt-secret $KEY --server-pid "$server_pid" \
      --live-heap-every 60 --out bench/results/soak.json | tee bench/results/soak.txt
    stop_server
    dotnet bench/RoleplayHub.Bench/bin/Release/net10.0/RoleplayHub.Bench.dll soak-plot --in bench/results/soak.json \
      --png docs/images/soak.png | tee -a bench/results/soak.txt ;;
  *) sed -n '2,/^# Results/p' "$0"; exit 2 ;;
esac

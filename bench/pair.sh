#!/usr/bin/env bash
# Two servers measured at the same time: two builds, one build with a setting on one side, or the Node reference
# against the hub. Each server is pinned to CPU 0 with the same workload and driven by a load generator of its own on
# CPU 1. Both meet the same moment of this machine (its neighbours, its clock, its caches), so the ratio of their CPU
# per chunk moves far less from round to round than one build's CPU per chunk does between runs made one after the
# other (docs/benchmarks.md, "Two servers at once"). Only that ratio is a figure: a server sharing its core with
# another measures more CPU per chunk than alone, and latencies that are neither's.
#   bench/pair.sh SESSIONS ROUNDS A B
#     A, B: a checkout with a Release build ("." is this one), or "reference": the Node/Socket.io system we replace,
#     driven as bench/compare.sh drives it. ROUNDS even: the sides change slots every round, and that cancels.
# Env: DURATION (60), RAMP (20), WARMUP (120), MODE (socket), EXTRA (more options for the hub's generators),
#      A_ENV, B_ENV (settings for each side's server, space-separated), A_EXTRA, B_EXTRA (more options for one side's
#      generator, e.g. B_EXTRA="--ack-every 4"), OUT (bench/results/pair-<A>-<B>),
#      REFERENCE_BENCH (../shared/reference-bench).
# Each round writes <OUT>/a-<round>.txt and b-<round>.txt (the generators' reports) and prints a line, with a run
# that broke the generator's validity rule (INVALID) or whose server was still compiling (the report's "not warm yet":
# NOT WARM) named under it; the last line is the mean ratio B / A and its range.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 4 ] || { awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" >&2; exit 2; }
sessions=$1 rounds=$2 a_root=$3 b_root=$4
for root in "$a_root" "$b_root"; do
  [ "$root" = . ] || [ "$root" = reference ] || [ -f "$root/Backend/bin/Release/net10.0/RoleplayHub.Backend.dll" ] \
    || { echo "no Release build in $root (dotnet build RoleplayHub.sln -c Release there)" >&2; exit 2; }
done
# The schedule's defaults are bench/server.sh's (it says why the warm-up is 120 s); its top level prints them before
# either side has sourced it.
export DURATION=${DURATION:-60} RAMP=${RAMP:-20} WARMUP=${WARMUP:-120} MODE=${MODE:-socket}
scripts/setup.sh runtime
dotnet build RoleplayHub.sln -c Release -v quiet -nologo > /dev/null
# The compiler's and MSBuild's servers would otherwise stay beside the first round.
dotnet build-server shutdown > /dev/null 2>&1 || true
name() { case $1 in reference) echo reference ;; *) git -C "$1" describe --always --dirty ;; esac; }
out=${OUT:-bench/results/pair-$(name "$a_root")-$(name "$b_root")}
mkdir -p "$out"
sync=$(mktemp -d)
trap 'rm -rf "$sync"' EXIT
if [ "$a_root" = reference ] || [ "$b_root" = reference ]; then
  (source bench/server.sh && prepare_reference "$sync")
fi

# Waits until both sides have reached step $1, or gives up if the other side failed.
both() {
  touch "$sync/$side-$1"
  until [ -e "$sync/a-$1" ] && [ -e "$sync/b-$1" ]; do [ ! -e "$sync/failed" ] || exit 1; sleep 0.2; done
}

# One side of a round: $1 = a | b, $2 = its root, $3 = its slot (1 | 2), $4 = its runtime settings, $5 = the round,
# $6 = its generator's own options.
# The slot is the port, and whether the server starts at once or 3 s later (two data disks made at once could race
# for one loop device); A and B change slots every round, so what a slot gives its server cancels over an even number
# of rounds (one build against itself measured cheaper in the later-started slot; docs/benchmarks.md).
run_side() (
  side=$1 SERVER_ROOT=$2 PORT=$((5089 + $3)) RUNTIME_ENV=$4 REFERENCE_ENV=$4 round=$5 own=$6
  trap 'touch "$sync/failed"' ERR
  source bench/server.sh
  [ "$3" = 1 ] || sleep 3
  local target=(--chunk-mode "$MODE" ${EXTRA:-} $own)
  loadgen() {
    generator bench/RoleplayHub.Bench/bin/Release/net10.0/RoleplayHub.Bench.dll load --url "http://127.0.0.1:$PORT" \
      --sessions "$sessions" --jwt-secret "$KEY" --server-pid "$server_pid" "${target[@]}" "$@"
  }
  local log="$out/server-$side-$round.log"
  if [ "$SERVER_ROOT" = reference ]; then
    target=(--target socketio $own)
    start_reference "$sync" "$log"
  else
    start_server latency-model "$log"
  fi
  both "started-$round"
  loadgen --duration "$WARMUP" --ramp $((WARMUP / 4)) > /dev/null
  both "warm-$round"
  { loadgen --duration "$DURATION" --ramp "$RAMP" && machine_note; } > "$out/$side-$round.txt"
  stop_server
)

cpu_per_chunk() { grep -o '[0-9.]* CPU-ms per chunk' "$1" | tail -1 | cut -d' ' -f1; }
lag() { grep -o 'in the hold [0-9.]* /' "$1" | grep -o '[0-9.]*'; }
{ echo "Commits: A $(name "$a_root") ${A_ENV:-} ${A_EXTRA:-}, B $(name "$b_root") ${B_ENV:-} ${B_EXTRA:-}; $sessions sessions each, $MODE, both servers on CPU 0; warm-up $WARMUP s."
  echo "| round | A CPU-ms per chunk | B CPU-ms per chunk | B / A | generators' send lag p99 in hold (ms) |"
  echo "|---:|---:|---:|---:|---:|"; } | tee "$out/summary.md"
ratios=()
for round in $(seq 1 "$rounds"); do
  run_side a "$a_root" $((2 - round % 2)) "${A_ENV:-}" "$round" "${A_EXTRA:-}" & a_pid=$!
  run_side b "$b_root" $((1 + round % 2)) "${B_ENV:-}" "$round" "${B_EXTRA:-}" & b_pid=$!
  failed=0; wait "$a_pid" || failed=1; wait "$b_pid" || failed=1
  [ "$failed" = 0 ] || { echo "round $round failed: see $out/server-[ab]-$round.log" >&2; exit 1; }
  a=$(cpu_per_chunk "$out/a-$round.txt") b=$(cpu_per_chunk "$out/b-$round.txt")
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')
  ratios+=("$ratio")
  echo "| $round | $a | $b | $ratio | $(lag "$out/a-$round.txt"), $(lag "$out/b-$round.txt") |" | tee -a "$out/summary.md"
  grep -l INVALID "$out/a-$round.txt" "$out/b-$round.txt" 2>/dev/null | sed 's/^/INVALID: /' | tee -a "$out/summary.md" || true
  grep -l "not warm yet" "$out/a-$round.txt" "$out/b-$round.txt" 2>/dev/null | sed 's/^/NOT WARM: /' | tee -a "$out/summary.md" || true
done
printf '%s\n' "${ratios[@]}" | awk '{ s += $1; if (NR == 1 || $1 < lo) lo = $1; if (NR == 1 || $1 > hi) hi = $1 }
  END { printf "\nB / A over %d rounds: mean %.3f, range %.3f–%.3f\n", NR, s / NR, lo, hi }' | tee -a "$out/summary.md"

# The .NET runtime settings RoleplayHub ships with (docs/benchmarks.md, "Runtime settings"). Sourced (POSIX sh) by
# scripts/run.sh, the Docker image's entry point and bench/server.sh, so what runs is what was measured. They are
# environment variables of the process: the runtime reads them before any configuration file. A value already in the
# environment wins.
#
# Always:
#   - 512 arrays per shared-pool partition: SignalR's per-connection pipes rent from the shared array pool, whose
#     default 32 arrays per core miss under a few hundred streaming sessions, and every miss is a fresh array.
#   - no 10x tier-up delay on one CPU: otherwise a one-core node spends a fifth of its core in the JIT for its first
#     minutes under load. Nothing changes on more CPUs, where the multiplier does not apply.
# On a node with one or two CPUs (its affinity mask and its cgroup quota, or DOTNET_PROCESSOR_COUNT, as the runtime
# counts them):
#   - pool threads sleep at once instead of spinning: on one core a spinning thread only delays the one with work, and
#     on two the spinning was a quarter of the node's CPU per chunk, for no shorter acknowledgement;
#   - socket completions run on the epoll thread (one per CPU then) instead of waking a pool thread.
#   Above two CPUs both stay at the runtime's defaults: not measured here (a machine of two cores, one of them driving
#   the load).
cpus=$(nproc 2>/dev/null || echo 1)
if [ -r /sys/fs/cgroup/cpu.max ]; then
  read -r quota period < /sys/fs/cgroup/cpu.max || true
  if [ "${quota:-max}" != max ] && [ "${period:-0}" -gt 0 ]; then
    limit=$(( (quota + period - 1) / period ))
    [ "$limit" -lt "$cpus" ] && cpus=$limit
  fi
fi
case "${DOTNET_PROCESSOR_COUNT:-}" in ''|*[!0-9]*) ;; *) cpus=$DOTNET_PROCESSOR_COUNT ;; esac # the runtime's own override
export DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION="${DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION:-512}"
export DOTNET_TC_DelaySingleProcMultiplier="${DOTNET_TC_DelaySingleProcMultiplier:-1}"
if [ "$cpus" -le 2 ]; then
  export DOTNET_ThreadPool_UnfairSemaphoreSpinLimit="${DOTNET_ThreadPool_UnfairSemaphoreSpinLimit:-0}"
  export DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS="${DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS:-1}"
fi
unset cpus quota period limit

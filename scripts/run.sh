#!/usr/bin/env bash
# Runs RoleplayHub on its embedded defaults — offline speech, scripted personas, local media, dev tokens —
# at http://localhost:5080 (URLS=... to change). Installs the speech engines first if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh runtime
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# SignalR's per-connection pipes rent from the shared array pool; its default 32 arrays per core miss under a few
# hundred streaming sessions and every miss is a fresh array (docs/benchmarks.md: 15.6 → 10.0 KB allocated per chunk).
export DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION="${DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION:-512}"
exec dotnet run --project Backend -c Release --no-launch-profile --urls "${URLS:-http://localhost:5080}"

#!/usr/bin/env bash
# Runs RoleplayHub on its embedded defaults — offline speech, scripted personas, local media, dev tokens —
# at http://localhost:5080 (URLS=... to change). Installs the speech engines first if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh runtime
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The runtime settings the product ships with, for the CPUs this process may use (docs/benchmarks.md).
. scripts/runtime-env.sh
exec dotnet run --project Backend -c Release --no-launch-profile --urls "${URLS:-http://localhost:5080}"

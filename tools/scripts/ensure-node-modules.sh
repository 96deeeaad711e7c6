#!/usr/bin/env bash
# Installs the workspace's npm dependencies when they are missing or older than package-lock.json.
# node-pty is built from source here (python3, make and g++ must be present; see ensure-system-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
stamp=node_modules/.vth-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f node_modules/node-pty/build/Release/pty.node ]; then
  exit 0
fi
echo "vth: installing npm dependencies (npm ci)..." >&2
npm ci --no-audit --no-fund >&2
echo "$want" >"$stamp"

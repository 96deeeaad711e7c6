#!/usr/bin/env bash
# `npm run soak -- [--minutes 30] [--sessions 24] [--idle 16] [--backends tmux,node-pty,remote,container]`: a bounded
# soak (see soak/soak.mjs). Not part of `npm test`. Builds first; uses Docker when it is there.
# `npm run soak -- --burst [--sessions 200] [--commands 50] [--backends tmux,node-pty]`: many commands in flight
# at once instead (soak/burst.mjs).
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false
bash tools/scripts/ensure-node-modules.sh
npx nx run-many -t build --outputStyle=static >&2
if [ "${1:-}" = "--burst" ]; then
  shift
  exec node soak/burst.mjs "$@"
fi
exec node --expose-gc soak/soak.mjs "$@"

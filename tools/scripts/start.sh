#!/usr/bin/env bash
# `npm start`: installs and builds what is missing, then runs `vth shell` on the default backend (node-pty).
# Install and build chatter goes to stderr so stdout carries only what the commands print; the build shows
# its progress there on a terminal only.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false
bash tools/scripts/ensure-node-modules.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# On a terminal the first build (a minute or more) shows which task runs; in a pipe it stays quiet.
if ! npx nx run @vth/reference-app:build --outputStyle=static 2>&1 | bash tools/scripts/build-progress.sh "$log"; then
  cat "$log" >&2
  echo "vth: the build failed (see above)" >&2
  exit 1
fi
rm -f "$log"
trap - EXIT
exec node apps/reference-app/dist/cli.js shell "$@"

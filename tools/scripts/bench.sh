#!/usr/bin/env bash
# `npm run bench`: builds, then runs every benchmark in bench/ (each prints ratios against a raw baseline
# measured in the same run). Not part of `npm test`: timings belong here, not in tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false
bash tools/scripts/ensure-node-modules.sh
npx nx run-many -t build --outputStyle=static >&2
for b in bench/*.bench.mjs; do
  printf '\n# %s\n' "$b"
  node "$b"
done

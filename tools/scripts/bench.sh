#!/usr/bin/env bash
# `npm run bench`: builds, then runs every benchmark in bench/ (each prints ratios against a raw baseline
# measured in the same run). Not part of `npm test`: timings belong here, not in tests.
#   npm run bench -- --report            also writes bench/report/ (HTML + markdown + SVG charts) from this run
#   npm run bench -- node-pty server     only these benchmarks (bench/<name>.bench.mjs)
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false
report=false
names=()
for arg in "$@"; do
  case "$arg" in
    --report) report=true ;;
    -*) echo "bench: unknown option $arg (known: --report)" >&2; exit 2 ;;
    *) names+=("$arg") ;;
  esac
done
files=()
if [ ${#names[@]} -eq 0 ]; then
  files=(bench/*.bench.mjs)
else
  for n in "${names[@]}"; do
    [ -f "bench/$n.bench.mjs" ] || { echo "bench: no bench/$n.bench.mjs" >&2; exit 2; }
    files+=("bench/$n.bench.mjs")
  done
fi
bash tools/scripts/ensure-node-modules.sh
npx nx run-many -t build --outputStyle=static >&2
if $report; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  export VTH_BENCH_RECORD="$work/records.jsonl"
  mkdir -p "$work/logs"
  : >"$VTH_BENCH_RECORD"
fi
status=0
for b in "${files[@]}"; do
  printf '\n# %s\n' "$b"
  if $report; then
    name=$(basename "$b" .bench.mjs)
    node "$b" 2>&1 | tee "$work/logs/$name.log" || status=1
  else
    node "$b" || status=1
  fi
done
if $report; then
  # A short soak for the report's memory-over-time charts (`npm run soak` runs longer ones).
  printf '\n# soak/soak.mjs (1 minute, for the report)\n'
  node --expose-gc soak/soak.mjs --minutes "${VTH_REPORT_SOAK_MINUTES:-1}" 2>&1 | tee "$work/logs/soak.log" || status=1
  node tools/scripts/bench-report.mjs "$VTH_BENCH_RECORD" "$work/logs"
fi
exit $status

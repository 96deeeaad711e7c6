#!/usr/bin/env bash
# The one conformance suite under each runner, in turn. Arguments are ignored on purpose: `npm test` passes
# `--coverage` to every project, and these runs prove the adapters; they measure no package's coverage.
set -euo pipefail
cd "$(dirname "$0")"
npx jest -c jest.runner.cjs
npx vitest run --config vitest.config.mts
node --test src/node-test.test.cjs

#!/usr/bin/env bash
# The one test command: installs the Debian packages the tests need where they are missing,
# installs the npm dependencies, then runs the format check, the import-cycle check, lint,
# typecheck and every test.
# `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh

if [ "${PENGUINCAST_SKIP_NPM_CI:-0}" != "1" ]; then
  npm ci --no-audit --no-fund
fi

export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
results="$(pwd)/.test-results"
rm -rf "$results"
mkdir -p "$results"
export PENGUINCAST_TEST_RESULTS="$results"

npx prettier --check .
bash scripts/check-cycles.sh
npx turbo run lint typecheck --output-logs=errors-only
set +e
npx turbo run test --concurrency=1 --output-logs=full
status=$?
set -e
node scripts/test-summary.mjs "$results"
exit $status

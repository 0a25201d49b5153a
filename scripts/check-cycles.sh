#!/usr/bin/env bash
# The import-cycle check (`npm run check:cycles`): fails when source files of libs/, services/ or
# penguincast/ import each other in a circle, type-only imports included. It first proves that it
# can fail at all: the fixture in scripts/cycle-fixture holds a deliberate cycle that must be found.
set -euo pipefail
cd "$(dirname "$0")/.."

config=.dependency-cruiser.cjs
if npx depcruise --config "$config" --output-type err scripts/cycle-fixture >/dev/null 2>&1; then
  echo "check-cycles: the deliberate cycle in scripts/cycle-fixture was not found; the check is broken" >&2
  exit 1
fi
npx depcruise --config "$config" --output-type err libs services penguincast

#!/usr/bin/env bash
# Runs every workspace package's tests through turbo, then prints the summed totals from each
# package's vitest JSON report as the last line ("N passed, N failed").
set -uo pipefail
cd "$(dirname "$0")/../.."
find . -name test-results.json -not -path '*/node_modules/*' -delete
export PATH="$PWD/node_modules/.bin:$PATH"
turbo run test --continue --output-logs=new-only "$@"
status=$?
node tools/scripts/test-summary.mjs || status=1
exit $status

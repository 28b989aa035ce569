#!/usr/bin/env bash
# Runs every workspace package's tests through turbo, then prints the summed totals from each
# package's vitest JSON report as the last line ("N passed, N failed").
set -uo pipefail
cd "$(dirname "$0")/../.."
find . -name test-results.json -not -path '*/node_modules/*' -delete
export PATH="$PWD/node_modules/.bin:$PATH"
# Two packages at a time: the simulator tests compare simulated times, and ten concurrent suites on a 2-core
# machine let wall-dependent host delays into them.
turbo run test --concurrency=2 --continue --output-logs=new-only "$@"
status=$?
node tools/scripts/test-summary.mjs || status=1
exit $status

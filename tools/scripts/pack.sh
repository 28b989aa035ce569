#!/usr/bin/env bash
# `npm run pack`: builds the workspace and packs the publishable `ispkit` package (packages/ispkit: the CLI bundled
# with every workspace package, the programmer hex, the udev rule) into ispkit-<version>.tgz at the repository root
# (or in <dest-dir>). Install it anywhere with Node >= 20 alone: `npm install -g ./ispkit-<version>.tgz`.
#   tools/scripts/pack.sh [--no-build] [<dest-dir>]    (--no-build: the workspace is already built, as under turbo)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=1
if [ "${1:-}" = "--no-build" ]; then build=0; shift; fi
dest="$(realpath "${1:-$PWD}")"
export PATH="$PWD/node_modules/.bin:$PATH"
if ((build)); then
  bash tools/scripts/setup.sh >/dev/null
  turbo run build --filter=ispkit... --output-logs=errors-only >/dev/null
fi
pnpm --filter ispkit pack --pack-destination "$dest" | tail -n 1

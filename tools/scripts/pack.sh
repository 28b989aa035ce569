#!/usr/bin/env bash
# `npm run pack`: builds the workspace and packs the publishable `ispkit` package (packages/ispkit: the CLI bundled
# with every workspace package, the programmer hex, the udev rule) into ispkit-<version>.tgz at the repository root
# (or in <dest-dir>). Install it anywhere with Node >= 20 alone: `npm install -g ./ispkit-<version>.tgz`.
#   tools/scripts/pack.sh [--no-build] [<dest-dir>]    (--no-build: the workspace is already built, as under turbo)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=1
if [ "${1:-}" = "--no-build" ]; then build=0; shift; fi
mkdir -p "${1:-$PWD}"
dest="$(realpath "${1:-$PWD}")"
export PATH="$PWD/node_modules/.bin:$PATH"
if ((build)); then
  bash tools/scripts/setup.sh >/dev/null
  turbo run build --filter=ispkit... --output-logs=errors-only >/dev/null
fi
# The release manifest is the package's without what only builds it here (scripts, and devDependencies on workspace
# packages that are bundled into dist/ and never published): staged with the files it lists, packed by npm.
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
node -e '
  const fs = require("node:fs"), path = require("node:path");
  const [src, out] = process.argv.slice(1);
  const pkg = JSON.parse(fs.readFileSync(path.join(src, "package.json"), "utf8"));
  delete pkg.scripts;
  delete pkg.devDependencies;
  fs.writeFileSync(path.join(out, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  for (const f of pkg.files) fs.cpSync(path.join(src, f), path.join(out, f), { recursive: true });
' packages/ispkit "$stage"
(cd "$stage" && npm pack --silent --pack-destination "$dest") | tail -n 1

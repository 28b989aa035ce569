#!/usr/bin/env bash
# One idempotent setup step shared by `npm run demo` and `npm test`:
#   1. installs the Debian packages the toolchain and simulator need (only the missing ones),
#   2. provides the pinned pnpm (through npx; corepack cannot verify recent pnpm signatures on Node 20),
#   3. installs the workspace from the lockfile and builds everything through turbo (cached on re-runs).
set -euo pipefail
cd "$(dirname "$0")/../.."

PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"
APT_PACKAGES=(gcc-avr avr-libc binutils-avr simavr libsimavr-dev avrdude libelf-dev pkg-config)
# The stock ArduinoISP baseline (benchmark and compatibility tests) is built from Debian's Arduino packages.
APT_PACKAGES+=(arduino-core-avr arduino arduino-mk)
# The web page's tests drive Debian's Chromium (through playwright-core, which never downloads a browser).
APT_PACKAGES+=(chromium)

say() { printf 'setup: %s\n' "$*" >&2; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null 2>&1; then
    say "apt-get not found: install these packages with your system's package manager, then re-run: ${missing[*]}"
    exit 1
  fi
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
      say "need root to install: ${missing[*]} (no sudo found); install them as root and re-run"
      exit 1
    fi
  fi
  say "installing Debian packages: ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$(pnpm --version 2>/dev/null || true)" = "$PNPM_VERSION" ]; then
  PNPM=(pnpm)
else
  PNPM=(npx --yes "pnpm@$PNPM_VERSION")
fi

export CI="${CI:-}"
# turbo sends no telemetry (the machines reach package registries only) and prints no notice about it.
export TURBO_TELEMETRY_DISABLED=1
"${PNPM[@]}" install --frozen-lockfile --prefer-offline --reporter=silent
# turbo runs each package's script through pnpm: the pinned one the workspace installed must be on PATH
# (a fresh machine that got pnpm through npx has none of its own).
export PATH="$PWD/node_modules/.bin:$PATH"
turbo run build --output-logs=errors-only

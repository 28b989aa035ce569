#!/usr/bin/env bash
# Builds stock ArduinoISP (the example sketch shipped by Debian's `arduino` package) for the Arduino Leonardo
# (ATmega32U4, 16 MHz, native USB CDC from Debian's `arduino-core-avr`) with arduino-mk, as the baseline peer
# for the simavr harness and the benchmark. Nothing of the sketch or the core is copied into the repository:
# the sketch is copied into a gitignored build directory and built there.
#
# Usage: tools/scripts/build-arduinoisp.sh [out-dir]    (default: tools/simharness/build/arduinoisp)
# Prints the absolute path of the built .hex on stdout. Idempotent: rebuilds only when the inputs changed.
set -euo pipefail
cd "$(dirname "$0")/../.."

SKETCH=/usr/share/doc/arduino/examples/11.ArduinoISP/ArduinoISP/ArduinoISP.ino
ARDUINO_DIR=/usr/share/arduino
ARDMK=/usr/share/arduino/Arduino.mk
OUT="${1:-tools/simharness/build/arduinoisp}"

fail() { printf 'build-arduinoisp: %s\n' "$*" >&2; exit 1; }
[ -f "$SKETCH" ] || fail "missing $SKETCH: install Debian's 'arduino' package (apt-get install arduino)"
[ -d "$ARDUINO_DIR/hardware/arduino/avr/cores/arduino" ] || fail "missing the Arduino AVR core: apt-get install arduino-core-avr"
[ -f "$ARDMK" ] || fail "missing $ARDMK: apt-get install arduino-mk"
command -v avr-gcc >/dev/null || fail "avr-gcc not found: apt-get install gcc-avr avr-libc"

mkdir -p "$OUT/ArduinoISP"
OUT="$(cd "$OUT" && pwd)"
SRC="$OUT/ArduinoISP"
# arduino-mk compiles a .ino as plain C++, without the Arduino IDE's generated prototypes, so do that step here:
# a .cpp that includes Arduino.h, declares every top-level function of the sketch, then the sketch itself.
{
  printf '#include <Arduino.h>\n'
  grep -E '^[A-Za-z_][A-Za-z0-9_ *]*[ *][A-Za-z_][A-Za-z0-9_]*\([^;]*\)[[:space:]]*\{' "$SKETCH" | sed -E 's/[[:space:]]*\{.*$/;/'
  printf '#line 1 "%s"\n' "$SKETCH"
  cat "$SKETCH"
} > "$SRC/ArduinoISP.cpp.new"
cmp -s "$SRC/ArduinoISP.cpp.new" "$SRC/ArduinoISP.cpp" && rm "$SRC/ArduinoISP.cpp.new" || mv "$SRC/ArduinoISP.cpp.new" "$SRC/ArduinoISP.cpp"
rm -f "$SRC/ArduinoISP.ino"
cat > "$SRC/Makefile.new" <<MK
ARDUINO_DIR = $ARDUINO_DIR
ARDMK_DIR = /usr/share/arduino
AVR_TOOLS_DIR = /usr
BOARD_TAG = leonardo
ARDUINO_LIBS = SPI
# Debian's avr-gcc 5.4 float.h defines DECIMAL_DIG only for C99, which the 1.8 core's WString.cpp needs in C++.
CXXFLAGS_STD = -std=gnu++11 -fno-threadsafe-statics -DDECIMAL_DIG=__DECIMAL_DIG__
CFLAGS_STD = -std=gnu11
OBJDIR = $OUT/obj
TARGET = ArduinoISP
include $ARDMK
MK
cmp -s "$SRC/Makefile.new" "$SRC/Makefile" && rm "$SRC/Makefile.new" || mv "$SRC/Makefile.new" "$SRC/Makefile"

if ! make -C "$SRC" -s >"$OUT/build.log" 2>&1; then
  tail -n 20 "$OUT/build.log" >&2
  fail "arduino-mk build failed (full log: $OUT/build.log)"
fi
HEX="$OUT/obj/ArduinoISP.hex"
[ -f "$HEX" ] || fail "build finished but $HEX is missing (log: $OUT/build.log)"
printf '%s\n' "$HEX"

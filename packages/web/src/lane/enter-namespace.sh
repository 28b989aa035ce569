#!/usr/bin/env bash
# Runs a command (the browser test suite, the bench row) where real Chromium's navigator.serial and navigator.hid
# can reach the simulator: a private mount and network namespace in which
#   - /sys/class/tty, /sys/class/hidraw and /sys/devices/virtual/misc are empty tmpfs, so the lane can describe its ptys
#     as USB serial ports and hidraw devices (src/lane/fake-devices.ts writes the entries),
#   - /proc/tty/drivers is a copy that also lists /dev/pts as a `serial` driver (Chromium keeps only those),
#   - /run is a tmpfs holding the made-up udev database (/run/udev/data) and /run/udev/control, so libudev
#     listens on the udev netlink group where src/lane/uevent.py announces plug and unplug,
#   - /etc/chromium is a tmpfs where the lane writes the managed policy that grants the page's origin its ports,
#   - loopback is up and nothing else is reachable.
# Nothing of this is visible outside the namespace, and it all disappears with the command.
# Needs root (or a kernel and util-linux that allow it); on failure it says so and exits 2.
set -euo pipefail

if [ "${ISPKIT_WEB_LANE:-}" != namespace ]; then
  if ! command -v unshare >/dev/null 2>&1; then
    echo "web lane: unshare (util-linux) not found: the real-browser lane needs it" >&2
    exit 2
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "web lane: the real-browser lane needs root to make a private mount namespace (run npm test as root, e.g. in a container)" >&2
    exit 2
  fi
  export ISPKIT_WEB_LANE=namespace
  exec unshare --mount --net --propagation private -- bash "$0" "$@"
fi

ip link set lo up
mount -t tmpfs -o mode=0755 ispkit-tty /sys/class/tty
mount -t tmpfs -o mode=0755 ispkit-hidraw /sys/class/hidraw
# The hidraw devices' parent `hid` devices live here (sysfs allows no new directory, so a tmpfs hides an existing one).
mount -t tmpfs -o mode=0755 ispkit-devices /sys/devices/virtual/misc

mount -t tmpfs -o mode=0755 ispkit-run /run
mkdir -p /run/udev/data /run/ispkit-lane
touch /run/udev/control
cp /proc/tty/drivers /run/ispkit-lane/tty-drivers
echo 'ispkit_lane          /dev/pts      136 0-1048575 serial' >>/run/ispkit-lane/tty-drivers
mount --bind /run/ispkit-lane/tty-drivers /proc/tty/drivers

if [ -d /etc/chromium ]; then
  cp -a /etc/chromium/. /run/ispkit-lane/etc-chromium/ 2>/dev/null || { mkdir -p /run/ispkit-lane/etc-chromium && cp -a /etc/chromium/. /run/ispkit-lane/etc-chromium/; }
  mount -t tmpfs -o mode=0755 ispkit-chromium /etc/chromium
  cp -a /run/ispkit-lane/etc-chromium/. /etc/chromium/
else
  echo "web lane: /etc/chromium not found: install Debian's chromium (tools/scripts/setup.sh does)" >&2
  exit 2
fi
mkdir -p /etc/chromium/policies/managed

# libudev (systemd 252) refuses a syspath that is not on a real sysfs unless told this is a test.
export SYSTEMD_DEVICE_VERIFY_SYSFS=0
echo "web lane: real Chromium ($(chromium --version 2>/dev/null | head -1 || echo chromium)) in a private mount+network namespace; the simulator's ptys appear as USB devices through a made-up sysfs/udev" >&2
exec "$@"

#!/usr/bin/env python3
"""A pty whose far end is this process's stdin/stdout, so a bootloader model in Node can stand behind a device
node the browser opens (the lane shows the pty as a USB serial port or a hidraw node).

usage: pty-relay.py [--ctty]
Prints the pty's path as the first line on stderr, then copies bytes: pty -> stdout, stdin -> pty, until stdin
closes. The pty starts raw (a hidraw node has no line discipline; Chromium sets its own termios on a serial port).
--ctty makes the pty this process's controlling terminal (setsid + TIOCSCTTY): Chromium opens hidraw nodes without
O_NOCTTY, and a pty without a controlling process would become the browser's, which then gets SIGHUP when the
model goes away.
"""
import fcntl
import os
import pty
import select
import sys
import termios
import tty


def main() -> int:
    master, slave = pty.openpty()
    tty.setraw(slave)
    if '--ctty' in sys.argv[1:]:
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    sys.stderr.write(os.ttyname(slave) + '\n')
    sys.stderr.flush()
    out = sys.stdout.buffer
    while True:
        ready, _, _ = select.select([master, 0], [], [])
        if master in ready:
            try:
                data = os.read(master, 4096)
            except OSError:
                data = b''
            if data:
                out.write(data)
                out.flush()
        if 0 in ready:
            data = os.read(0, 4096)
            if not data:
                return 0
            os.write(master, data)


if __name__ == '__main__':
    sys.exit(main())

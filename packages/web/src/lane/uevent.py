#!/usr/bin/env python3
"""Announces a made-up device to libudev listeners (Chromium's serial and HID watchers) in this network namespace.

usage: uevent.py KEY=VALUE...   (ACTION, DEVPATH, SUBSYSTEM, DEVNAME, MAJOR, MINOR, ID_*; SEQNUM is added)

Sends one libudev monitor message on the NETLINK_KOBJECT_UEVENT socket, group 2 (what udevd itself sends after
it has processed a kernel event): a 40-byte header, then the NUL-separated properties. libudev's socket filter
drops messages whose header does not carry the magic and the MurmurHash2 of the subsystem, so both are filled in.
Node has no netlink sockets, hence Python. Exits 1 with one line on stderr when the socket cannot be used.
"""
import os
import socket
import struct
import sys

NETLINK_KOBJECT_UEVENT = 15
UDEV_GROUP = 2
MAGIC = 0xFEEDCAFE
HEADER_SIZE = 40


def murmur2(data: bytes, seed: int = 0) -> int:
    """MurmurHash2, 32-bit, as systemd's string_hash32 (little-endian word reads)."""
    m = 0x5BD1E995
    h = (seed ^ len(data)) & 0xFFFFFFFF
    n = len(data) // 4
    for i in range(n):
        k = int.from_bytes(data[4 * i:4 * i + 4], 'little')
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> 24
        k = (k * m) & 0xFFFFFFFF
        h = (h * m) & 0xFFFFFFFF
        h ^= k
    rest = data[4 * n:]
    if len(rest) >= 3:
        h ^= rest[2] << 16
    if len(rest) >= 2:
        h ^= rest[1] << 8
    if len(rest) >= 1:
        h ^= rest[0]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h


def message(props: dict) -> bytes:
    body = b''.join(f'{k}={v}'.encode() + b'\0' for k, v in props.items())
    subsystem_hash = murmur2(props['SUBSYSTEM'].encode())
    devtype_hash = murmur2(props['DEVTYPE'].encode()) if 'DEVTYPE' in props else 0
    header = b'libudev\0' + struct.pack('>I', MAGIC) + struct.pack('=III', HEADER_SIZE, HEADER_SIZE, len(body))
    header += struct.pack('>II', subsystem_hash, devtype_hash) + struct.pack('>II', 0, 0)
    assert len(header) == HEADER_SIZE
    return header + body


def main(argv: list) -> int:
    props = {}
    for arg in argv:
        key, sep, value = arg.partition('=')
        if not sep:
            print(f'uevent.py: expected KEY=VALUE, got {arg!r}', file=sys.stderr)
            return 1
        props[key] = value
    for key in ('ACTION', 'DEVPATH', 'SUBSYSTEM'):
        if key not in props:
            print(f'uevent.py: {key}= is required', file=sys.stderr)
            return 1
    props.setdefault('SEQNUM', str(int.from_bytes(os.urandom(3), 'little') + 1000))
    try:
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_KOBJECT_UEVENT)
        sock.bind((0, 0))
        sock.sendto(message(props), (0, UDEV_GROUP))
    except OSError as err:
        print(f'uevent.py: cannot send the netlink message ({err}); run inside the web lane namespace as root', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

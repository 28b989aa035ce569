/**
 * `-P` as users type or copy it, turned into the path the OS opens and the listing shows:
 * - Windows: `COM3`, `com12`, `\\.\COM12` → `COM12` (serialport adds the `\\.\` prefix itself);
 * - macOS: `/dev/tty.usbmodem…` → `/dev/cu.usbmodem…`: the tty. (dial-in) node blocks on open until carrier
 *   detect, which a USB CDC device may never raise; cu. (call-out) is the one to use;
 * - Linux: `/dev/serial/by-id/…` and other symlinks are resolved (the listing shows `/dev/ttyACM0`).
 * Anything else is passed through: a port the listing does not show is probed, not refused.
 */
import { realpathSync } from 'node:fs';

export interface PortName {
  /** What to open. */
  path: string;
  /** What changed and why, for a notice; undefined when `path` is what the user typed. */
  note?: string;
}

const COM = /^(?:\\\\[.?]\\)?com(\d+)$/i;

export function normalizePortName(
  input: string,
  platform: NodeJS.Platform = process.platform,
  realpath: (p: string) => string = realpathSync,
  { resolveLinks = true }: { resolveLinks?: boolean } = {},
): PortName {
  const trimmed = input.trim();
  if (platform === 'win32') {
    const m = COM.exec(trimmed);
    if (m) {
      const path = `COM${Number(m[1])}`;
      return path === trimmed ? { path } : { path, note: `${trimmed} is ${path}` };
    }
    return { path: trimmed };
  }
  if (platform === 'darwin') {
    const m = /^\/dev\/tty\.(.+)$/.exec(trimmed);
    if (m) {
      const path = `/dev/cu.${m[1]}`;
      return { path, note: `using ${path}: on macOS open the cu. device (tty. waits for carrier detect, which the programmer never raises)` };
    }
    return { path: trimmed };
  }
  if (trimmed.startsWith('/') && resolveLinks) {
    let path: string;
    try {
      path = realpath(trimmed);
    } catch {
      return { path: trimmed }; // not there (yet): opening it says so, with the ports that exist
    }
    return path === trimmed ? { path } : { path, note: `${trimmed} is ${path}` };
  }
  return { path: trimmed };
}

/** The device node a path leads to (symlinks followed), or undefined when it is not there or is not a link. */
export function linkTarget(path: string, realpath: (p: string) => string = realpathSync): string | undefined {
  try {
    const target = realpath(path);
    return target === path ? undefined : target;
  } catch {
    return undefined;
  }
}

/** Whether an open error means the port does not exist (Linux/macOS ENOENT, Windows "File not found"). */
export function isNoSuchPort(message: string): boolean {
  return /ENOENT|No such file|File not found|cannot find the file|no such port/i.test(message);
}

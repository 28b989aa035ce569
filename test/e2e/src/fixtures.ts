import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryImage, serializeIntelHex } from '@ispkit/ihex';
import { seededBytes } from '@ispkit/sim/testing';

/** A temp dir for one test file's generated fixtures; `remove()` in afterAll. */
export function fixtureDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `ispkit-e2e-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `length` seeded random bytes at `base` as Intel HEX; returns the path and the bytes. */
export function writeRandomHex(dir: string, name: string, length: number, seed: number, base = 0): { path: string; data: Uint8Array } {
  const data = seededBytes(length, seed);
  const path = join(dir, name);
  writeFileSync(path, serializeIntelHex(MemoryImage.fromBinary(data, base)));
  return { path, data };
}

/** Hex dump of the first differing bytes, for readable failures. */
export function firstDifference(a: Uint8Array, b: Uint8Array): string {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return `first difference at 0x${i.toString(16)}: ${String(a[i])} vs ${String(b[i])}`;
  }
  return 'equal';
}

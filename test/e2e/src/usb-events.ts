import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryImage, serializeIntelHex } from '@ispkit/ihex';
import type { Sim, SimStats, UsbEventSpec } from '@ispkit/sim';
import { runAvrdude, seededBytes, workspaceRoot } from '@ispkit/sim/testing';

/**
 * Issue 10's matrix: what a real host does to a configured programmer in the middle of a long ISP operation (an
 * EEPROM write: a page write every 9 ms), and what must follow. Each event is fired by the harness once the target
 * has started its third write of the session (`@write:+3`), so it lands inside the operation for either client.
 */
export const midSessionEvents: readonly UsbEventSpec[] = [
  'reset',
  'set-config',
  'set-interface',
  'clear-halt:in',
  'clear-halt:out',
  'suspend:30',
  'unplug',
  'probe',
];

export type Client = 'avrdude' | 'ispkit';
export const clients: readonly Client[] = ['avrdude', 'ispkit'];

export interface ClientRun {
  code: number | null;
  output: string;
}

/** Runs the ispkit CLI (packages/host) against a port, bounded in time. */
export function runIspkit(args: readonly string[], timeoutMs = 60_000): Promise<ClientRun> {
  const cli = join(workspaceRoot(), 'packages/host/dist/cli.js');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/**
 * Writes (and verifies) an EEPROM image through the programmer with one client. The ispkit host goes without its
 * automatic whole-chip backup: that is 33 KB of reads before the first write (seconds per case, and a file in the
 * user's data folder each time), and the events are aimed at the writes.
 */
export async function writeEeprom(client: Client, port: string, hex: string): Promise<ClientRun> {
  if (client === 'ispkit') return runIspkit(['-P', port, 'eeprom', 'write', '--no-backup', hex]);
  const run = await runAvrdude({ port, args: ['-U', `eeprom:w:${hex}:i`], timeoutMs: 60_000 });
  return { code: run.code, output: run.stderr };
}

/** A fresh session: the client connects and reads the target's signature. */
export async function freshSession(client: Client, port: string): Promise<ClientRun> {
  if (client === 'ispkit') return runIspkit(['-P', port, 'info']);
  const run = await runAvrdude({ port, timeoutMs: 60_000 });
  return { code: run.code, output: run.stderr };
}

/** A failure each client names in one line (never a silent success). */
export const namedError: Record<Client, RegExp> = {
  avrdude: /avrdude[: ]*(error|.*not responding|.*not in sync|.*timeout)/i,
  ispkit: /^ispkit: error: /m,
};

/** Seeded EEPROM data as an Intel HEX file in `dir`. */
export function eepromImage(dir: string, name: string, length: number, seed: number): { path: string; data: Uint8Array } {
  const data = seededBytes(length, seed);
  const path = join(dir, name);
  writeFileSync(path, serializeIntelHex(MemoryImage.fromBinary(data, 0)));
  return { path, data };
}

/** The first `length` EEPROM bytes the harness holds (unwritten bytes read 0xFF). */
export async function eepromBytes(sim: Sim, length: number): Promise<Uint8Array> {
  return (await sim.eepromImage()).read(0, length);
}

/**
 * Issue 10 item 8: between two stats taken around a suspend that began inside programming mode, the status LED was
 * lit when the bus went idle (so the check saw something to switch off), and no LED of the board was lit while the
 * suspend lasted, from the 10 ms a device has to go quiet until resume.
 */
export function expectDarkWhileSuspended(what: string, before: SimStats, after: SimStats): void {
  const roles = Object.keys(after.leds);
  expect(roles, `${what}: the harness watches the board's status LED`).toContain('status');
  expect(after.leds.status!.litAtSuspendStart, `${what}: status LED lit (programming) when the suspend began`).toBe(before.leds.status!.litAtSuspendStart + 1);
  for (const role of roles) {
    const lit = after.leds[role]!.litWhileSuspendedMs - before.leds[role]!.litWhileSuspendedMs;
    expect(lit, `${what}: ${role} LED (${after.leds[role]!.pin}) lit while suspended, simulated ms`).toBe(0);
  }
}

/** Shared by the browser tests: simulators as USB devices, and images the bootloader models ended up holding. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryImage, parseIntelHex, serializeIntelHex } from '@ispkit/ihex';
import { startSim, type Sim, type SimOptions } from '@ispkit/sim';
import { workspaceRoot } from '@ispkit/sim/testing';
import { afterAll, beforeAll } from 'vitest';
import { plugProgrammer, startLane, type FakeDevice, type Lane } from '../lane/index.js';

export interface PluggedSim {
  sim: Sim;
  port: FakeDevice;
  stop(): Promise<void>;
}

/** A simulator running a programmer firmware, plugged in as the ispkit programmer. */
export async function plugSim(options: SimOptions): Promise<PluggedSim> {
  const sim = await startSim({ maxSimSeconds: 600, ...options });
  const port = await plugProgrammer(sim.pty);
  return {
    sim,
    port,
    async stop() {
      await port.unplug();
      await sim.stop();
    },
  };
}

/** Resolves when the harness reports the firmware jumped into its bootloader (after a 134/1200-baud request). */
export async function bootloaderEntry(sim: Sim, timeoutMs = 20_000): Promise<Record<string, unknown>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const e = sim.events.find((ev) => ev.event === 'bootloader-entry');
    if (e) return e as Record<string, unknown>;
    if (Date.now() > end) throw new Error(`no bootloader-entry event within ${timeoutMs} ms (events: ${sim.events.map((ev) => ev.event).join(', ')})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Stock ArduinoISP (Debian's example sketch, built for the Leonardo by tools/scripts/build-arduinoisp.sh into this
 * package's gitignored .tmp): a programmer that is not ours. Returns the .hex path.
 */
export function buildStockArduinoIsp(): string {
  const root = workspaceRoot();
  return execFileSync('bash', [join(root, 'tools/scripts/build-arduinoisp.sh'), join(root, 'packages/web/.tmp/arduinoisp')], { encoding: 'utf8' }).trim();
}

/** The committed programmer hex (firmware/dist) as a flash image. */
export function committedFirmware(name: string): MemoryImage {
  return parseIntelHex(readFileSync(join(workspaceRoot(), 'firmware', 'dist', name), 'utf8'));
}

/** What a bootloader model holds below `limit`, as a hex file the harness can run. */
export function flashAsHexFile(flash: Uint8Array, limit: number): string {
  let end = limit;
  while (end > 0 && flash[end - 1] === 0xff) end--;
  const file = join(mkdtempSync(join(tmpdir(), 'ispkit-web-installed-')), 'installed.hex');
  writeFileSync(file, serializeIntelHex(MemoryImage.fromBinary(flash.subarray(0, end))));
  return file;
}

/** Waits until `read()` matches `pattern`; on timeout the error shows the whole text (the page's log), not a prefix. */
export async function waitForText(read: () => Promise<string>, pattern: RegExp, timeoutMs: number): Promise<string> {
  const end = Date.now() + timeoutMs;
  let text = '';
  for (;;) {
    text = await read();
    if (pattern.test(text)) return text;
    if (/^error: /m.test(text)) throw new Error(`the page failed while waiting for ${pattern}:\n${text}`);
    if (Date.now() > end) throw new Error(`waited ${timeoutMs} ms for ${pattern}; the page shows:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits for `work`, but fails at once (with the page's whole log) when the page shows an error line first: a
 * bootloader model waits for the page forever otherwise.
 */
export async function unlessPageFails<T>(work: Promise<T>, log: () => Promise<string>, timeoutMs: number): Promise<T> {
  let stop = false;
  const watch = (async (): Promise<never> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const text = await log();
      if (/^error: /m.test(text)) throw new Error(`the page failed:\n${text}`);
      if (Date.now() > end) throw new Error(`waited ${timeoutMs} ms; the page shows:\n${text}`);
      if (stop) return new Promise<never>(() => {});
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  try {
    return await Promise.race([work, watch]);
  } finally {
    stop = true;
  }
}

/**
 * The lane for one test file: started before its tests, closed after them. Only pages are handed out, so a test
 * cannot close the lane under the others.
 */
export function useLane(): Pick<Lane, 'openPage'> {
  let lane: Lane | undefined;
  beforeAll(async () => {
    lane = await startLane();
  });
  afterAll(async () => {
    await lane?.close();
  });
  return {
    openPage: () => {
      if (!lane) throw new Error('the lane has not started (useLane() must be called at the top level of a test file)');
      return lane.openPage();
    },
  };
}

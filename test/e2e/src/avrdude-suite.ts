import { afterAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIntelHex } from '@ispkit/ihex';
import { startSim, type SimOptions } from '@ispkit/sim';
import { runAvrdude, withSim } from '@ispkit/sim/testing';
import { firstDifference, fixtureDir, writeRandomHex } from './fixtures.js';

/** Bound for runs that must fail: avrdude's own timeouts are 5 s per receive; a hang is killed at this point. */
const FAIL_BOUND_MS = 60_000;

function ok(run: { code: number | null; stderr: string; timedOut: boolean }): void {
  expect(run.timedOut, run.stderr).toBe(false);
  expect(run.code, run.stderr).toBe(0);
}

/**
 * Stock avrdude 7.1 against a programmer firmware running in the harness: what issue 3/4 "Done when" lists.
 * `firmware` undefined = our committed hex for the board.
 */
export function defineAvrdudeSuite(name: string, base: Pick<SimOptions, 'board' | 'firmware'>, opts: { eeprom: boolean; allProgrammers: boolean; fuses: boolean; autoClock?: boolean }) {
  describe(name, () => {
    const fx = fixtureDir(name.replace(/\W+/g, '-'));
    afterAll(() => fx.remove());

    test('-c avrisp reads the ATmega32U4 signature', async () => {
      await withSim(base, async (sim) => {
        const run = await runAvrdude({ port: sim.port });
        ok(run);
        expect(run.stderr).toMatch(/device signature = 0x1e9587/i);
      });
    });

    test('-c avrisp writes and verifies a 4 KB image, and the target holds exactly the file', async () => {
      const { path, data } = writeRandomHex(fx.dir, 'avrisp-4k.hex', 4096, 0x4b1d);
      await withSim(base, async (sim) => {
        const run = await runAvrdude({ port: sim.port, args: ['-U', `flash:w:${path}:i`] });
        ok(run);
        expect(run.stderr).toMatch(/4096 bytes of flash verified/);
        const image = await sim.targetImage();
        const got = image.read(0, 4096);
        expect(firstDifference(got, data)).toBe('equal');
        // Nothing written beyond the file: the rest of flash stays erased.
        expect(image.read(4096, 32768 - 4096).every((b) => b === 0xff)).toBe(true);
        const stats = await sim.stats();
        expect(stats.pageWrites).toBe(4096 / 128);
        expect(stats.violations.busy).toBe(0);
        expect(stats.violations.sckTooFast).toBe(0);
      });
    });

    for (const programmer of opts.allProgrammers ? (['stk500v1', 'arduino'] as const) : []) {
      test(`-c ${programmer} reads the signature and writes + verifies 4 KB`, async () => {
        const { path, data } = writeRandomHex(fx.dir, `${programmer}-4k.hex`, 4096, programmer.length * 977);
        await withSim(base, async (sim) => {
          const run = await runAvrdude({ port: sim.port, programmer, args: ['-U', `flash:w:${path}:i`] });
          ok(run);
          expect(run.stderr).toMatch(/device signature = 0x1e9587/i);
          expect(run.stderr).toMatch(/4096 bytes of flash verified/);
          expect(firstDifference((await sim.targetImage()).read(0, 4096), data)).toBe('equal');
        });
      });
    }

    if (opts.fuses) {
      test('fuse write and read back: -U lfuse:w:0xFF:m, then hfuse/efuse reads', async () => {
        await withSim(base, async (sim) => {
          const before = await sim.fuses();
          expect(before.low).toBe(0x5e); // factory fuses by default
          const out = join(fx.dir, 'fuses');
          const run = await runAvrdude({
            port: sim.port,
            args: ['-U', 'lfuse:w:0xFF:m', '-U', `lfuse:r:${out}-l.txt:h`, '-U', `hfuse:r:${out}-h.txt:h`, '-U', `efuse:r:${out}-e.txt:h`],
          });
          ok(run);
          expect((await sim.fuses()).low).toBe(0xff);
          expect(readFileSync(`${out}-l.txt`, 'utf8').trim()).toBe('0xff');
          expect(readFileSync(`${out}-h.txt`, 'utf8').trim()).toBe('0x99');
          // avrdude masks efuse with the part's 0x0F bitmask on read/verify; compare the meaningful bits.
          expect(Number(readFileSync(`${out}-e.txt`, 'utf8').trim()) & 0x0f).toBe(0xf3 & 0x0f);
        });
      });
    }

    if (opts.autoClock) {
      /** Simulated target seconds of one avrdude 4 KB write + verify (after a warm-up session). */
      async function writeTime(fuses: string): Promise<number> {
        const { path } = writeRandomHex(fx.dir, `clock-${fuses.replace(/:/g, '')}.hex`, 4096, 0xc10c);
        return withSim({ ...base, fuses }, async (sim) => {
          ok(await runAvrdude({ port: sim.port }));
          const before = await sim.stats();
          ok(await runAvrdude({ port: sim.port, args: ['-U', `flash:w:${path}:i`] }));
          const after = await sim.stats();
          expect(after.violations.sckTooFast).toBe(0);
          expect(after.violations.busy).toBe(0);
          return after.targetSeconds - before.targetSeconds;
        });
      }

      // avrdude 7.1 `-c avrisp` sends no SCK duration (not even for -B), so the firmware picks the clock itself.
      test('the firmware raises SCK when the fuses say the target runs at 8 MHz or more, not otherwise', async () => {
        const factory = await writeTime('5E:99:F3'); // CKDIV8: 2 MHz core, stays at 250 kHz
        const fast = await writeTime('DE:99:F3'); // 16 MHz crystal, CKDIV8 off: 1 MHz
        const rc = await writeTime('E2:99:F3'); // internal 8 MHz RC, CKDIV8 off: 1 MHz
        // SPI time per 4 KB is ~4 x shorter at 1 MHz; page writes (32 x 4.5 ms) and USB time are the same. The
        // firmware now services USB every millisecond inside block loops, and avrdude's turn-around lets a little
        // wall-dependent simulated time in on a busy machine (seen: 0.61-0.66 of factory), so the bound is 0.75: a
        // firmware that kept 250 kHz would measure about 1.0.
        expect(fast).toBeLessThan(factory * 0.75);
        expect(rc).toBeLessThan(factory * 0.75);
      }, 120_000);
    }

    if (opts.eeprom) {
      test('EEPROM write and read back lands at the right addresses', async () => {
        const { path, data } = writeRandomHex(fx.dir, 'eeprom.hex', 96, 0xee, 0);
        const readBack = join(fx.dir, 'eeprom-read.hex');
        await withSim(base, async (sim) => {
          const run = await runAvrdude({
            port: sim.port,
            args: ['-U', `eeprom:w:${path}:i`, '-U', `eeprom:r:${readBack}:i`],
          });
          ok(run);
          expect(run.stderr).toMatch(/96 bytes of eeprom verified/);
          const eeprom = await sim.eepromImage();
          expect(firstDifference(eeprom.read(0, 96), data)).toBe('equal');
          expect(eeprom.read(96, 1024 - 96).every((b) => b === 0xff)).toBe(true);
          const back = parseIntelHex(readFileSync(readBack, 'utf8'));
          expect(firstDifference(back.read(0, 96), data)).toBe('equal');
        });
      });
    }

    test('a wrong chip (ATmega328P on the ISP pins) fails with avrdude\'s signature error', async () => {
      await withSim({ ...base, target: 'atmega328p' }, async (sim) => {
        const { path } = writeRandomHex(fx.dir, 'wrong-chip.hex', 256, 7);
        const run = await runAvrdude({ port: sim.port, args: ['-U', `flash:w:${path}:i`], timeoutMs: FAIL_BOUND_MS });
        expect(run.timedOut).toBe(false);
        expect(run.code).not.toBe(0);
        expect(run.stderr).toMatch(/device signature = 0x1e950f/i);
        expect(run.stderr).toMatch(/expected signature for ATmega32U4 is 1E 95 87/);
        // Nothing was written to the wrong chip.
        expect((await sim.stats()).pageWrites).toBe(0);
      });
    });

    for (const fault of opts.allProgrammers ? (['no-target-high', 'no-target-low'] as const) : (['no-target-high'] as const)) {
      test(`no target (${fault}) fails cleanly and in bounded time`, async () => {
        const sim = await startSim({ ...base, faults: fault });
        try {
          const run = await runAvrdude({ port: sim.port, timeoutMs: FAIL_BOUND_MS });
          expect(run.timedOut, 'avrdude hung').toBe(false);
          expect(run.code).not.toBe(0);
          expect(run.stderr).toMatch(/initialization failed|Yikes!\s+Invalid device signature|programmer is not responding|protocol expects/i);
          expect(run.stderr).not.toMatch(/device signature = 0x1e9587/i);
          // The programmer is still alive afterwards: the harness answers.
          expect((await sim.stats()).pageWrites).toBe(0);
        } finally {
          await sim.stop();
        }
      });
    }
  });
}

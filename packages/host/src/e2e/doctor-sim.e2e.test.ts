/**
 * `ispkit doctor` end to end: the CLI → serialport → the simulator's pty → a programmer firmware in simavr → the
 * modelled target with one wiring fault at a time (tools/simharness faults.h). Each fault must give its diagnosis.
 * Our firmware refuses programming mode without the target's 53 echo, but reports the byte the target sent instead
 * and the ISP line levels with the target held in reset (extension v2), so each of the four "no answer" faults gets
 * its own diagnosis; stock ArduinoISP (built here from Debian's Arduino core) enters anyway, so with it the bytes
 * tell only 00 (power, SCK/MOSI) from FF (MISO, RESET).
 */
import { targetFromPart } from '@ispkit/core';
import { MemoryImage } from '@ispkit/ihex';
import { getPart } from '@ispkit/parts';
import { startSim, type Fault, type Sim } from '@ispkit/sim';
import { IspSession, IspkitLine, IspkitParm } from '@ispkit/stk500';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../test-support/run-cli.js';
import { SerialStream } from '../serial/serial-stream.js';
import { buildStockArduinoIsp, differs, seeded, tempDir, writeHex } from './fixtures.js';

const MINUTE = 60_000;
let sims: Sim[] = [];

async function doctor(options: Parameters<typeof startSim>[0]): Promise<{ code: number; id: string; stdout: string; stderr: string }> {
  const s = await startSim({ maxSimSeconds: 120, ...options });
  sims.push(s);
  const r = await runCli(['-P', s.port, 'doctor', '--json']);
  const result = r.json.find((e) => e.event === 'result') as { data?: { diagnosis?: { id: string } } } | undefined;
  const text = await runCli(['-P', s.port, 'doctor']);
  return { code: r.code, id: result?.data?.diagnosis?.id ?? 'none', stdout: text.stdout, stderr: text.stderr };
}

afterEach(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  sims = [];
});

describe('ispkit doctor with our firmware', () => {
  test('a good wiring: ok, exit 0, the programmer, its RESET pin and the wiring table', async () => {
    const r = await doctor({ board: 'teensy2' });
    expect([r.code, r.id]).toEqual([0, 'ok']);
    expect(r.stdout).toContain("ok   programmer: ispkit programmer (extension v2, STK500v1 1.18, blocks of 1024 B); board Teensy 2.0, drives the keyboard's RESET from B0, 5 V");
    expect(r.stdout).toContain('ok   target: the wiring works: ATmega32U4, signature 1E 95 87, fuses 5E 99 F3');
    expect(r.stdout).toContain('  Teensy 2.0: B0 → RESET, B1 → SCK, B2 → MOSI, B3 → MISO, 5V → VCC, GND → GND');
  }, 2 * MINUTE);

  test.each([
    ['unpowered', 'no-power', 'the keyboard is not powered: SCK, MOSI and MISO read low', 'SCK low, MOSI low, MISO low (with pull-ups); RESET stays low', '00', ['VCC/GND']],
    ['sck-mosi-swapped', 'sck-mosi-swapped', 'SCK and MOSI are swapped', 'SCK high, MOSI high, MISO high (with pull-ups); RESET rises', '00', ['SCK and MOSI swapped']],
    ['miso-open', 'miso-open', 'MISO is not connected', 'SCK high, MOSI high, MISO high (with pull-ups); RESET rises', 'FF', ['MISO not connected']],
    ['reset-open', 'reset-open', 'RESET does not reach the keyboard', 'SCK high, MOSI high, MISO high (with pull-ups); RESET stays low', 'FF', ['RESET not connected', 'MISO not connected']],
  ] as [Fault, string, string, string, string, string[]][])(
    '%s: the echo byte and the line levels name it (%s), on both boards; exit 4',
    async (fault, id, title, lines, echo, suspects) => {
      for (const board of ['teensy2', 'pro-micro'] as const) {
        const r = await doctor({ board, faults: fault });
        expect([board, r.code, r.id]).toEqual([board, 4, id]);
        expect(r.stdout).toContain(`FAIL target: ${title}`);
        expect(r.stdout).toContain(`at SCK 250 kHz: no programming-enable echo (AC 53) (the target sent ${echo} where 53 belongs)`);
        expect(r.stdout).toContain(`at SCK 125 kHz: no programming-enable echo (AC 53) (the target sent ${echo} where 53 belongs)`);
        expect(r.stdout).toContain(`lines with the keyboard held in reset: ${lines} when released`);
        const named = [...r.stdout.matchAll(/^\s+(?:most likely|or): (.*)$/gm)].map((m) => m[1]!);
        expect(named.map((n) => suspects.find((s) => n.startsWith(s)))).toEqual(suspects);
        expect(r.stderr).toMatch(new RegExp(`^ispkit: error: target: ${title}`, 'm'));
      }
    },
    4 * MINUTE,
  );

  test('MISO held low on its own (no-target-low): the evidence fits no single wire, so the wires stay ranked', async () => {
    const r = await doctor({ board: 'teensy2', faults: 'no-target-low' });
    expect([r.code, r.id]).toEqual([4, 'no-answer']);
    expect(r.stdout).toContain('lines with the keyboard held in reset: SCK high, MOSI high, MISO low (with pull-ups); RESET rises when released');
    expect(r.stdout).toMatch(/most likely: VCC\/GND[^\n]*\n\s+or: RESET not connected[^\n]*\n\s+or: MISO not connected[^\n]*\n\s+or: SCK and MOSI swapped/);
    expect(r.stdout).not.toContain('programmer install'); // the firmware is v2: it did report
  }, 2 * MINUTE);

  test.each(['teensy2', 'pro-micro'] as const)(
    '%s: reading the lines leaves them released as before, refuses in programming mode, and a flash right after verifies',
    async (board) => {
      const s = await startSim({ board, maxSimSeconds: 120 });
      sims.push(s);
      // released: all inputs, no pull-ups; the keyboard's pull-up holds RESET high (the others float)
      const released = { ddr: 0, port: 0 };
      expect((await s.stats()).ispLines).toEqual({ ...released, level: 0b1000 });
      const session = await IspSession.open(await SerialStream.open(s.port));
      expect(session.info.extVersion).toBe(2);
      expect(await session.client.getParameter(IspkitParm.ISPKIT_LINES)).toBe(0x0f);
      expect((await s.stats()).ispLines).toMatchObject(released);
      expect((await s.stats()).ispLines.level & 0b1000).toBe(0b1000); // RESET released again: the keyboard runs
      for (const beyond of [0xe6, 0xef, 0xff]) expect(await session.client.getParameter(beyond)).toBe(0); // unknown: 0, as ever
      await session.configure(targetFromPart(getPart('atmega32u4')));
      await session.enterProgmode();
      expect(await session.client.getParameter(IspkitParm.ISPKIT_LAST_ECHO)).toBe(0x53);
      expect(await session.client.getParameter(IspkitParm.ISPKIT_LINES)).toBe(IspkitLine.NOT_MEASURED);
      expect((await s.stats()).progEnabled).toBe(true); // asking in programming mode measured nothing: still in it
      await session.leaveProgmode();
      expect(await session.client.getParameter(IspkitParm.ISPKIT_LINES)).toBe(0x0f);
      await session.client.close();
      const image = MemoryImage.fromBinary(seeded(2048, 7), 0);
      const hex = writeHex(tempDir('lines'), 'lines-2k.hex', image);
      const r = await runCli(['-P', s.port, 'flash', hex, '--no-backup']);
      expect(r.code).toBe(0);
      expect(differs(image, await s.targetImage())).toBeUndefined();
      expect((await s.stats()).ispLines).toMatchObject(released);
    },
    2 * MINUTE,
  );

  test('slow-clock (a 1 MHz target): answers only at the slower SCK → SCK too fast', async () => {
    const r = await doctor({ board: 'teensy2', faults: 'slow-clock:1000000' });
    expect([r.code, r.id]).toEqual([4, 'sck-too-fast']);
    expect(r.stdout).toContain("FAIL target: SCK too fast for the keyboard's clock: it answers at 125 kHz but not at 250 kHz");
  }, 2 * MINUTE);

  test('a 3.3 V Pro Micro on a keyboard fused for its crystal undivided (supply 3.3 V) → supply too low', async () => {
    const r = await doctor({ board: 'pro-micro-3v3', fuses: 'FF:D8:FB', faults: 'supply:3.3' });
    expect([r.code, r.id]).toEqual([4, 'supply-too-low']);
    expect(r.stdout).toMatch(/FAIL target: a 3.3 V programmer is powering a keyboard whose fuses run its crystal undivided/);
  }, 2 * MINUTE);
});

describe('ispkit doctor with stock ArduinoISP (no echo check: the bytes name the wire)', () => {
  let hex: string;
  beforeAll(() => {
    hex = buildStockArduinoIsp();
  }, 5 * MINUTE);

  test('good wiring: ok, and it says the programmer is not ours', async () => {
    const r = await doctor({ board: 'pro-micro', firmware: hex, fuses: 'DE:99:F3' });
    expect([r.code, r.id]).toEqual([0, 'ok']);
    expect(r.stdout).toMatch(/ok {3}programmer: ArduinoISP \(sign-on "AVR ISP", version 1\.18/);
    expect(r.stdout).toContain('note: not the ispkit firmware');
  }, 2 * MINUTE);

  test.each([
    ['miso-open', 'reads-ones', 'MISO not connected'],
    ['reset-open', 'reads-ones', 'MISO not connected'],
    ['unpowered', 'reads-zero', 'VCC/GND'],
    ['sck-mosi-swapped', 'reads-zero', 'VCC/GND'],
  ] as [Fault, string, string][])('%s → %s', async (fault, id, first) => {
    const r = await doctor({ board: 'pro-micro', firmware: hex, fuses: 'DE:99:F3', faults: fault });
    expect([r.code, r.id]).toEqual([4, id]);
    expect(r.stdout).toContain(`most likely: ${first}`);
    expect(r.stdout).toContain(id === 'reads-ones' ? 'or: RESET not connected' : 'or: SCK and MOSI swapped');
  }, 2 * MINUTE);
});

describe('ispkit doctor on the host side', () => {
  test('-P naming a port that does not exist stops at the host stage (exit 3)', async () => {
    const r = await runCli(['-P', '/dev/ttyACM99', 'doctor']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^ispkit: error: host: \/dev\/ttyACM99 does not exist; /);
  });
});

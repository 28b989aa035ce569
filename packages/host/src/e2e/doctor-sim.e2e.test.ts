/**
 * `ispkit doctor` end to end: the CLI → serialport → the simulator's pty → a programmer firmware in simavr → the
 * modelled target with one wiring fault at a time (tools/simharness faults.h). Each fault must give its diagnosis.
 * Our firmware refuses programming mode without the target's 53 echo and reports no bytes, so with it the four
 * "no answer" faults share one ranked diagnosis; stock ArduinoISP (built here from Debian's Arduino core) enters
 * anyway, so with it the bytes tell 00 (power, SCK/MOSI) from FF (MISO, RESET).
 */
import { startSim, type Fault, type Sim } from '@ispkit/sim';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../test-support/run-cli.js';
import { buildStockArduinoIsp } from './fixtures.js';

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

  test.each(['miso-open', 'reset-open', 'unpowered', 'sck-mosi-swapped'] as Fault[])(
    '%s: no answer at any SCK; the wires ranked; exit 4',
    async (fault) => {
      const r = await doctor({ board: 'pro-micro', faults: fault });
      expect([r.code, r.id]).toEqual([4, 'no-answer']);
      expect(r.stdout).toMatch(/most likely: VCC\/GND[^\n]*\n\s+or: RESET not connected[^\n]*\n\s+or: MISO not connected[^\n]*\n\s+or: SCK and MOSI swapped/);
      expect(r.stderr).toMatch(/^ispkit: error: target: no answer to programming enable \(AC 53\) at any SCK down to 125 kHz; check the wires/m);
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

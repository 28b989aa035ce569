import { expect, test } from 'vitest';
import { diagnoseTarget, type SckAttempt } from './diagnose-target.js';

const sig = [0x1e, 0x95, 0x87];
const factory = { low: 0x5e, high: 0x99, ext: 0xf3 };
const at = (sckHz: number, over: Partial<SckAttempt> = {}): SckAttempt => ({ sckHz, entered: true, signatures: [sig, sig, sig], fuses: [factory, factory, factory], ...over });
const none = (sckHz: number): SckAttempt => ({ sckHz, entered: false, signatures: [], fuses: [] });

test('a steady signature at the first SCK is ok', () => {
  expect(diagnoseTarget({ programmer: 'ispkit', boardVoltage: 5, attempts: [at(250e3)] })).toMatchObject({ id: 'ok', ok: true, part: 'ATmega32U4' });
});

test('only the slower SCK works: SCK too fast, with the avrdude -B to use', () => {
  const d = diagnoseTarget({ programmer: 'ispkit', attempts: [none(250e3), at(125e3)] });
  expect(d.id).toBe('sck-too-fast');
  expect(d.fix[0]).toMatch(/-B 8 or more/);
});

test('3.3 V board and fuses running the crystal undivided: supply too low, even when reads agree', () => {
  const fast = { low: 0xff, high: 0xd8, ext: 0xfb };
  const d = diagnoseTarget({ programmer: 'ispkit', boardVoltage: 3.3, attempts: [at(250e3, { fuses: [fast, fast, fast] })] });
  expect(d.id).toBe('supply-too-low');
  // the same chip on a 5 V board is fine, and a factory (CKDIV8) chip on 3.3 V too
  expect(diagnoseTarget({ programmer: 'ispkit', boardVoltage: 5, attempts: [at(250e3, { fuses: [fast, fast, fast] })] }).id).toBe('ok');
  expect(diagnoseTarget({ programmer: 'ispkit', boardVoltage: 3.3, attempts: [at(250e3)] }).id).toBe('ok');
});

test('ArduinoISP-style raw bytes: 00 → power or SCK/MOSI, FF → MISO or RESET, shifted → SCK, flaky → unstable', () => {
  const raw = (s: number[], echo: number) => ({ programmer: 'arduinoisp' as const, attempts: [at(166e3, { signatures: [s, s, s], echo })] });
  expect(diagnoseTarget(raw([0, 0, 0], 0)).id).toBe('reads-zero');
  expect(diagnoseTarget(raw([0, 0, 0], 0)).suspects[0]).toMatch(/^VCC\/GND/);
  expect(diagnoseTarget(raw([0xff, 0xff, 0xff], 0xff)).id).toBe('reads-ones');
  expect(diagnoseTarget(raw([0xff, 0xff, 0xff], 0xff)).suspects[0]).toMatch(/^MISO not connected/);
  expect(diagnoseTarget(raw([0x3d, 0x2b, 0x0e], 0xaa)).id).toBe('sck-too-fast'); // 1E 95 87 << 1
  expect(diagnoseTarget(raw([0x0f, 0x4a, 0xc3], 0xaa)).id).toBe('sck-too-fast'); // 1E 95 87 >> 1
  const flaky = { programmer: 'arduinoisp' as const, attempts: [at(166e3, { signatures: [sig, [0x1e, 0x95, 0x83], sig] })] };
  expect(diagnoseTarget(flaky).id).toBe('unstable-reads');
});

test('an ispkit programmer that never entered: no answer, wires ranked power, RESET, MISO, SCK/MOSI', () => {
  const d = diagnoseTarget({ programmer: 'ispkit', attempts: [none(250e3), none(125e3)] });
  expect(d.id).toBe('no-answer');
  expect(d.suspects.map((s) => s.split(' ')[0])).toEqual(['VCC/GND:', 'RESET', 'MISO', 'SCK']);
});

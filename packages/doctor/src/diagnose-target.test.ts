import { describe, expect, test } from 'vitest';
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
  // no echo byte and no lines: a firmware from before extension v2, which an update would let doctor see past
  expect(d.fix[d.fix.length - 1]).toMatch(/older than the one that lets doctor name the wire: `ispkit programmer install` updates it$/);
});

describe('an ispkit programmer with extension v2: the echo byte and the line levels name the wire', () => {
  const refused = (echo: number, sckHz = 250e3): SckAttempt => ({ ...none(sckHz), enableEcho: echo });
  const lines = (sck: boolean, mosi: boolean, miso: boolean, resetRises: boolean) => ({ sck, mosi, miso, resetRises });
  const v2 = (echoes: number[], l: ReturnType<typeof lines>) =>
    diagnoseTarget({ programmer: 'ispkit', boardVoltage: 5, attempts: echoes.map((e, i) => refused(e, i ? 125e3 : 250e3)), lines: l });

  test('lines low with the pull-ups on: the keyboard is not powered', () => {
    const d = v2([0x00, 0x00], lines(false, false, false, false));
    expect([d.id, d.ok, d.suspects.length]).toEqual(['no-power', false, 1]);
    expect(d.title).toMatch(/^the keyboard is not powered/);
    expect(d.suspects[0]).toMatch(/^VCC\/GND/);
    expect(d.evidence).toContain('lines with the keyboard held in reset: SCK low, MOSI low, MISO low (with pull-ups); RESET stays low when released');
    expect(d.evidence[0]).toContain('the target sent 00 where 53 belongs');
  });

  test('echo 00 but the lines high and RESET pulled up: SCK and MOSI swapped', () => {
    const d = v2([0x00, 0x00], lines(true, true, true, true));
    expect(d.id).toBe('sck-mosi-swapped');
    expect(d.suspects).toHaveLength(1);
    expect(d.fix[0]).toMatch(/^swap the SCK and MOSI wires/);
  });

  test('echo FF and RESET stays low once released: RESET not connected, MISO second', () => {
    const d = v2([0xff, 0xff], lines(true, true, true, false));
    expect(d.id).toBe('reset-open');
    expect(d.suspects.map((s) => s.split(' ')[0])).toEqual(['RESET', 'MISO']);
  });

  test('echo FF and RESET pulled up by the keyboard: MISO not connected', () => {
    const d = v2([0xff, 0xff], lines(true, true, true, true));
    expect(d.id).toBe('miso-open');
    expect(d.suspects.map((s) => s.split(' ')[0])).toEqual(['MISO']);
  });

  test('evidence that disagrees keeps the ranked list', () => {
    expect(v2([0x00, 0xff], lines(true, true, true, true)).id).toBe('no-answer'); // echoes differ between SCKs
    expect(v2([0x00, 0x00], lines(true, false, true, true)).id).toBe('no-answer'); // one line held low
    expect(v2([0x00, 0x00], lines(false, false, false, true)).id).toBe('no-answer'); // low lines, yet RESET pulled up
    expect(v2([0x5a, 0x5a], lines(true, true, true, true)).id).toBe('no-answer'); // neither 00 nor FF
    expect(v2([0xff, 0xff], lines(false, false, false, false)).id).toBe('no-answer'); // FF can't come from a clamped MISO
    expect(v2([0x00, 0xff], lines(true, true, true, true)).fix.join(' ')).not.toContain('programmer install'); // already v2
  });

  test('lines are ignored once the target answers', () => {
    const d = diagnoseTarget({ programmer: 'ispkit', attempts: [at(250e3)], lines: lines(false, false, false, false) });
    expect(d.id).toBe('ok');
  });
});

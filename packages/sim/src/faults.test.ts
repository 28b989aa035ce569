import { expect, test } from 'vitest';
import { checkFault } from './faults.js';

test('accepts the harness fault specs', () => {
  for (const f of [
    'no-target-high',
    'no-target-low',
    'never-ready',
    'locked',
    'flip:0.001',
    'flip:1',
    'disconnect:250',
    'miso-open',
    'reset-open',
    'sck-mosi-swapped',
    'unpowered',
    'slow-clock:125000',
    'supply:3.3',
    'slow-master:3',
  ]) {
    expect(checkFault(f)).toBe(f);
  }
});

test('rejects typos and out-of-range probabilities, listing the valid forms', () => {
  expect(() => checkFault('no-target')).toThrow(/unknown fault "no-target"; use no-target-high/);
  expect(() => checkFault('flip:1.5')).toThrow(/unknown fault/);
  expect(() => checkFault('disconnect:')).toThrow(/unknown fault/);
  expect(() => checkFault('slow-clock:10')).toThrow(/slow-clock:<1000..20000000 Hz>/);
  expect(() => checkFault('supply:12')).toThrow(/supply:<1.8..5.5 V>/);
  expect(() => checkFault('slow-master:0')).toThrow(/slow-master:<1..1024 cycles>/);
});

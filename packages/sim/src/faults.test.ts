import { expect, test } from 'vitest';
import { checkFault } from './faults.js';

test('accepts the harness fault specs', () => {
  for (const f of ['no-target-high', 'no-target-low', 'never-ready', 'locked', 'flip:0.001', 'flip:1', 'disconnect:250']) {
    expect(checkFault(f)).toBe(f);
  }
});

test('rejects typos and out-of-range probabilities, listing the valid forms', () => {
  expect(() => checkFault('no-target')).toThrow(/unknown fault "no-target"; use no-target-high/);
  expect(() => checkFault('flip:1.5')).toThrow(/unknown fault/);
  expect(() => checkFault('disconnect:')).toThrow(/unknown fault/);
});

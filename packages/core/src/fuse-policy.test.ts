import { MemoryImage } from '@ispkit/ihex';
import { getPart } from '@ispkit/parts';
import { describe, expect, test } from 'vitest';
import { IspkitError } from './errors.js';
import { enforceDangers, parseFuseRequest, planFuses } from './fuse-policy.js';

const m32u4 = getPart('atmega32u4');
const factory = { low: 0x5e, high: 0x99, ext: 0xf3 };
const bootAt7000 = MemoryImage.fromSegments([
  { address: 0, data: new Uint8Array(256).fill(0x11) },
  { address: 0x7000, data: Uint8Array.from({ length: 64 }, (_, i) => (i % 4 === 0 ? 0x0c : i % 4 === 1 ? 0x94 : 0)) },
]);

describe('parseFuseRequest', () => {
  test('preset, then single bytes override it', () => {
    const r = parseFuseRequest({ fuses: 'caterina-5v', hfuse: '0xD9' }, m32u4);
    expect(r.preset?.id).toBe('caterina-5v');
    expect(r.values).toEqual({ low: 0xff, high: 0xd9, ext: 0xfb });
  });
  test('bad byte and unknown preset are usage errors', () => {
    expect(() => parseFuseRequest({ lfuse: 'XYZ' }, m32u4)).toThrow(/--lfuse XYZ is not a byte/);
    expect(() => parseFuseRequest({ fuses: 'nope' }, m32u4)).toThrow(/unknown bootloader preset "nope"/);
  });
});

describe('planFuses', () => {
  test('only changed fuses are written, ext and high before low', () => {
    const plan = planFuses(m32u4, factory, parseFuseRequest({ fuses: 'caterina-5v' }, m32u4), { image: bootAt7000, flashing: true });
    expect(plan.changes).toEqual(['ext', 'high', 'low']);
    expect(plan.final).toEqual({ low: 0xff, high: 0xd8, ext: 0xfb });
    expect(plan.warnings).toEqual([]);
  });
  test('no bootloader in the image: warns that ISP is needed again', () => {
    const plan = planFuses(m32u4, factory, { values: {} }, { image: MemoryImage.fromBinary(new Uint8Array(100), 0), flashing: true });
    expect(plan.warnings.join('\n')).toMatch(/no bootloader/);
  });
  test('bootloader present, BOOTRST unprogrammed and HWBE off: warns and offers a preset', () => {
    const plan = planFuses(m32u4, { low: 0xde, high: 0x99, ext: 0xfb }, { values: {} }, { image: bootAt7000, flashing: true });
    expect(plan.warnings.join('\n')).toMatch(/BOOTRST is unprogrammed and HWBE is off.*use --fuses/);
  });
  test('BOOTSZ that does not match the bootloader is a warning', () => {
    const plan = planFuses(m32u4, factory, parseFuseRequest({ hfuse: 'DE' }, m32u4), { image: bootAt7000, flashing: true });
    expect(plan.warnings.join('\n')).toMatch(/BOOTSZ/);
  });
  test('SPIEN unprogrammed is refused unless forced', () => {
    const plan = planFuses(m32u4, factory, parseFuseRequest({ hfuse: 'B9' }, m32u4), { flashing: false });
    expect(() => enforceDangers(plan, false)).toThrow(IspkitError);
    expect(() => enforceDangers(plan, false)).toThrow(/refusing to write the high fuse: SPIEN/);
    expect(() => enforceDangers(plan, true)).not.toThrow();
  });
  test('a value equal under the mask is not a change', () => {
    const plan = planFuses(m32u4, factory, parseFuseRequest({ efuse: '03' }, m32u4), { flashing: false });
    expect(plan.changes).toEqual([]);
  });
});

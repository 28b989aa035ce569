import { MemoryImage } from '@ispkit/ihex';
import { describe, expect, test } from 'vitest';
import { bootloaderCatalogue, getCatalogueEntry, type CatalogueEntry } from './bootloader-catalogue.js';
import { getPreset } from './bootloader-presets.js';
import { flashDigest } from './flash-digest.js';
import { getPart } from './part-registry.js';
import { at90usb1286, atmega16u4, atmega32u4 } from './parts/usb-megas.js';
import { recogniseBootloader } from './recognise-bootloader.js';

/** Deterministic non-blank bytes. */
function code(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = ((i * 13 + seed) % 251) + 1;
  return out;
}

function image(...segs: [number, Uint8Array][]): MemoryImage {
  return MemoryImage.fromSegments(segs.map(([address, data]) => ({ address, data })));
}

/** A test catalogue: a 3 KB "bootloader" for the 32U4 and one for the 16U4, both with digests computed here. */
const boot32 = code(3000, 7);
const boot16 = code(3000, 9);
const boot128 = code(4400, 11);
const testCatalogue: CatalogueEntry[] = [
  {
    id: 'test-dfu-32u4',
    name: 'Test DFU for ATmega32U4',
    part: 'atmega32u4',
    bootSize: 4096,
    preset: 'atmel-dfu',
    usb: [],
    boards: [],
    source: { repo: 'here/tests', path: 'none' },
    digest: flashDigest(image([0x7000, boot32]))!,
  },
  {
    id: 'test-dfu-16u4',
    name: 'Test DFU for ATmega16U4',
    part: 'atmega16u4',
    bootSize: 4096,
    preset: 'atmel-dfu-16u4',
    usb: [],
    boards: [],
    source: { repo: 'here/tests', path: 'none' },
    digest: flashDigest(image([0x3000, boot16]))!,
  },
  {
    id: 'test-dfu-usb1286',
    name: 'Test DFU for AT90USB128',
    part: 'at90usb1286',
    bootSize: 8192,
    preset: 'atmel-dfu-usb1286',
    usb: [],
    boards: [],
    source: { repo: 'here/tests', path: 'none' },
    // with the vector table at the top, as Atmel's AT90USB images have it (addresses above 64 KB)
    digest: flashDigest(image([0x1e000, boot128], [0x1ffe4, code(28, 5)]))!,
  },
];

describe('flashDigest', () => {
  test('ignores how the bytes are split into segments and explicit 0xFF padding at either end', () => {
    const a = flashDigest(image([0x7000, boot32]))!;
    const split = flashDigest(image([0x7000, boot32.subarray(0, 7)], [0x7007, boot32.subarray(7)]))!;
    const padded = flashDigest(image([0x6ff0, new Uint8Array(16).fill(0xff)], [0x7000, boot32], [0x7bb8, new Uint8Array(8).fill(0xff)]))!;
    expect(a).toEqual({ start: 0x7000, end: 0x7000 + 3000, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(split).toEqual(a);
    expect(padded).toEqual(a);
  });

  test('a gap reads as 0xFF; a changed byte or a moved image changes the digest', () => {
    const gap = new Uint8Array(boot32);
    gap.fill(0xff, 100, 200);
    const withGap = flashDigest(image([0x7000, gap.subarray(0, 100)], [0x7000 + 200, gap.subarray(200)]))!;
    expect(withGap).toEqual(flashDigest(image([0x7000, gap]))!);
    const changed = new Uint8Array(boot32);
    changed[1500]! ^= 1;
    expect(flashDigest(image([0x7000, changed]))!.sha256).not.toBe(testCatalogue[0]!.digest!.sha256);
    expect(flashDigest(image([0x7100, boot32]))!.start).toBe(0x7100);
  });

  test('SHA-256 of the bytes themselves (known vector: "abc")', () => {
    const abc = flashDigest(image([0, new TextEncoder().encode('abc')]))!;
    expect(abc.sha256).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('recogniseBootloader', () => {
  test('a bootloader alone and merged below an application', () => {
    expect(recogniseBootloader(image([0x7000, boot32]), atmega32u4, testCatalogue)).toMatchObject({
      kind: 'known',
      entry: { id: 'test-dfu-32u4' },
      hasApplication: false,
      summary: 'Test DFU for ATmega32U4; preset atmel-dfu',
    });
    const merged = recogniseBootloader(image([0, code(20000, 3)], [0x7000, boot32]), atmega32u4, testCatalogue);
    expect(merged).toMatchObject({ kind: 'known', hasApplication: true, summary: 'application + Test DFU for ATmega32U4; preset atmel-dfu' });
  });

  test('extra bytes inside or above the bootloader, or one byte changed: not recognised', () => {
    const changed = new Uint8Array(boot32);
    changed[0]! ^= 0x80;
    expect(recogniseBootloader(image([0x7000, changed]), atmega32u4, testCatalogue)).toBeUndefined();
    expect(recogniseBootloader(image([0x7000, boot32], [0x7f00, code(4, 1)]), atmega32u4, testCatalogue)).toBeUndefined();
  });

  test('a 16U4 bootloader given for a 32U4 is refused with the reason and the image to use', () => {
    const r = recogniseBootloader(image([0x3000, boot16]), atmega32u4, testCatalogue);
    expect(r).toMatchObject({ kind: 'wrong-part', entry: { id: 'test-dfu-16u4' }, targetPart: 'atmega32u4' });
    expect(r?.kind === 'wrong-part' && r.reason).toBe(
      'this is Test DFU for ATmega16U4, built for the ATmega16U4 (boot section at 0x3000); the target is an ATmega32U4, ' +
        'whose 4 KB boot section starts at 0x7000, so it would never run: use test-dfu-32u4 (Test DFU for ATmega32U4)',
    );
    expect(recogniseBootloader(image([0x3000, boot16]), atmega16u4, testCatalogue)).toMatchObject({ kind: 'known' });
  });
});

describe('an 8 KB AT90USB128 bootloader (addresses above 64 KB)', () => {
  const boot = image([0x1e000, boot128], [0x1ffe4, code(28, 5)]);

  test('recognised on its part, alone and below an application, however the HEX was split', () => {
    expect(recogniseBootloader(boot, at90usb1286, testCatalogue)).toMatchObject({ kind: 'known', entry: { id: 'test-dfu-usb1286' }, hasApplication: false });
    const merged = image([0, code(70000, 2)], [0x1e000, boot128.subarray(0, 1000)], [0x1e000 + 1000, boot128.subarray(1000)], [0x1ffe4, code(28, 5)]);
    expect(recogniseBootloader(merged, at90usb1286, testCatalogue)).toMatchObject({ kind: 'known', hasApplication: true });
  });

  test('given for a 32U4 it is refused with the 32U4 boot section (4 KB at 0x7000), not its own 8 KB', () => {
    const r = recogniseBootloader(boot, atmega32u4, testCatalogue);
    expect(r?.kind === 'wrong-part' && r.reason).toBe(
      'this is Test DFU for AT90USB128, built for the AT90USB1286 (boot section at 0x1E000); the target is an ATmega32U4, ' +
        'whose 4 KB boot section starts at 0x7000, so it would never run: use test-dfu-32u4 (Test DFU for ATmega32U4)',
    );
    // no image of that kind for the target in the catalogue: the part's own limits are named
    const alone = recogniseBootloader(boot, atmega32u4, testCatalogue.filter((e) => e.id !== 'test-dfu-32u4'));
    expect(alone?.kind === 'wrong-part' && alone.reason).toContain('whose flash ends at 0x8000 (boot sections up to 4 KB), so it would never run');
  });
});

describe('the catalogue', () => {
  test('ids are unique; each entry names a preset for its part whose region is its boot section', () => {
    const ids = bootloaderCatalogue.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of bootloaderCatalogue) {
      const part = getPart(e.part);
      const preset = getPreset(e.preset);
      expect(preset.part, e.id).toBe(e.part);
      expect(preset.region, e.id).toEqual({ start: part.flash.size - e.bootSize, size: e.bootSize });
      if (e.digest) {
        expect(e.digest.start, e.id).toBeGreaterThanOrEqual(part.flash.size - e.bootSize);
        expect(e.digest.end, e.id).toBeLessThanOrEqual(part.flash.size);
        expect(e.digest.sha256, e.id).toMatch(/^[0-9a-f]{64}$/);
        expect(e.source.commit, e.id).toMatch(/^[0-9a-f]{40}$/);
      }
    }
  });

  test('no two images share a digest, and the QMK Atmel DFU pair refuses each other', () => {
    const digests = bootloaderCatalogue.flatMap((e) => (e.digest ? [e.digest.sha256] : []));
    expect(new Set(digests).size).toBe(digests.length);
    expect(getCatalogueEntry('atmel-dfu-32u4').name).toBe("QMK's Atmel DFU 1.0.0 for ATmega32U4");
    expect(() => getCatalogueEntry('optiboot')).toThrow('unknown bootloader "optiboot"');
  });

  test('the AT90USB entries: their sections at the top of 64 and 128 KB, the USB ids of their presets', () => {
    const usb64 = getCatalogueEntry('atmel-dfu-usb646');
    const usb128 = getCatalogueEntry('atmel-dfu-usb1286');
    expect([usb64.part, usb64.digest?.start, usb64.digest?.end]).toEqual(['at90usb646', 0xf000, 0x10000]);
    expect([usb128.part, usb128.digest?.start, usb128.digest?.end]).toEqual(['at90usb1286', 0x1e000, 0x20000]);
    for (const e of [usb64, usb128]) expect(e.usb.map((u) => [u.vid, u.pid])).toEqual(getPreset(e.preset).usb.map((u) => [u.vid, u.pid]));
    expect(usb128.source).toMatchObject({ repo: 'qmk/qmk_firmware', path: 'util/bootloader_at90usb128_1.0.1.hex' });
  });
});

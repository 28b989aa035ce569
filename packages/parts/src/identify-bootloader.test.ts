import { MemoryImage } from '@ispkit/ihex';
import { describe, expect, test } from 'vitest';
import { identifyBootloader } from './identify-bootloader.js';
import { at90usb1286, atmega32u4 } from './parts/usb-megas.js';

/** Deterministic non-blank filler (never a USB descriptor: no 0x12 0x01 pair). */
function code(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = ((i * 7 + seed) % 250) + 2;
  return out;
}

/** A USB device descriptor as bootloaders store it (bcdUSB 1.10 / 2.00, EP0 64 or 8 bytes). */
function deviceDescriptor(vid: number, pid: number): Uint8Array {
  return new Uint8Array([0x12, 0x01, 0x10, 0x01, 0x02, 0x00, 0x00, 0x40, vid & 0xff, vid >> 8, pid & 0xff, pid >> 8, 0x01, 0x00, 0x01, 0x02, 0x03, 0x01]);
}

function image(...segs: [number, Uint8Array][]): MemoryImage {
  return MemoryImage.fromSegments(segs.map(([address, data]) => ({ address, data })));
}

describe('bootloader-only images', () => {
  test('4 KB at 0x7000 with a SparkFun Pro Micro 5 V descriptor → BOOTSZ=00, Caterina 5 V first', () => {
    const data = code(4096);
    data.set(deviceDescriptor(0x1b4f, 0x9205), 0x600);
    const id = identifyBootloader(image([0x7000, data]), atmega32u4)!;
    expect(id).toMatchObject({
      bootsz: 0,
      bootStart: 0x7000,
      bootSize: 4096,
      bootrst: true,
      suggestedHigh: 0x98,
      entryAtBootStart: true,
      dataStart: 0x7000,
      dataEnd: 0x8000,
      byteCount: 4096,
      hasApplication: false,
      usb: { vid: 0x1b4f, pid: 0x9205 },
    });
    expect(id.presets.map((p) => p.id)).toEqual(['caterina-5v', 'atmel-dfu', 'qmk-dfu', 'caterina-3v3']);
    expect(id.summary).toBe(
      'bootloader in the 4 KB boot section at 0x7000: needs BOOTSZ=00 and BOOTRST programmed; region of Caterina (5 V, 16 MHz) / ' +
        'Atmel DFU / QMK DFU / Caterina (3.3 V, 8 MHz) (USB 0x1B4F:0x9205 matches Caterina (5 V, 16 MHz))',
    );
  });

  test('an Atmel DFU descriptor ranks the DFU presets first', () => {
    const data = code(3500);
    data.set(deviceDescriptor(0x03eb, 0x2ff4), 100);
    const id = identifyBootloader(image([0x7000, data]), atmega32u4)!;
    expect(id.presets.map((p) => p.id).slice(0, 2)).toEqual(['atmel-dfu', 'qmk-dfu']);
    expect(id.dataEnd).toBe(0x7000 + 3500);
  });

  test('a bootloader shorter than its section, with a gap, still needs the section it starts at', () => {
    // DFU-like: code from 0x7000, then a signature block near the top of flash.
    const id = identifyBootloader(image([0x7000, code(0xc00)], [0x7f80, code(0x80, 3)]), atmega32u4)!;
    expect([id.bootsz, id.bootStart, id.entryAtBootStart, id.byteCount]).toEqual([0, 0x7000, true, 0xc80]);
    expect(id.usb).toBeUndefined();
  });

  test('512 B at 0x7E00 → BOOTSZ=11, HalfKay region', () => {
    const id = identifyBootloader(image([0x7e00, code(512)]), atmega32u4)!;
    expect([id.bootsz, id.bootStart, id.bootSize, id.suggestedHigh]).toEqual([3, 0x7e00, 512, 0x9e]);
    expect(id.presets.map((p) => p.id)).toEqual(['nanoboot', 'halfkay']);
  });

  test('2 KB at 0x7800 → BOOTSZ=01, no preset of that size', () => {
    const id = identifyBootloader(image([0x7800, code(2048)]), atmega32u4)!;
    expect([id.bootsz, id.bootStart, id.presets]).toEqual([1, 0x7800, []]);
    expect(id.summary).toBe('bootloader in the 2 KB boot section at 0x7800: needs BOOTSZ=01 and BOOTRST programmed');
  });

  test('data in the boot area but not at a section start: smallest section holding it, with a warning', () => {
    const id = identifyBootloader(image([0x7100, code(0x100)]), atmega32u4)!;
    expect([id.bootsz, id.bootStart, id.entryAtBootStart, id.dataStart]).toEqual([0, 0x7000, false, 0x7100]);
    expect(id.summary).toMatch(/\(warning: its data starts at 0x7100, not at the section start\)/);
  });
});

describe('merged images', () => {
  test('application + HalfKay', () => {
    const id = identifyBootloader(image([0, code(0x5000)], [0x7e00, code(512)]), atmega32u4)!;
    expect([id.bootsz, id.hasApplication, id.byteCount, id.dataStart]).toEqual([3, true, 512, 0x7e00]);
    expect(id.summary).toMatch(/^application \+ bootloader in the 512 B boot section at 0x7E00/);
  });

  test('application ending right at 0x7000 + a 4 KB bootloader: one segment, told apart by its vector table', () => {
    const boot = code(0x1000, 5);
    for (let v = 0; v < 43; v++) boot.set([0x0c, 0x94, 0x56 + v, 0x38], v * 4); // jmp 0x70AC + ...
    const merged = image([0, code(0x7000)], [0x7000, boot]);
    expect(merged.segments).toHaveLength(1);
    const id = identifyBootloader(merged, atmega32u4)!;
    expect([id.bootsz, id.bootStart, id.hasApplication, id.byteCount, id.dataStart]).toEqual([0, 0x7000, true, 0x1000, 0x7000]);
    // Without the vector table, the same bytes are just a 32 KB application.
    expect(identifyBootloader(image([0, code(0x8000)]), atmega32u4)).toBeUndefined();
  });

  test('large application + HalfKay: the application crossing 0x7000 does not hide the 512 B section', () => {
    const id = identifyBootloader(image([0, code(0x7100)], [0x7e00, code(512)]), atmega32u4)!;
    expect([id.bootsz, id.hasApplication]).toEqual([3, true]);
  });
});

describe('not a bootloader', () => {
  test('an application at 0', () => {
    expect(identifyBootloader(image([0, code(0x3000)]), atmega32u4)).toBeUndefined();
  });

  test('an application that runs into the boot area without a break', () => {
    expect(identifyBootloader(image([0, code(0x7200)]), atmega32u4)).toBeUndefined();
  });

  test('empty image, and data beyond the end of flash', () => {
    expect(identifyBootloader(MemoryImage.fromSegments([]), atmega32u4)).toBeUndefined();
    expect(identifyBootloader(image([0x7e00, code(1024)]), atmega32u4)).toBeUndefined();
  });
});

test('AT90USB1286: 1 KB at 0x1FC00 → BOOTSZ=11, no 32U4 presets', () => {
  const id = identifyBootloader(image([0x1fc00, code(1024)]), at90usb1286)!;
  expect([id.bootsz, id.bootStart, id.bootSize, id.presets]).toEqual([3, 0x1fc00, 1024, []]);
});

describe("LUFA's mass-storage bootloader: code below its boot section", () => {
  /** The shape LUFA's MassStorage makefile gives a 32 KB part: a trampoline at the aux start, aux code, then the
   *  4 KB boot section from 0x7000 opening with its vector table and holding the 03EB:2045 descriptor. */
  function lufaMs(auxBelow: number, descriptor = deviceDescriptor(0x03eb, 0x2045)): [number, Uint8Array][] {
    const boot = code(0xe00, 5);
    for (let k = 0; k < 16; k++) boot.set([0x0c, 0x94, 0x00, 0x38], 4 * k);
    boot.set(descriptor, 0x300);
    return [
      [0x8000 - 0x1000 - auxBelow, code(0x20, 7)],
      [0x8000 - 0x1000 - auxBelow + 0x40, code(0x300, 9)],
      [0x7000, boot],
    ];
  }

  test('6 KB build: the 2 KB below 0x7000 belong to it, not to an application; lufa-ms only', () => {
    const id = identifyBootloader(image(...lufaMs(0x800)), atmega32u4)!;
    expect(id).toMatchObject({ bootsz: 0, bootStart: 0x7000, bootSize: 4096, auxStart: 0x6800, hasApplication: false, dataStart: 0x6800, entryAtBootStart: true });
    expect(id.byteCount).toBe(0x20 + 0x300 + 0xe00);
    expect(id.presets.map((p) => p.id)).toEqual(['lufa-ms']);
    expect(id.summary).toBe(
      'bootloader in the 4 KB boot section at 0x7000 with 2 KB more below it from 0x6800 (the application must end below 0x6800): ' +
        'needs BOOTSZ=00 and BOOTRST programmed; region of LUFA Mass Storage (6 KB) (USB 0x03EB:0x2045 matches LUFA Mass Storage (6 KB))',
    );
  });

  test('8 KB build: code from 0x6000 → lufa-ms-8k', () => {
    const id = identifyBootloader(image(...lufaMs(0x1000)), atmega32u4)!;
    expect([id.auxStart, id.hasApplication, id.presets.map((p) => p.id)]).toEqual([0x6000, false, ['lufa-ms-8k']]);
  });

  test('written as one contiguous block (0xFF filled) it is recognised the same', () => {
    const flat = image(...lufaMs(0x800)).read(0x6800, 0x1600);
    const id = identifyBootloader(MemoryImage.fromSegments([{ address: 0x6800, data: flat }]), atmega32u4)!;
    expect([id.auxStart, id.hasApplication, id.presets[0]?.id]).toEqual([0x6800, false, 'lufa-ms']);
  });

  test("as a real 8 KB build lays it out (LUFA head, avr-gcc 5.4, -mrelax): 4-byte trampoline at 0x6000, code from 0x6010, rjmp vectors at 0x7000, API tables at the top; one 0xFF-filled block", () => {
    const boot = code(0xbe8, 5);
    for (let k = 0; k < 43; k++) boot.set([0x55 + k, 0xc0, 0x00, 0x00], 4 * k); // rjmp + nop per vector
    boot.set(deviceDescriptor(0x03eb, 0x2045), 0xbd6);
    const parts = image([0x6000, new Uint8Array([0x0c, 0x94, 0x00, 0x38])], [0x6010, code(0xa32, 9)], [0x7000, boot], [0x7fa0, code(0x18, 2)], [0x7fe0, code(0x20, 4)]);
    for (const img of [parts, MemoryImage.fromSegments([{ address: 0x6000, data: parts.read(0x6000, 0x2000) }])]) {
      const id = identifyBootloader(img, atmega32u4)!;
      expect([id.bootStart, id.auxStart, id.hasApplication, id.entryAtBootStart, id.presets.map((p) => p.id)]).toEqual([0x7000, 0x6000, false, true, ['lufa-ms-8k']]);
    }
  });

  test('merged below an application: the application ends at the aux start', () => {
    const id = identifyBootloader(image([0, code(0x4000, 11)], ...lufaMs(0x800)), atmega32u4)!;
    expect([id.auxStart, id.hasApplication]).toEqual([0x6800, true]);
  });

  test('without its USB id, data below 0x7000 is an application and no LUFA preset is offered', () => {
    const id = identifyBootloader(image(...lufaMs(0x800, deviceDescriptor(0x03eb, 0x2ff4))), atmega32u4)!;
    expect(id.auxStart).toBeUndefined();
    expect(id.hasApplication).toBe(true);
    expect(id.presets.map((p) => p.id)).not.toContain('lufa-ms');
    expect(id.presets[0]?.id).toBe('atmel-dfu');
  });

  test('its USB id alone, with nothing below 0x7000, is an ordinary 4 KB bootloader', () => {
    const [, , boot] = lufaMs(0x800);
    const id = identifyBootloader(image(boot!), atmega32u4)!;
    expect(id.auxStart).toBeUndefined();
    expect(id.presets.map((p) => p.id)).not.toContain('lufa-ms');
  });
});

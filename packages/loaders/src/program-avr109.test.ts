import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Avr109Client } from './avr109-client.js';
import type { ByteStream } from './byte-stream.js';
import type { FlashImage } from './flash-image.js';
import { LoaderError } from './loader-error.js';
import { programAvr109 } from './program-avr109.js';
import type { LoaderProgress } from './progress.js';
import { CaterinaModel } from './testing/caterina-model.js';

const PRO_MICRO = { appLimit: 0x7000, expectedSignature: [0x1e, 0x95, 0x87] as const };

function bytes(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
}

function image(...segments: [number, Uint8Array][]): FlashImage {
  return { segments: segments.map(([address, data]) => ({ address, data })) };
}

/** Flash as the image should leave it: image bytes in the app area, 0xFF elsewhere, bootloader untouched. */
function expectedFlash(img: FlashImage, before: Uint8Array): Uint8Array {
  const out = Uint8Array.from(before);
  out.fill(0xff, 0, 0x7000);
  for (const s of img.segments) out.set(s.data, s.address);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<LoaderError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LoaderError);
  return err as LoaderError;
}

describe('programAvr109 against the Caterina model', () => {
  it('erases, writes, verifies and exits; the flash then holds exactly the image', async () => {
    const model = new CaterinaModel({ flash: Uint8Array.from(CaterinaModel.blankFlash(), (b, a) => (a < 0x7000 ? 0x00 : b)) });
    const before = Uint8Array.from(model.flash);
    const img = image([0, bytes(3000, 1)], [0x5000, bytes(200, 9)]);
    const progress: LoaderProgress[] = [];
    const result = await programAvr109(model.stream, img, { ...PRO_MICRO, onProgress: (p) => progress.push(p) });

    expect(result).toMatchObject({ softwareId: 'CATERIN', softwareVersion: '10', blockSize: 128 });
    expect(result.blocksWritten).toBe(24 + 2);
    expect(model.flash).toEqual(expectedFlash(img, before));
    expect(model.bootSectionWrites).toBe(0);
    const cmds = model.commands.join('');
    expect(cmds.indexOf('e')).toBeGreaterThan(-1);
    expect(cmds.indexOf('e')).toBeLessThan(cmds.indexOf('B'));
    expect(cmds.endsWith('LE')).toBe(true);
    expect(progress.at(-1)).toEqual({ phase: 'verify', done: 26 * 128, total: 26 * 128 });
    expect(progress.filter((p) => p.phase === 'write').at(-1)).toEqual({ phase: 'write', done: 26 * 128, total: 26 * 128 });

    // Caterina starts the application about 500 ms after E.
    expect(model.left).toBeUndefined();
    model.clock.advance(600);
    expect(model.left?.reason).toBe('exit-command');
  });

  it('writes page 0 last, so word 0 stays 0xFFFF until everything else is in', async () => {
    const model = new CaterinaModel();
    await programAvr109(model.stream, image([0, bytes(512, 3)]), PRO_MICRO);
    expect(model.blockWrites).toEqual([0x80, 0x100, 0x180, 0]);
  });

  it('skips blank pages: the chip erase already left them 0xFF', async () => {
    const model = new CaterinaModel();
    const data = new Uint8Array(512).fill(0xff);
    data[0] = 1;
    data[400] = 2;
    const result = await programAvr109(model.stream, image([0, data]), PRO_MICRO);
    expect(result.blocksWritten).toBe(2);
    expect(model.commands.filter((c) => c === 'B')).toHaveLength(2);
    expect(model.flash[0]).toBe(1);
    expect(model.flash[400]).toBe(2);
  });

  it('refuses an image that reaches into the bootloader before sending anything', async () => {
    const model = new CaterinaModel();
    const err = await rejection(programAvr109(model.stream, image([0x6f00, bytes(0x101, 0)]), PRO_MICRO));
    expect(err.code).toBe('image-too-big');
    expect(err.message).toContain('0x7000');
    expect(model.commands).toEqual([]);
  });

  it('refuses a chip with another signature', async () => {
    const model = new CaterinaModel({ signature: [0x1e, 0x94, 0x88] });
    const err = await rejection(programAvr109(model.stream, image([0, bytes(128, 0)]), PRO_MICRO));
    expect(err.code).toBe('unsupported');
    expect(err.message).toContain('1e 94 88');
    expect(model.commands).not.toContain('e');
  });

  it('reports a verify failure with the address when flash does not hold what was written', async () => {
    let corrupted = false;
    const model = new CaterinaModel({
      beforeCommand: (cmd, m) => {
        if (cmd === 'g' && !corrupted) {
          corrupted = true;
          m.flash[0x105] = m.flash[0x105]! ^ 0x10;
        }
      },
    });
    const err = await rejection(programAvr109(model.stream, image([0, bytes(512, 5)]), PRO_MICRO));
    expect(err.code).toBe('verify-failed');
    expect(err.address).toBe(0x105);
    expect(model.commands).not.toContain('E');
  });

  it('fails clearly when the bootloader times out mid-install (host stalled 9 s during verify)', async () => {
    let stalled = false;
    const model = new CaterinaModel({
      beforeCommand: (cmd, m) => {
        if (cmd === 'A' && m.commands.includes('g') && !stalled) {
          stalled = true;
          m.clock.advance(9000);
        }
      },
    });
    const err = await rejection(programAvr109(model.stream, image([0, bytes(1024, 7)]), PRO_MICRO));
    expect(model.left?.reason).toBe('timeout');
    expect(err.code).toBe('disconnected');
    expect(err.message).toMatch(/port closed while setting the address 0x0[0-9a-f]{3} \(A\)/);
  });

  it('fails clearly when the old application is still there and the host is slow to start', async () => {
    const flash = CaterinaModel.blankFlash();
    flash.set(bytes(256, 1), 0);
    const model = new CaterinaModel({
      flash,
      beforeCommand: (cmd, m) => {
        if (cmd === 'P') m.clock.advance(8100);
      },
    });
    const err = await rejection(programAvr109(model.stream, image([0, bytes(256, 2)]), PRO_MICRO));
    expect(err.code).toBe('disconnected');
    expect(model.left?.reason).toBe('timeout');
    expect(model.flash.subarray(0, 256)).toEqual(bytes(256, 1));
  });

  it('installs any image that fits, byte for byte', async () => {
    const segment = fc.record({
      address: fc.integer({ min: 0, max: 0x6fff }),
      data: fc.uint8Array({ minLength: 1, maxLength: 600 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 4 }), async (segs) => {
        // Keep segments inside the app area and apart (later ones win where they overlap, as in a MemoryImage).
        const fitted = segs.map((s) => ({ address: s.address, data: s.data.subarray(0, 0x7000 - s.address) }));
        const model = new CaterinaModel();
        const before = Uint8Array.from(model.flash);
        await programAvr109(model.stream, { segments: fitted }, PRO_MICRO);
        expect(model.flash).toEqual(expectedFlash({ segments: fitted }, before));
        expect(model.bootSectionWrites).toBe(0);
      }),
      { numRuns: 12 },
    );
  }, 30_000);
});

describe('Avr109Client', () => {
  function recorder(replies: number[]): { stream: ByteStream; sent: number[][] } {
    const sent: number[][] = [];
    const queue = [...replies];
    return {
      sent,
      stream: {
        write: async (d) => void sent.push([...d]),
        read: async (n) => Uint8Array.from(queue.splice(0, n)),
        close: async () => {},
      },
    };
  }

  it('sends A with the WORD address of a byte address', async () => {
    const { stream, sent } = recorder([0x0d]);
    await new Avr109Client(stream).setAddress(0x6f80);
    expect(sent).toEqual([[0x41, 0x37, 0xc0]]);
  });

  it('frames a block write as B len_hi len_lo F data', async () => {
    const { stream, sent } = recorder([0x0d]);
    await new Avr109Client(stream).writeFlashBlock(Uint8Array.of(1, 2, 3, 4));
    expect(sent).toEqual([[0x42, 0x00, 0x04, 0x46, 1, 2, 3, 4]]);
  });

  it('reverses the signature bytes Caterina sends last first', async () => {
    const { stream } = recorder([0x87, 0x95, 0x1e]);
    expect(await new Avr109Client(stream).signature()).toEqual([0x1e, 0x95, 0x87]);
  });

  it("names a '?' reply as an unsupported command", async () => {
    const { stream } = recorder([0x3f]);
    const err = await rejection(new Avr109Client(stream).chipErase());
    expect(err.code).toBe('protocol');
    expect(err.message).toContain("'?'");
  });

  it('turns a silent port into a timeout naming the command', async () => {
    const model = new CaterinaModel();
    const client = new Avr109Client({ ...model.stream, write: async () => {} });
    const err = await rejection(client.softwareId());
    expect(err.code).toBe('timeout');
    expect(err.message).toBe('the bootloader did not answer within 1000 ms while identifying the bootloader (S)');
  });
});

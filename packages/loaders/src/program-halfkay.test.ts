import { describe, expect, it } from 'vitest';
import type { FlashImage } from './flash-image.js';
import type { HidDevice } from './hid-device.js';
import { LoaderError } from './loader-error.js';
import { halfKayBootReport, halfKayReport, programHalfKay, teensy2HalfKay } from './program-halfkay.js';
import { HalfKayModel } from './testing/halfkay-model.js';
import { VirtualClock } from './testing/virtual-clock.js';

function bytes(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 29 + seed) & 0xff);
}

function image(...segments: [number, Uint8Array][]): FlashImage {
  return { segments: segments.map(([address, data]) => ({ address, data })) };
}

async function rejection(p: Promise<unknown>): Promise<LoaderError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LoaderError);
  return err as LoaderError;
}

describe('HalfKay reports', () => {
  it('carry the byte address low byte first, then 128 data bytes', () => {
    const r = halfKayReport(0x7d80, bytes(128, 1), 128);
    expect(r.length).toBe(130);
    expect([r[0], r[1]]).toEqual([0x80, 0x7d]);
    expect(r.subarray(2)).toEqual(bytes(128, 1));
  });

  it('boot with FF FF FF and zeros', () => {
    const r = halfKayBootReport(128);
    expect(r.length).toBe(130);
    expect([...r.subarray(0, 4)]).toEqual([0xff, 0xff, 0xff, 0x00]);
    expect(r.subarray(3).every((b) => b === 0)).toBe(true);
  });
});

describe('programHalfKay against the HalfKay model', () => {
  it('erases with block 0, writes the used blocks, skips blank ones and boots', async () => {
    const clock = new VirtualClock();
    const model = new HalfKayModel({ clock });
    const blank = new Uint8Array(256).fill(0xff);
    const img = image([0, bytes(300, 3)], [0x1000, blank], [0x7d00, bytes(256, 8)]);
    const result = await programHalfKay(model.device, img, { ...teensy2HalfKay, clock });

    expect(model.writes).toEqual([0x000, 0x080, 0x100, 0x7d00, 0x7d80]);
    expect(result).toEqual({ blocksWritten: 5, bytesWritten: 5 * 128, booted: true });
    expect(model.booted).toBeDefined();
    expect(model.bootloaderWrites).toBe(0);
    const expected = new Uint8Array(0x7e00).fill(0xff);
    expected.set(bytes(300, 3), 0);
    expected.set(bytes(256, 8), 0x7d00);
    expect(model.flash.subarray(0, 0x7e00)).toEqual(expected);
    expect(model.flash.subarray(0x7e00)).toEqual(HalfKayModel.oldFlash().subarray(0x7e00));
    // The erase stalls the device: the client retried instead of giving up.
    expect(model.rejectedWrites).toBe(3);
  });

  it('always sends block 0, even for an image that starts higher, so the chip gets erased', async () => {
    const clock = new VirtualClock();
    const model = new HalfKayModel({ clock });
    await programHalfKay(model.device, image([0x400, bytes(128, 1)]), { ...teensy2HalfKay, clock });
    expect(model.writes).toEqual([0, 0x400]);
    expect(model.flash.subarray(0, 0x400).every((b) => b === 0xff)).toBe(true);
  });

  it('refuses an image past 32256 bytes before touching the device', async () => {
    const clock = new VirtualClock();
    const model = new HalfKayModel({ clock });
    const err = await rejection(programHalfKay(model.device, image([0x7d00, bytes(0x101, 0)]), { ...teensy2HalfKay, clock }));
    expect(err.code).toBe('image-too-big');
    expect(err.message).toContain('32256');
    expect(model.writes).toEqual([]);
    expect(model.erased).toBe(false);
  });

  it('reports a board that leaves the bootloader mid-install, and no success', async () => {
    const clock = new VirtualClock();
    const model = new HalfKayModel({ clock, failAfterBlocks: { count: 3, mode: 'disconnect' } });
    const err = await rejection(programHalfKay(model.device, image([0, bytes(1024, 2)]), { ...teensy2HalfKay, clock }));
    expect(err.code).toBe('disconnected');
    expect(err.address).toBe(0x180);
    expect(err.message).toContain('0x0180');
    expect(model.booted).toBeUndefined();
  });

  it('times out like teensy_loader_cli when the bootloader stops answering mid-install', async () => {
    const clock = new VirtualClock();
    const model = new HalfKayModel({ clock, failAfterBlocks: { count: 6, mode: 'hang' } });
    const start = clock.now();
    const err = await rejection(programHalfKay(model.device, image([0, bytes(2048, 2)]), { ...teensy2HalfKay, clock }));
    expect(err.code).toBe('timeout');
    expect(err.address).toBe(0x300);
    // Block 6 is past the first five: it gets the short 0.5 s window (plus the erase and page times before it).
    expect(clock.now() - start).toBeLessThan(2000);
    expect(model.booted).toBeUndefined();
  });

  it('gives the first blocks 45 s, retrying every 10 ms, while the erase keeps the device busy', async () => {
    const clock = new VirtualClock();
    const model = new HalfKayModel({ clock, busyAfterErase: 100_000, eraseMs: 0 });
    const err = await rejection(programHalfKay(model.device, image([0, bytes(128, 2)]), { ...teensy2HalfKay, clock }));
    expect(err.code).toBe('timeout');
    expect(err.message).toContain('45000 ms');
    expect(err.message).toContain('busy');
    expect(model.rejectedWrites).toBeGreaterThan(4000);
    expect(model.rejectedWrites).toBeLessThan(4600);
  });

  it('treats a device that vanishes on the boot command as booted', async () => {
    const clock = new VirtualClock();
    const model = new HalfKayModel({ clock });
    const device: HidDevice = {
      write: async (r) => {
        await model.device.write(r);
        if (r[0] === 0xff && r[1] === 0xff) throw Object.assign(new Error('gone'), { code: 'closed' });
      },
      close: async () => {},
    };
    const result = await programHalfKay(device, image([0, bytes(128, 2)]), { ...teensy2HalfKay, clock });
    expect(result.booted).toBe(true);
  });
});

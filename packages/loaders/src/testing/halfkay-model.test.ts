import { describe, expect, it } from 'vitest';
import { HalfKayModel } from './halfkay-model.js';

function report(address: number, fill: number): Uint8Array {
  const r = new Uint8Array(130).fill(fill);
  r[0] = address & 0xff;
  r[1] = address >> 8;
  return r;
}

describe('HalfKayModel', () => {
  it('erases the application area on the first block and stalls while it does', async () => {
    const m = new HalfKayModel({ busyAfterErase: 2 });
    await expect(m.device.write(report(0, 0x11))).rejects.toThrow(/busy erasing/);
    expect(m.flash.subarray(0, 0x7e00).every((b) => b === 0xff)).toBe(true);
    await expect(m.device.write(report(0, 0x11))).rejects.toThrow(/busy/);
    await m.device.write(report(0, 0x11));
    expect(m.flash.subarray(0, 128).every((b) => b === 0x11)).toBe(true);
    expect(m.flash[0x7e00]).toBe(HalfKayModel.oldFlash()[0x7e00]);
  });

  it('only clears bits when a block is written twice', async () => {
    const m = new HalfKayModel({ busyAfterErase: 0 });
    await m.device.write(report(0x80, 0xf0));
    await m.device.write(report(0x80, 0x3c));
    expect(m.flash[0x80]).toBe(0x30);
  });

  it('ignores blocks in its own 512 bytes and counts them', async () => {
    const m = new HalfKayModel({ busyAfterErase: 0 });
    const before = Uint8Array.from(m.flash.subarray(0x7e00));
    await m.device.write(report(0x7e00, 0x00));
    expect(m.bootloaderWrites).toBe(1);
    expect(m.flash.subarray(0x7e00)).toEqual(before);
  });

  it('rejects reports that are not 130 bytes', async () => {
    const m = new HalfKayModel();
    await expect(m.device.write(new Uint8Array(129))).rejects.toThrow('HID output report must be 130 bytes, got 129');
    expect(m.erased).toBe(false);
  });

  it('boots on FF FF FF and is gone afterwards', async () => {
    const m = new HalfKayModel();
    let booted = 0;
    m.onBoot(() => booted++);
    const boot = new Uint8Array(130);
    boot.set([0xff, 0xff, 0xff]);
    await m.device.write(boot);
    expect(booted).toBe(1);
    await expect(m.device.write(report(0, 0))).rejects.toMatchObject({ code: 'closed' });
  });
});

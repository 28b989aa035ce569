import { decodeBackup, MemoryImage, serializeIntelHex, type ChipBackup } from '@ispkit/ihex';
import { seededBytes } from '@ispkit/ihex/testing';
import { describe, expect, test } from 'vitest';
import type { BackupSink } from '../backup.js';
import { IspkitError } from '../errors.js';
import { parseFuseRequest } from '../fuse-policy.js';
import { recordFlow } from '../testing/record-flow.js';
import { backupFlow } from './backup.js';
import { handednessFlow } from './eeprom.js';
import { flash } from './flash.js';
import { restoreFlow } from './restore.js';


/** A sink that keeps the files in memory, as a page keeping a download would. */
function memorySink(): BackupSink & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  return {
    tool: 'ispkit test',
    files,
    async save(backup, bytes) {
      const name = `${backup.part}-${files.size + 1}.elf`;
      files.set(name, bytes);
      return { location: name, restore: `restore ${name}` };
    },
  };
}

async function failure(p: Promise<unknown>): Promise<IspkitError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IspkitError);
  return err as IspkitError;
}

const fw = { name: 'fw.hex', bytes: serializeIntelHex(MemoryImage.fromBinary(seededBytes(2048, 3), 0)) };

/** A fake chip holding random flash and EEPROM. */
function filledChip(fuses = { low: 0xde, high: 0x99, ext: 0xf3 }, lock = 0xff) {
  const r = recordFlow({ target: { fuses: { ...fuses }, lock } });
  r.programmer.target.flash.set(seededBytes(32768, 11));
  r.programmer.target.eeprom.set(seededBytes(1024, 12));
  return r;
}

// whole-chip reads on the in-memory fake take a second or more of CPU; a loaded machine must not fail them
describe('backups in the flows (in-memory fake programmer)', { timeout: 30_000 }, () => {
  test('flash backs up the whole chip before the erase, and the backup decodes to what the chip held', async () => {
    const r = filledChip();
    const flashBefore = r.programmer.target.flash.slice();
    const eepromBefore = r.programmer.target.eeprom.slice();
    const sink = memorySink();
    const data = await flash(r.ctx, r.link, { firmware: fw, backup: sink });
    expect(data).toMatchObject({ backup: 'atmega32u4-1.elf' });
    const steps = r.of('step').map((s) => s.step);
    expect(steps.indexOf('backup')).toBeGreaterThan(steps.indexOf('speed'));
    expect(steps.indexOf('backup')).toBeLessThan(steps.indexOf('erase'));
    const saved: ChipBackup = decodeBackup(sink.files.get('atmega32u4-1.elf')!);
    expect(saved.flash).toEqual(flashBefore);
    expect(saved.eeprom).toEqual(eepromBefore);
    expect(saved).toMatchObject({ part: 'atmega32u4', signature: [0x1e, 0x95, 0x87], fuses: { low: 0xde, high: 0x99, ext: 0xf3 }, lock: 0xff, tool: 'ispkit test' });
  });

  test('a failure after the backup names it and what restores it', async () => {
    const r = recordFlow({ target: { fuses: { low: 0xde, high: 0x99, ext: 0xf3 } }, disconnectAfterBytes: 6000 });
    const big = { name: 'big.hex', bytes: serializeIntelHex(MemoryImage.fromBinary(seededBytes(16384, 5), 0)) };
    const e = await failure(flash(r.ctx, r.link, { firmware: big, backup: memorySink() }));
    expect(e.message).toMatch(/^the programmer on \/dev\/fake0 disconnected while writing flash/);
    expect(e.message).toMatch(/; the chip as it was before is backed up in atmega32u4-1\.elf: restore atmega32u4-1\.elf puts it back$/);
    expect(e.details).toMatchObject({ backup: 'atmega32u4-1.elf' });
  });

  test('a read-protected chip is refused before anything changes; without a backup the flash goes ahead', async () => {
    const r = filledChip({ low: 0x5e, high: 0x99, ext: 0xf3 }, 0xfc);
    const before = r.programmer.target.flash.slice();
    const e = await failure(flash(r.ctx, r.link, { firmware: fw, backup: memorySink() }));
    expect(e.exitCode).toBe(4);
    expect(e.code).toBe('chip-locked');
    expect(e.message).toMatch(/^the chip is read-protected \(lock bits FC: LB mode 3/);
    expect(r.programmer.target.flash).toEqual(before);
    expect(r.programmer.target.fuses).toEqual({ low: 0x5e, high: 0x99, ext: 0xf3 });
    // no busy polls: fuse-write waits are wall-clock bounded, and a loaded machine must not fail this part
    const again = recordFlow({ target: { lock: 0xfc, busyPolls: 0 } });
    await flash(again.ctx, again.link, { firmware: fw });
    expect(again.programmer.target.lock).toBe(0xff);
  });

  test('keepEeprom: EESAVE for the erase, EEPROM unchanged, the requested high fuse last', async () => {
    const r = filledChip({ low: 0x5e, high: 0x99, ext: 0xf3 });
    const eeprom = r.programmer.target.eeprom.slice();
    const data = await flash(r.ctx, r.link, { firmware: fw, keepEeprom: true, fuses: parseFuseRequest({ fuses: 'caterina-5v' }, undefined) });
    expect(data).toMatchObject({ keptEeprom: true });
    expect(r.programmer.target.eeprom).toEqual(eeprom);
    expect(r.programmer.target.fuses).toEqual({ low: 0xff, high: 0xd8, ext: 0xfb });
    expect(r.of('chip-state').some((s) => /high fuse is temporarily 91 \(EESAVE programmed/.test(s.text))).toBe(true);
  });

  test('keepEeprom interrupted by an unplug: the error says the high fuse is still the temporary EESAVE value', async () => {
    const r = recordFlow({ target: { fuses: { low: 0xde, high: 0x99, ext: 0xf3 } }, disconnectAfterBytes: 3000 });
    const big = { name: 'big.hex', bytes: serializeIntelHex(MemoryImage.fromBinary(seededBytes(16384, 6), 0)) };
    const e = await failure(flash(r.ctx, r.link, { firmware: big, keepEeprom: true }));
    expect(e.exitCode).toBe(3);
    expect(e.message).toMatch(/its high fuse is temporarily 91 \(EESAVE programmed so the erase keeps the EEPROM; it should become 99\)/);
    expect(r.programmer.target.fuses.high).toBe(0x91);
  });

  test('backup then restore onto a changed chip puts everything back; a second restore writes no EEPROM page', async () => {
    const r = filledChip();
    const sink = memorySink();
    await backupFlow(r.ctx, r.link, { backup: sink });
    const file = { name: 'b.elf', bytes: sink.files.get('atmega32u4-1.elf')! };
    const original = decodeBackup(file.bytes);
    const t = r.programmer.target;
    t.flash.set(seededBytes(32768, 99));
    t.eeprom.set(seededBytes(512, 98));
    t.fuses.low = 0xff;
    const first = await restoreFlow(r.ctx, r.link, { file, backup: sink });
    expect(first).toMatchObject({ eepromBytesWritten: 512, verified: true });
    expect(t.flash).toEqual(original.flash);
    expect(t.eeprom).toEqual(original.eeprom);
    expect(t.fuses).toEqual(original.fuses);
    expect(sink.files.size).toBe(2); // the chip as it was before the restore
    const second = await restoreFlow(r.ctx, r.link, { file });
    expect(second).toMatchObject({ eepromBytesWritten: 0 });
  });

  test('a backup of another chip or a damaged file is refused', async () => {
    const r = filledChip();
    const sink = memorySink();
    await backupFlow(r.ctx, r.link, { backup: sink });
    const bytes = sink.files.get('atmega32u4-1.elf')!.slice();
    bytes[1000] = bytes[1000]! ^ 1;
    const e = await failure(restoreFlow(r.ctx, r.link, { file: { name: 'b.elf', bytes } }));
    expect(e.code).toBe('backup-checksum');
    const other = recordFlow({ target: { signature: [0x1e, 0x94, 0x88] } });
    const w = await failure(restoreFlow(other.ctx, other.link, { file: { name: 'b.elf', bytes: sink.files.get('atmega32u4-1.elf')! } }));
    expect(w.exitCode).toBe(4);
    expect(w.message).toMatch(/^the backup is of ATmega32U4 \(1E 95 87\) but the target is ATmega16U4 \(1E 94 88\)/);
  });

  test('confirm: asked once the backup matches the chip, before any change; no leaves the chip untouched, yes restores', async () => {
    const r = filledChip({ low: 0xff, high: 0xd8, ext: 0xfb });
    const sink = memorySink();
    await backupFlow(r.ctx, r.link, { backup: sink });
    const file = { name: 'b.elf', bytes: sink.files.get('atmega32u4-1.elf')! };
    const t = r.programmer.target;
    t.flash.set(seededBytes(32768, 77));
    t.fuses.ext = 0xfe;
    const before = { flash: t.flash.slice(), eeprom: t.eeprom.slice(), fuses: { ...t.fuses } };
    const asked: string[][] = [];
    const no = await failure(restoreFlow(r.ctx, r.link, { file, backup: sink, confirm: async (plan) => (asked.push(plan.lines), false) }));
    expect(no).toMatchObject({ code: 'cancelled', exitCode: 130, message: 'restore cancelled; nothing was changed' });
    expect(asked).toEqual([
      [
        'the chip is ATmega32U4 (1E 95 87), as in the backup',
        'restoring erases it, then writes 32 KB of flash, the EEPROM pages that differ from the backup, fuses ext FE → FB and lock bits FF',
        'what is on the chip now is backed up first',
      ],
    ]);
    expect(t.flash).toEqual(before.flash);
    expect(t.fuses).toEqual(before.fuses);
    expect(sink.files.size).toBe(1);
    const yes = await restoreFlow(r.ctx, r.link, { file, confirm: async () => true });
    expect(yes).toMatchObject({ verified: true, fuses: { low: 0xff, high: 0xd8, ext: 0xfb } });
    expect(t.flash).toEqual(decodeBackup(file.bytes).flash);
  });

  test('handedness writes byte 14 only, verified', async () => {
    const r = filledChip();
    const t = r.programmer.target;
    t.eeprom.set([0xe7, 0xfe], 0);
    t.eeprom[14] = 0;
    const before = t.eeprom.slice();
    await handednessFlow(r.ctx, r.link, { side: 'left' });
    expect(t.eeprom[14]).toBe(1);
    expect(Array.from(t.eeprom).filter((b, i) => i !== 14 && b !== before[i])).toEqual([]);
  });
});

import { MemoryImage, parseIntelHex, serializeIntelHex } from '@ispkit/ihex';
import { describe, expect, test } from 'vitest';
import { IspkitError } from '../errors.js';
import { parseFuseRequest } from '../fuse-policy.js';
import { recordFlow } from '../testing/record-flow.js';
import { writeEepromFlow } from './eeprom.js';
import { erase } from './erase.js';
import { readFusesFlow, writeFusesFlow } from './fuses.js';
import { info } from './info.js';
import { readLockFlow, writeLockFlow } from './lock.js';
import { readMemory } from './read.js';
import { verify } from './verify.js';

const fast = { low: 0xde, high: 0x99, ext: 0xf3 };

async function failure(p: Promise<unknown>): Promise<IspkitError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IspkitError);
  return err as IspkitError;
}

function hexOf(bytes: number[], address: number): string {
  return serializeIntelHex(MemoryImage.fromBinary(Uint8Array.from(bytes), address));
}

describe('the other flows on the in-memory fake programmer', () => {
  test('info: one result with programmer, part, decoded fuses and lock bits; nothing written', async () => {
    const r = recordFlow({ target: { fuses: fast } });
    const data = await info(r.ctx, r.link);
    expect(data).toMatchObject({ port: '/dev/fake0', target: { part: 'atmega32u4', signature: '1E 95 87' }, lock: 0xff });
    const [result] = r.of('result');
    expect(result!.lines[0]).toMatch(/^programmer: .* on \/dev\/fake0, SCK 250 kHz$/);
    expect(result!.lines).toContain('lock bits: FF (no locks)');
    expect(r.programmer.target.stats.fuseWrites + r.programmer.target.stats.pageWrites + r.programmer.target.stats.chipErases).toBe(0);
    expect(r.programmer.target.programmingEnabled).toBe(false); // left programming mode: the keyboard runs
  });

  test('verify: equal image passes; a differing byte is exit 5 with its address', async () => {
    const r = recordFlow({ target: { fuses: fast } });
    r.programmer.target.flash.set([1, 2, 3, 4], 0x100);
    await verify(r.ctx, r.link, { file: { name: 'same.hex', bytes: hexOf([1, 2, 3, 4], 0x100) } });
    expect(r.of('result')[0]!.lines).toEqual(['same.hex: 4 B match the chip']);
    const r2 = recordFlow({ target: { fuses: fast } });
    r2.programmer.target.flash.set([1, 2, 3, 4], 0x100);
    const err = await failure(verify(r2.ctx, r2.link, { file: { name: 'other.hex', bytes: hexOf([1, 2, 9, 4], 0x100) } }));
    expect([err.exitCode, err.message]).toEqual([5, 'verify failed: 1 byte of flash differs, the first at 0x0102 (expected 09, read 03)']);
  });

  test('fuses: a preset is written and read back; a preset for another part is a usage error; lock-out values are refused', async () => {
    const r = recordFlow({ target: { fuses: fast } });
    await readFusesFlow(r.ctx, r.link);
    expect(r.of('result')[0]!.lines[0]).toBe('ATmega32U4 fuses: low DE, high 99, extended F3');
    await writeFusesFlow(r.ctx, r.link, { fuses: parseFuseRequest({ preset: 'caterina-5v' }, undefined) });
    expect(r.programmer.target.fuses).toEqual({ low: 0xff, high: 0xd8, ext: 0xfb });
    expect(r.of('result')[1]!.lines).toEqual(['wrote ext FB, high D8, low FF; read back: low FF high D8 ext FB']);
    // BOOTRST programmed over an erased boot section is worth a warning
    expect(r.of('warning').some((w) => /boot section start 0x7000 is erased/.test(w.text))).toBe(true);

    const other = recordFlow({ target: { signature: [0x1e, 0x95, 0x0f], fuses: { low: 0xff, high: 0xd9, ext: 0xff } } });
    const usage = await failure(writeFusesFlow(other.ctx, other.link, { fuses: parseFuseRequest({ preset: 'caterina-5v' }, undefined) }));
    expect([usage.exitCode, usage.message]).toEqual([2, 'preset caterina-5v is for atmega32u4, but the target is ATmega328P']);

    const danger = recordFlow({ target: { fuses: fast } });
    const refused = await failure(writeFusesFlow(danger.ctx, danger.link, { fuses: parseFuseRequest({ hfuse: 'D9', lfuse: 'E0' }, undefined) }));
    expect(refused.exitCode).toBe(6);
    expect(danger.programmer.target.stats.fuseWrites).toBe(0);
    await expect(writeFusesFlow(danger.ctx, danger.link, { fuses: { values: {} } })).rejects.toMatchObject({ exitCode: 2, message: 'nothing to write' });
  });

  test('eeprom write keeps the chip\'s bytes the file leaves out, verifies, and read saves Intel HEX through the callback', async () => {
    const r = recordFlow({ target: { fuses: fast } });
    r.programmer.target.eeprom.set([0xaa, 0xbb, 0xcc, 0xdd], 0x10);
    await writeEepromFlow(r.ctx, r.link, { file: { name: 'e.eep', bytes: hexOf([1, 2], 0x11) } });
    expect([...r.programmer.target.eeprom.subarray(0x10, 0x14)]).toEqual([0xaa, 1, 2, 0xdd]);
    expect(r.of('result')[0]!.lines).toEqual(['wrote 2 B to EEPROM (1 page written, 255 already equal) and verified']);
    let saved = '';
    await readMemory(r.ctx, r.link, { memory: 'eeprom', output: { name: 'backup.hex', save: async (t) => void (saved = t) } });
    expect(parseIntelHex(saved).read(0x10, 4)).toEqual(Uint8Array.from([0xaa, 1, 2, 0xdd]));
    expect(r.of('result')[1]!.lines).toEqual(['read 1 KB of eeprom; wrote backup.hex (20 B before the trailing erased bytes)']);
    const progress = r.of('progress').filter((p) => p.task === 'reading eeprom');
    expect(progress.at(-1)).toMatchObject({ phase: 'finish', done: 1024, total: 1024 });
    await expect(writeEepromFlow(r.ctx, r.link, { file: { name: 'big.eep', bytes: hexOf([1], 0x400) } })).rejects.toMatchObject({ code: 'outside-eeprom' });
  });

  test('erase blanks flash; lock bits are written, read back, and a chip erase clears them', async () => {
    const r = recordFlow({ target: { fuses: fast } });
    r.programmer.target.flash.set([1, 2, 3], 0);
    await writeLockFlow(r.ctx, r.link, { value: 0x3c });
    expect(r.programmer.target.lock).toBe(0xfc);
    await readLockFlow(r.ctx, r.link);
    expect(r.of('result')[1]!.data).toMatchObject({ lock: 0xfc });
    await erase(r.ctx, r.link);
    expect([...r.programmer.target.flash.subarray(0, 3)]).toEqual([0xff, 0xff, 0xff]);
    expect(r.programmer.target.lock).toBe(0xff);
    expect(r.of('result')[2]!.lines[0]).toMatch(/^erased ATmega32U4 \(\d+\.\d\d s\)$/);
  });

  test('a programmer that never answers is exit 3 "not responding", with what to check', async () => {
    const r = recordFlow({ silent: true });
    const err = await failure(info(r.ctx, r.link));
    expect(err.exitCode).toBe(3);
    expect(err.code).toBe('not-responding');
    expect(err.message).toMatch(/^the programmer on \/dev\/fake0 is not responding while connecting /);
    expect(err.hint).toBe('check that it runs the ispkit (or ArduinoISP) firmware, then unplug and replug it');
  }, 20_000);
});

/**
 * End to end, nothing mocked: backups, restore, --keep-eeprom and QMK handedness through the ispkit CLI →
 * serialport → the simulator's pty → our firmware in simavr → the modelled target ATmega32U4; the backup file is
 * also read by the real avrdude 7.1 (`:e`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryImage, decodeBackup, encodeBackup, parseIntelHex, type ChipBackup } from '@ispkit/ihex';
import { startSim, type Sim } from '@ispkit/sim';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../test-support/run-cli.js';
import { differs, seeded, tempDir, writeHex } from './fixtures.js';

const MINUTE = 60_000;
let dir: string;
let sims: Sim[] = [];

async function sim(options: Parameters<typeof startSim>[0]): Promise<Sim> {
  const s = await startSim({ maxSimSeconds: 120, ...options });
  sims.push(s);
  return s;
}

beforeAll(() => {
  dir = tempDir('backup');
});

afterEach(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  sims = [];
});

/** A chip holding random flash (preloaded) and random EEPROM (written through ispkit). */
async function randomChip(fuses: string, seed: number): Promise<{ s: Sim; flash: MemoryImage; eeprom: MemoryImage }> {
  const flash = MemoryImage.fromBinary(seeded(32768, seed), 0);
  const s = await sim({ board: 'teensy2', fuses, flashImage: flash });
  const eeprom = MemoryImage.fromBinary(seeded(1024, seed + 1), 0);
  const w = await runCli(['eeprom', 'write', writeHex(dir, `eeprom-${seed}.hex`, eeprom), '--no-backup', '-P', s.port]);
  expect(w.code, w.stderr).toBe(0);
  expect(differs(eeprom, await s.eepromImage())).toBeUndefined();
  return { s, flash, eeprom };
}

function backupPath(r: { json: { event: string; data?: unknown }[] }): string {
  const result = r.json.find((e) => e.event === 'result') as { data: { backup?: string; path?: string } } | undefined;
  const path = result?.data.backup ?? result?.data.path;
  expect(path).toBeTypeOf('string');
  return path!;
}

describe('backups in the simulator', () => {
  test('flash with defaults backs up the whole chip first; restore puts back flash, EEPROM and fuses exactly; avrdude reads the backup', async () => {
    const { s, flash, eeprom } = await randomChip('5E:99:F3', 11);
    const app = MemoryImage.fromBinary(seeded(6000, 3), 0);
    const r = await runCli(['flash', writeHex(dir, 'app.hex', app), '--fuses', 'caterina-5v', '-P', s.port, '--json']);
    expect(r.code, r.stdout).toBe(0);
    const path = backupPath(r);
    expect(r.json).toContainEqual(expect.objectContaining({ event: 'message', level: 'info', text: expect.stringContaining(`saved to ${path}`) }));
    const saved = decodeBackup(readFileSync(path));
    expect(saved.flash).toEqual(flash.toBinary());
    expect(saved.eeprom).toEqual(eeprom.toBinary());
    expect(saved.fuses).toEqual({ low: 0x5e, high: 0x99, ext: 0xf3 });
    expect(saved.lock).toBe(0xff);
    // the flash changed the chip: the new image is there, the EEPROM is erased (EESAVE off)
    expect(differs(app, await s.targetImage())).toBeUndefined();
    expect((await s.eepromImage()).read(0, 1024).every((b) => b === 0xff)).toBe(true);

    const back = await runCli(['restore', path, '-P', s.port, '--json']);
    expect(back.code, back.stdout).toBe(0);
    expect(back.json.find((e) => e.event === 'result')).toMatchObject({ data: { verified: true, fuses: { low: 0x5e, high: 0x99, ext: 0xf3 }, lock: 0xff } });
    expect((await s.targetImage()).read(0, 32768)).toEqual(flash.toBinary());
    expect((await s.eepromImage()).read(0, 1024)).toEqual(eeprom.toBinary());
    expect(await s.fuses()).toEqual({ low: 0x5e, high: 0x99, ext: 0xf3, lock: 0xff });
    expect((await s.stats()).violations).toMatchObject({ busy: 0, sckTooFast: 0 });

    // again onto the same chip: EESAVE keeps the EEPROM through the erase, and no EEPROM page needs writing
    const again = await runCli(['restore', path, '--no-backup', '-P', s.port, '--json']);
    expect(again.code, again.stdout).toBe(0);
    expect(again.json.find((e) => e.event === 'result')).toMatchObject({ data: { eepromBytesWritten: 0, fuses: { low: 0x5e, high: 0x99, ext: 0xf3 } } });
    expect((await s.eepromImage()).read(0, 1024)).toEqual(eeprom.toBinary());

    // stock avrdude reads the same file with :e and finds the chip equal to it
    const v = spawnSync('avrdude', ['-c', 'avrisp', '-P', s.port, '-p', 'm32u4', ...['flash', 'eeprom', 'lfuse', 'hfuse', 'efuse'].flatMap((m) => ['-U', `${m}:v:${path}:e`])], { encoding: 'utf8' });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stderr).toMatch(/32768 bytes of flash verified/);
    expect(v.stderr).toMatch(/1024 bytes of eeprom verified/);
    expect(v.stderr).toMatch(/1 byte of efuse verified/);
  }, 4 * MINUTE);

  test('avrdude -U …:e writes an ispkit backup onto a blank chip: flash, EEPROM and fuses as backed up', async () => {
    const backup: ChipBackup = {
      part: 'atmega32u4',
      partName: 'ATmega32U4',
      signature: [0x1e, 0x95, 0x87],
      date: new Date().toISOString(),
      tool: 'ispkit test',
      flash: seeded(32768, 21),
      eeprom: seeded(1024, 22),
      fuses: { low: 0xff, high: 0xd8, ext: 0xfb },
      lock: 0xff,
    };
    const path = join(dir, 'for-avrdude.elf');
    writeFileSync(path, encodeBackup(backup));
    const s = await sim({ board: 'teensy2', fuses: 'DE:99:F3' });
    const u = (m: string): string[] => ['-U', `${m}:w:${path}:e`];
    execFileSync('avrdude', ['-c', 'avrisp', '-P', s.port, '-p', 'm32u4', ...u('flash'), ...u('eeprom'), ...u('efuse'), ...u('hfuse'), ...u('lfuse')], { stdio: ['ignore', 'pipe', 'pipe'] });
    expect((await s.targetImage()).read(0, 32768)).toEqual(backup.flash);
    expect((await s.eepromImage()).read(0, 1024)).toEqual(backup.eeprom);
    expect(await s.fuses()).toMatchObject({ low: 0xff, high: 0xd8, ext: 0xfb });
  }, 4 * MINUTE);

  test('--keep-eeprom: EESAVE for the erase, the EEPROM unchanged, the requested fuses set', async () => {
    const { s, eeprom } = await randomChip('5E:99:F3', 31);
    const app = MemoryImage.fromBinary(seeded(3000, 4), 0);
    const r = await runCli(['flash', writeHex(dir, 'keep.hex', app), '--keep-eeprom', '--fuses', 'caterina-5v', '--no-backup', '-P', s.port]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/keep EEPROM: EESAVE programmed \(high fuse 99 → 91\) so the chip erase leaves the EEPROM alone; the high fuse you asked for \(D8\) is written last/);
    expect((await s.eepromImage()).read(0, 1024)).toEqual(eeprom.toBinary());
    expect(differs(app, await s.targetImage())).toBeUndefined();
    expect(await s.fuses()).toMatchObject({ low: 0xff, high: 0xd8, ext: 0xfb });
  }, 4 * MINUTE);

  test('unplugged mid-restore: the error names the chip state, the rerun and the backup made before it', async () => {
    const original: ChipBackup = {
      part: 'atmega32u4',
      partName: 'ATmega32U4',
      signature: [0x1e, 0x95, 0x87],
      date: new Date().toISOString(),
      tool: 'ispkit test',
      flash: seeded(32768, 41),
      eeprom: seeded(1024, 42),
      fuses: { low: 0xde, high: 0x99, ext: 0xf3 },
      lock: 0xff,
    };
    const file = join(dir, 'to-restore.elf');
    writeFileSync(file, encodeBackup(original));
    const s = await sim({ board: 'teensy2', fuses: 'DE:99:F3', faults: 'disconnect:2300' }); // after the backup (see host-sim's unplug test), in the restore's writes
    const r = await runCli(['restore', file, '-P', s.port]);
    expect(r.code, r.stderr).toBe(3);
    const m = /^ispkit: error: the programmer on \S+ disconnected while (erasing the chip|writing flash|writing EEPROM|verifying flash|verifying EEPROM)[^:]*: .*; reconnect and run `ispkit restore \S+to-restore\.elf -P \S+` again; the chip as it was before is backed up in (\S+\.elf): `ispkit restore \2` puts it back$/m.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(existsSync(m![2]!)).toBe(true);
    expect(decodeBackup(readFileSync(m![2]!)).part).toBe('atmega32u4');
  }, 4 * MINUTE);

  test('a damaged backup is refused with its reason before the programmer is even opened', async () => {
    const good = encodeBackup({
      part: 'atmega32u4',
      partName: 'ATmega32U4',
      signature: [0x1e, 0x95, 0x87],
      date: new Date().toISOString(),
      tool: 'ispkit test',
      flash: seeded(32768, 51),
      eeprom: seeded(1024, 52),
      fuses: { low: 0x5e, high: 0x99, ext: 0xf3 },
      lock: 0xff,
    });
    const bad = good.slice();
    bad[0x2000] = bad[0x2000]! ^ 0x40; // inside .text
    const path = join(dir, 'damaged.elf');
    writeFileSync(path, bad);
    const r = await runCli(['restore', path, '-P', '/dev/nonexistent-programmer']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ispkit: error: damaged\.elf is not a usable ispkit backup: the flash checksum does not match \(file says CRC-32 [0-9A-F]{8}, contents give [0-9A-F]{8}\): the file is damaged; nothing was written to the chip/m);

    const firmware = join(dir, 'firmware.hex');
    writeFileSync(firmware, ':00000001FF\n');
    const f = await runCli(['restore', firmware, '-P', '/dev/nonexistent-programmer', '--json']);
    expect(f.code).toBe(1);
    expect(f.json.at(-1)).toMatchObject({ event: 'error', code: 'backup-not-elf' });
  });

  test('QMK handedness: the byte QMK\'s eeprom-lefthand/righthand.eep set, the rest of the EEPROM untouched; info shows it', async () => {
    // QMK's quantum/split_common/eeprom-{left,right}hand.eep, as the reference for the byte and its address
    const qmkLeft = parseIntelHex(':0F000000000000000000000000000000000001F0\n:00000001FF\n');
    const qmkRight = parseIntelHex(':0F000000000000000000000000000000000000F1\n:00000001FF\n');
    const s = await sim({ board: 'teensy2', fuses: 'DE:99:F3' });
    const settings = seeded(64, 61);
    settings[0] = 0xe7; // QMK's EECONFIG_MAGIC_NUMBER 0xFEE7, little-endian
    settings[1] = 0xfe;
    settings[14] = 0x00;
    const w = await runCli(['eeprom', 'write', writeHex(dir, 'qmk.eep', MemoryImage.fromBinary(settings, 0)), '--no-backup', '-P', s.port]);
    expect(w.code, w.stderr).toBe(0);
    const before = (await s.eepromImage()).read(0, 1024);

    const l = await runCli(['eeprom', 'handedness', 'left', '-P', s.port]);
    expect(l.code, l.stderr).toBe(0);
    let after = (await s.eepromImage()).read(0, 1024);
    expect(after[14]).toBe(qmkLeft.byteAt(14));
    expect(Array.from(after).filter((b, i) => i !== 14 && b !== before[i])).toEqual([]);
    const info = await runCli(['info', '-P', s.port, '--json']);
    expect(info.json.at(-1)).toMatchObject({ data: { qmk: { magic: 0xfee7, handedness: 'left', handednessByte: 1 } } });

    const r = await runCli(['eeprom', 'handedness', 'right', '-P', s.port]);
    expect(r.code, r.stderr).toBe(0);
    after = (await s.eepromImage()).read(0, 1024);
    expect(after[14]).toBe(qmkRight.byteAt(14));
    expect(Array.from(after).filter((b, i) => i !== 14 && b !== before[i])).toEqual([]);
    const text = await runCli(['info', '-P', s.port]);
    expect(text.stdout).toMatch(/EEPROM: QMK settings \(magic FEE7\); split handedness right \(byte 14 = 00\)/);
  }, 4 * MINUTE);

  test('a read-protected chip: its backup is refused as such, nothing changes; --no-backup goes ahead', async () => {
    const flash = MemoryImage.fromBinary(seeded(4096, 71), 0);
    const s = await sim({ board: 'teensy2', fuses: 'DE:99:F3', faults: 'locked', flashImage: flash });
    const b = await runCli(['backup', '-o', join(dir, 'locked.elf'), '-P', s.port]);
    expect(b.code).toBe(4);
    expect(b.stderr).toMatch(/^ispkit: error: the chip is read-protected \(lock bits [0-9A-F]{2}: LB mode 3, flash and EEPROM read back as garbage\), so no backup of it can be made; nothing was changed; .*--no-backup/m);
    expect(existsSync(join(dir, 'locked.elf'))).toBe(false);

    const app = MemoryImage.fromBinary(seeded(2048, 72), 0);
    const appPath = writeHex(dir, 'over-locked.hex', app);
    const f = await runCli(['flash', appPath, '-P', s.port]);
    expect(f.code).toBe(4);
    expect(f.stderr).toMatch(/read-protected/);
    expect(differs(flash, await s.targetImage())).toBeUndefined();

    const n = await runCli(['flash', appPath, '--no-backup', '-P', s.port]);
    expect(n.code, n.stderr).toBe(0);
    expect(differs(app, await s.targetImage())).toBeUndefined();
  }, 4 * MINUTE);
});

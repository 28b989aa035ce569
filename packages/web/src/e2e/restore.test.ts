/**
 * Step 7 (Restore a backup) in real Chromium against the simulator: the page runs @ispkit/core's restoreFlow, the
 * flow of `ispkit restore`. The chip's contents before, and after the restore, are read from the harness.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { encodeBackup, serializeIntelHex, MemoryImage } from '@ispkit/ihex';
import { randomImage, runAvrdude, seededBytes } from '@ispkit/sim/testing';
import { screenshotDir } from '../lane/index.js';
import { plugSim, waitForText, useLane } from './sim-helpers.js';

const shots = screenshotDir(fileURLToPath(new URL('../..', import.meta.url)));
const tmp = mkdtempSync(join(tmpdir(), 'ispkit-web-restore-'));
const lane = useLane();

const restoreLog = (page: Page) => page.getByRole('list', { name: 'Restore log' });
const restoreStatus = (page: Page) => page.getByRole('status', { name: 'Restore status' });

/** Picks a backup file in step 7 and returns what the page says it holds (or why it refuses it). */
async function pickBackup(page: Page, file: string): Promise<string> {
  await page.getByLabel('Backup file', { exact: true }).setInputFiles(file);
  const contents = page.getByRole('list', { name: 'Backup contents' });
  await expect.poll(() => contents.locator('li').count(), { timeout: 10_000 }).toBeGreaterThan(0);
  return contents.innerText();
}

describe('Restore a backup (real navigator.serial, the simulated programmer and keyboard chip)', () => {
  test('back up through the page, flash something else, restore from the page: flash, EEPROM and fuses exactly as before', async () => {
    // a keyboard chip with random flash, QMK settings (left half) among random EEPROM bytes, and non-factory fuses;
    // stock avrdude writes the EEPROM, so the "before" state does not come from the code under test
    const sim = await plugSim({ board: 'teensy2', flashImage: randomImage(32768, 71), fuses: 'FF:D8:FB' });
    const page = await lane.openPage();
    try {
      const settings = seededBytes(256, 72);
      settings.set([0xe7, 0xfe], 0); // QMK's EECONFIG_MAGIC 0xFEE7, little-endian
      settings[14] = 0x01; // EECONFIG_HANDEDNESS: left
      const eepromHex = join(tmp, 'settings.eep');
      writeFileSync(eepromHex, serializeIntelHex(MemoryImage.fromBinary(settings, 0)));
      const avr = await runAvrdude({ port: sim.sim.port, args: ['-U', `eeprom:w:${eepromHex}:i`] });
      expect(avr.code, avr.stderr).toBe(0);
      const before = {
        flash: (await sim.sim.targetImage()).read(0, 32768),
        eeprom: (await sim.sim.eepromImage()).read(0, 1024),
        fuses: await sim.sim.fuses(),
      };
      expect(before.fuses).toEqual({ low: 0xff, high: 0xd8, ext: 0xfb, lock: 0xff });

      // step 5: the backup, downloaded
      await page.getByRole('button', { name: 'Back up flash, EEPROM and fuses' }).click();
      await waitForText(() => page.getByRole('list', { name: 'Backup log' }).innerText(), /^backed up ATmega32U4: /m, 60_000);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download the backup/ }).click()]);
      const saved = join(tmp, download.suggestedFilename());
      await download.saveAs(saved);

      // steps 4 and 6: something else, with the Atmel DFU fuses (all three differ), no backup this time
      await page.getByLabel('Keyboard firmware file').setInputFiles(writeHex('other.hex', randomImage(2048, 73)));
      await page.getByRole('combobox', { name: 'Fuse preset' }).selectOption('atmel-dfu');
      await expect.poll(() => page.getByRole('list', { name: 'Image check' }).innerText(), { timeout: 10_000 }).toMatch(/ready to flash/);
      await page.getByRole('checkbox', { name: /Back up first \(flash, EEPROM and fuses/ }).uncheck();
      await page.getByRole('button', { name: 'Erase, write and verify' }).click();
      await expect.poll(() => page.getByRole('status', { name: 'Flash status' }).innerText(), { timeout: 90_000 }).toMatch(/^Done/);
      expect(await sim.sim.fuses()).toEqual({ low: 0x5e, high: 0x99, ext: 0xf3, lock: 0xff });
      expect((await sim.sim.eepromImage()).read(0, 1024).every((b) => b === 0xff)).toBe(true);

      // step 7: what the file holds, in core's words
      const contents = await pickBackup(page, saved);
      expect(contents).toMatch(/^backup of ATmega32U4 \(signature 1E 95 87\) made \d{4}-\d\d-\d\dT[\d:.]+Z by ispkit web page; its checksums are good$/m);
      expect(contents).toMatch(/^it holds 32 KB of flash \([\d.]+ KB not blank\), 1 KB of EEPROM \(\d+ B not blank\), fuses low FF high D8 ext FB and lock bits FF \(no locks\)$/m);
      expect(contents).toMatch(/^EEPROM: QMK settings \(magic FEE7\); split handedness left \(byte 14 = 01\)$/m);

      // the page checks the chip, then asks before it overwrites anything
      const writesBeforeAsking = (await sim.sim.stats()).targetWrites;
      await page.getByRole('button', { name: 'Restore this backup' }).click();
      const ask = page.getByRole('alertdialog', { name: /Overwrite the chip\?/ });
      await ask.waitFor({ state: 'visible', timeout: 30_000 });
      const plan = await ask.innerText();
      expect(plan).toMatch(/the chip is ATmega32U4 \(1E 95 87\), as in the backup/);
      expect(plan).toMatch(/restoring erases it, then writes 32 KB of flash, the EEPROM pages that differ from the backup, fuses low 5E → FF, high 99 → D8, ext F3 → FB and lock bits FF/);
      expect(plan).toMatch(/what is on the chip now is backed up first/);
      expect((await sim.sim.stats()).targetWrites).toEqual(writesBeforeAsking);
      await page.locator('#step-restore').screenshot({ path: join(shots, '7-restore-confirm.png') });
      await ask.getByRole('button', { name: 'Overwrite the chip' }).click();

      await expect.poll(() => restoreStatus(page).innerText(), { timeout: 120_000 }).toMatch(/^(Done|Failed|Cancelled)/);
      const text = await page.locator('#step-restore').innerText();
      expect(text).toContain('Done: restored and verified; fuses and lock bits written and read back.');
      expect(text).toMatch(/backup: 32 KB flash, 1 KB EEPROM, fuses and lock bits saved to atmega32u4-backup-[\d-]+\.elf \(the download link in step 7\)/);
      expect(text).toMatch(/restored atmega32u4-backup-[\d-]+\.elf to ATmega32U4 and verified in [\d.]+ s: 32 KB of flash/);
      expect(text).toMatch(/fuses: low FF high D8 ext FB; lock bits FF/);
      expect(text).not.toMatch(/error:/);
      await page.locator('#step-restore').screenshot({ path: join(shots, '7-restore.png') });

      // the chip, read from the harness: exactly what it held before the backup
      expect(Buffer.from((await sim.sim.targetImage()).read(0, 32768)).equals(Buffer.from(before.flash))).toBe(true);
      expect(Buffer.from((await sim.sim.eepromImage()).read(0, 1024)).equals(Buffer.from(before.eeprom))).toBe(true);
      expect(await sim.sim.fuses()).toEqual(before.fuses);
      expect((await sim.sim.stats()).violations).toMatchObject({ busy: 0, sckTooFast: 0 });
    } finally {
      await page.close();
      await sim.stop();
    }
  });

  test('a damaged backup is refused with its reason and a backup of another chip by its signature: nothing is written', async () => {
    // an ATmega328P on the wires, and a good ATmega32U4 backup
    const sim = await plugSim({ board: 'teensy2', target: 'atmega328p' });
    const page = await lane.openPage();
    try {
      const good = testBackup(81);
      const damaged = good.slice();
      damaged[0x2000] = damaged[0x2000]! ^ 0x40; // inside .text
      const damagedFile = join(tmp, 'damaged.elf');
      writeFileSync(damagedFile, damaged);
      const goodFile = join(tmp, 'other-chip.elf');
      writeFileSync(goodFile, good);
      const untouched = await sim.sim.stats();

      const reason = /error: damaged\.elf is not a usable ispkit backup: the flash checksum does not match \(file says CRC-32 [0-9A-F]{8}, contents give [0-9A-F]{8}\): the file is damaged; nothing was written to the chip; use another backup/;
      expect(await pickBackup(page, damagedFile)).toMatch(reason);
      await page.getByRole('button', { name: 'Restore this backup' }).click();
      await expect.poll(() => restoreStatus(page).innerText()).toBe('Refused: nothing was written to the chip.');
      expect(await restoreLog(page).innerText()).toMatch(reason);
      await page.locator('#step-restore').screenshot({ path: join(shots, '7-restore-damaged.png') });
      // refused before the programmer was opened: not a byte reached the chip
      const afterDamaged = await sim.sim.stats();
      expect(afterDamaged.targetWrites).toEqual(untouched.targetWrites);
      expect(afterDamaged.spiBytes).toBe(untouched.spiBytes);

      expect(await pickBackup(page, goodFile)).toMatch(/^backup of ATmega32U4 \(signature 1E 95 87\) made 2026-12-04T03:00:00.000Z by ispkit test; its checksums are good$/m);
      await page.getByRole('button', { name: 'Restore this backup' }).click();
      await expect.poll(() => restoreStatus(page).innerText(), { timeout: 30_000 }).toMatch(/^(Done|Failed|Cancelled)/);
      const text = await restoreLog(page).innerText();
      expect(text).toMatch(/error: the backup is of ATmega32U4 \(1E 95 87\) but the target is ATmega328P \(1E 95 0F\); restore a backup onto the same kind of chip it was read from; nothing was changed/);
      expect(await page.getByRole('alertdialog').count()).toBe(0);
      expect((await sim.sim.stats()).targetWrites).toEqual(untouched.targetWrites);
      await page.locator('#step-restore').screenshot({ path: join(shots, '7-restore-wrong-chip.png') });
    } finally {
      await page.close();
      await sim.stop();
    }
  });

  test('programmer unplugged mid-restore: the page names the state the chip is left in (fuses included), never success', async () => {
    // a factory-fused chip: the restore clears CKDIV8 and programs EESAVE for the erase, both temporarily
    const sim = await plugSim({ board: 'teensy2', fuses: '5E:99:F3' });
    const page = await lane.openPage();
    try {
      const file = join(tmp, 'to-restore.elf');
      writeFileSync(file, testBackup(91));
      await pickBackup(page, file);
      await page.getByRole('checkbox', { name: /Save the chip as it is now/ }).uncheck();
      await page.getByRole('button', { name: 'Restore this backup' }).click();
      await page.getByRole('button', { name: 'Overwrite the chip' }).click();
      // pull the cable once some flash is written: the simulated programmer goes away and the device is removed
      await expect.poll(() => restoreStatus(page).innerText(), { timeout: 60_000, interval: 20 }).toMatch(/^writing flash: (?!0 B)/);
      await sim.sim.stop();
      await sim.port.unplug();
      await expect.poll(() => restoreStatus(page).innerText(), { timeout: 30_000 }).toMatch(/^(Done|Failed|Cancelled)/);
      const text = await page.locator('#step-restore').innerText();
      expect(text).toContain('Failed: see the log below. The last line says what state the chip is in.');
      expect(text).toMatch(
        /error: the programmer on the programmer port disconnected while (writing flash|writing EEPROM|verifying flash)[^:]*: .*the chip is erased.*; its high fuse is temporarily 91 \(EESAVE programmed so the erase keeps the EEPROM; it should become D8\); its low fuse is temporarily DE \(CKDIV8 cleared for speed; it should become FF\); reconnect and run `Restore this backup` again/,
      );
      expect(text).not.toMatch(/Done:|restored .* and verified/);
      await page.locator('#step-restore').screenshot({ path: join(shots, '7-restore-unplugged.png') });
    } finally {
      await page.close();
      await sim.stop();
    }
  });
});

/** An ATmega32U4 backup of random flash and EEPROM, as `ispkit backup` writes it. */
function testBackup(seed: number): Uint8Array {
  return encodeBackup({
    part: 'atmega32u4',
    partName: 'ATmega32U4',
    signature: [0x1e, 0x95, 0x87],
    date: '2026-12-04T03:00:00.000Z',
    tool: 'ispkit test',
    flash: seededBytes(32768, seed),
    eeprom: seededBytes(1024, seed + 1),
    fuses: { low: 0xff, high: 0xd8, ext: 0xfb },
    lock: 0xff,
  });
}

function writeHex(name: string, image: MemoryImage): string {
  const path = join(tmp, name);
  writeFileSync(path, serializeIntelHex(image));
  return path;
}

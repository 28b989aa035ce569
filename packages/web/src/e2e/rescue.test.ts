import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { decodeBackup, serializeIntelHex } from '@ispkit/ihex';
import { randomImage, workspaceRoot } from '@ispkit/sim/testing';
import { screenshotDir } from '../lane/index.js';
import { plugSim, waitForText, useLane } from './sim-helpers.js';

/** Simulated ms at which the USB cable is pulled: after connect, identify, fuses and erase, inside the write. */
const UNPLUG_AT_SIM_MS = 1500;
const shots = screenshotDir(fileURLToPath(new URL('../..', import.meta.url)));
const lane = useLane();
let demo: { keyboard: string; bootloader: string };
const tmp = mkdtempSync(join(tmpdir(), 'ispkit-web-rescue-'));

beforeAll(async () => {
  const url = pathToFileURL(join(workspaceRoot(), 'tools/scripts/demo/build-keyboard.mjs')).href;
  const { buildDemoKeyboard } = (await import(url)) as { buildDemoKeyboard: (dir: string) => { keyboard: string; bootloader: string } };
  demo = buildDemoKeyboard(join(tmp, 'demo'));
});

const flashLog = (page: Page) => page.getByRole('list', { name: 'Flash log' });

async function choose(page: Page, firmware: string, bootloader?: string): Promise<string> {
  await page.getByLabel('Keyboard firmware file').setInputFiles(firmware);
  if (bootloader) await page.getByLabel('Bootloader file').setInputFiles(bootloader);
  const log = page.getByRole('list', { name: 'Image check' });
  await expect.poll(() => log.locator('li.ok, li.error, li.warning').count(), { timeout: 10_000 }).toBeGreaterThan(0);
  return page.locator('#step-choose').innerText();
}

async function flashAndWait(page: Page, timeout = 90_000): Promise<string> {
  await page.getByRole('button', { name: 'Erase, write and verify' }).click();
  const status = page.getByRole('status', { name: 'Flash status' });
  await expect.poll(() => status.innerText(), { timeout }).toMatch(/^(Done|Failed)/);
  return page.locator('#step-flash').innerText();
}

describe('the whole rescue in real Chromium against the simulator', () => {
  test('factory-fresh 32U4: backup offered first, then firmware + bootloader, fuses, verify; the keyboard boots', async () => {
    const page = await lane.openPage();
    const sim = await plugSim({ board: 'teensy2' });
    try {
      const chosen = await choose(page, demo.keyboard, demo.bootloader);
      // a 4 KB bootloader at 0x7000 fits four presets: the page lists them and waits for a choice
      expect(chosen).toMatch(/fuses: this boot section fits Atmel DFU, QMK DFU, Caterina \(5 V, 16 MHz\), Caterina \(3\.3 V, 8 MHz\): choose/);
      await page.getByRole('combobox', { name: 'Fuse preset' }).selectOption('caterina-5v');
      await expect.poll(() => page.getByRole('list', { name: 'Image check' }).innerText()).toMatch(/ready to flash/);
      await page.locator('#step-choose').screenshot({ path: join(shots, '4-choose.png') });

      const text = await flashAndWait(page);
      // the backup is read in the same session, before the erase
      expect(text).toMatch(/backup: 32 KB flash, 1 KB EEPROM, fuses and lock bits saved to atmega32u4-backup-[\d-]+\.elf \(the download link in step 5\)/);
      expect(text.indexOf('backup: 32 KB')).toBeLessThan(text.indexOf('erased the chip'));
      expect(text).toMatch(/flashed .* to ATmega32U4 and verified in [\d.]+ s/);
      expect(text).toMatch(/fuses written and read back: ext FB, high D8, low FF \(Caterina \(5 V, 16 MHz\)\)/);
      expect(text).toMatch(/fuses: low FF high D8 ext FB/);
      expect(text).toContain('Done: written, verified, fuses set and read back.');
      expect(text).not.toMatch(/error:/);
      await page.locator('#step-flash').screenshot({ path: join(shots, '6-flash.png') });
      await page.screenshot({ path: join(shots, 'page.png'), fullPage: true });

      // the backup is offered as a download and holds what the chip held before the erase
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download the backup/ }).click()]);
      const saved = join(tmp, download.suggestedFilename());
      await download.saveAs(saved);
      const backup = decodeBackup(new Uint8Array(readFileSync(saved)), { source: saved });
      expect(backup.part).toBe('atmega32u4');
      expect(backup.fuses).toEqual({ low: 0x5e, high: 0x99, ext: 0xf3 });
      expect(backup.flash.length).toBe(32768);
      expect(backup.flash.every((b) => b === 0xff)).toBe(true);

      // the chip now holds the keyboard: its fuses, and it boots through the bootloader into a USB keyboard
      expect(await sim.sim.fuses()).toMatchObject({ low: 0xff, high: 0xd8, ext: 0xfb });
      const boot = await sim.sim.bootCheck({ timeoutMs: 60_000 });
      expect(boot.startAddress).toBe(0x7000);
      expect(boot.attached, JSON.stringify(boot)).toBe(true);
      expect(boot.usb).toMatchObject({ vid: 0x1209, pid: 0x0001 });
    } finally {
      await page.close();
      await sim.stop();
    }
  });

  test('programmer unplugged mid-write: the page says so and what state the chip is in, never success', async () => {
    const page = await lane.openPage();
    // The harness pulls the USB cable at a simulated time inside the write of a 31 KB image (its pty closes), and
    // the lane removes the device as the kernel would.
    const sim = await plugSim({ board: 'teensy2', faults: `disconnect:${UNPLUG_AT_SIM_MS}` });
    void sim.sim.exited.then(() => sim.port.unplug());
    const big = join(tmp, 'big.hex');
    writeFileSync(big, serializeIntelHex(randomImage(31 * 1024, 7)));
    try {
      await choose(page, big);
      await page.getByRole('checkbox', { name: /Back up first/ }).uncheck();
      const text = await flashAndWait(page, 60_000);
      expect(sim.sim.events.some((e) => e.event === 'disconnect')).toBe(true);
      expect(text).toMatch(/error: the programmer on the programmer port disconnected while writing flash at 0x[0-9A-F]{4}: /);
      expect(text).toMatch(/the chip is erased and only \d+ of 31744 bytes are written \(it will not run\)/);
      expect(text).toMatch(/low fuse is temporarily DE/);
      expect(text).toContain('Failed: see the log below.');
      expect(text).not.toMatch(/Done:|verified in/);
      await page.locator('#step-flash').screenshot({ path: join(shots, '6-flash-unplugged.png') });
    } finally {
      await page.close();
      await sim.stop();
    }
  });

  test('Back up first, on its own: flash, EEPROM, fuses and lock bits in one download; the chip is unchanged', async () => {
    const page = await lane.openPage();
    const content = randomImage(4096, 3);
    const sim = await plugSim({ board: 'teensy2', flashImage: content, fuses: 'FF:D8:FB' });
    try {
      await page.getByRole('button', { name: 'Back up flash, EEPROM and fuses' }).click();
      const log = page.getByRole('list', { name: 'Backup log' });
      const text = await waitForText(() => log.innerText(), /^backed up ATmega32U4: 32 KB flash, 1 KB EEPROM, fuses FF D8 FB, lock FF$/m, 60_000);
      expect(text).toMatch(/saved to atmega32u4-backup-[\d-]+\.elf \(the download link in step 5\); restore with `ispkit restore /);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download the backup/ }).click()]);
      const saved = join(tmp, `alone-${download.suggestedFilename()}`);
      await download.saveAs(saved);
      const backup = decodeBackup(new Uint8Array(readFileSync(saved)), { source: saved });
      expect(Buffer.from(backup.flash.subarray(0, 4096))).toEqual(Buffer.from(content.toBinary({ start: 0, end: 4096 })));
      expect(backup.fuses).toEqual({ low: 0xff, high: 0xd8, ext: 0xfb });
      expect((await sim.sim.stats()).pageWrites).toBe(0);
      await page.locator('#step-backup').screenshot({ path: join(shots, '5-backup.png') });
    } finally {
      await page.close();
      await sim.stop();
    }
  });

  test('bad hex file: one line naming the file and line; nothing is flashed', async () => {
    const page = await lane.openPage();
    const bad = join(tmp, 'broken.hex');
    const good = readFileSync(demo.keyboard, 'utf8').split('\n');
    good[2] = good[2]!.slice(0, -3) + (good[2]!.endsWith('00') ? '11' : '00') + good[2]!.slice(-1);
    writeFileSync(bad, good.join('\n'));
    try {
      const text = await choose(page, bad);
      expect(text).toMatch(/error: checksum mismatch at line 3 of broken\.hex: /);
      expect(text).not.toMatch(/ready to flash/);
      await page.getByRole('button', { name: 'Erase, write and verify' }).click();
      await expect.poll(() => flashLog(page).innerText()).toMatch(/did not pass the checks/);
      await page.locator('#step-choose').screenshot({ path: join(shots, '4-choose-bad-hex.png') });
    } finally {
      await page.close();
    }
  });
});

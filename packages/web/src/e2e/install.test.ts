import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { plugCaterina, plugHalfKay, screenshotDir } from '../lane/index.js';
import { bootloaderEntry, committedFirmware, flashAsHexFile, plugSim, unlessPageFails, waitForText, type PluggedSim, useLane } from './sim-helpers.js';

const shots = screenshotDir(fileURLToPath(new URL('../..', import.meta.url)));
const lane = useLane();

async function startInstall(page: Page, board: string): Promise<void> {
  await page.getByRole('combobox', { name: 'Programmer board', exact: true }).selectOption({ label: board });
  await page.getByRole('button', { name: 'Install the programmer firmware' }).click();
}

const installLog = (page: Page) => page.getByRole('list', { name: 'Programmer install log' });

describe('Make a programmer (real navigator.serial + navigator.hid; bootloader models behind faked USB devices)', () => {
  // Two simulators, a bootloader model and the browser each: minutes on a 2-core machine busy with other suites.
  test('Teensy 2.0: 134-baud request over Web Serial, HalfKay over WebHID, the new firmware signs on', { timeout: 240_000 }, async () => {
    const cleanups: (() => Promise<void>)[] = [];
    const page = await lane.openPage();
    try {
      // An older ispkit firmware runs on the Teensy (simulated); the page asks it to reboot into HalfKay.
      const running: PluggedSim = await plugSim({ board: 'teensy2' });
      cleanups.push(() => running.stop());
      await startInstall(page, 'Teensy 2.0');
      const entry = await bootloaderEntry(running.sim, 60_000);
      expect(entry.via).toBe('jump');
      await running.stop();
      // The page now waits for a device it may not have been granted: it says why and offers the pick.
      const section = page.locator('#step-programmer');
      await waitForText(() => section.innerText(), /restarted into its bootloader \(HalfKay\)/, 10_000);
      expect(await page.getByRole('button', { name: 'Choose the bootloader' }).isVisible()).toBe(true);
      await section.screenshot({ path: join(shots, '1-programmer-waiting.png') });

      const hk = await plugHalfKay();
      cleanups.push(() => hk.close());
      await unlessPageFails(hk.left, () => installLog(page).innerText(), 90_000);
      expect(hk.problems).toEqual([]);
      const expected = committedFirmware('ispkit-teensy2-b0.hex');
      expect(Buffer.from(hk.model.flash.subarray(0, expected.endAddress))).toEqual(Buffer.from(expected.toBinary({ start: 0, end: expected.endAddress })));
      expect(hk.model.bootloaderWrites).toBe(0);

      // The Teensy runs what HalfKay now holds: a simulator boots exactly those bytes.
      const installed = await plugSim({ board: 'teensy2', firmware: flashAsHexFile(hk.model.flash, 0x7e00) });
      cleanups.push(() => installed.stop());
      await waitForText(() => installLog(page).innerText(), /ispkit programmer ready: Teensy 2\.0 \(signs on as "AVR ISP"\)/, 60_000);
      const text = await installLog(page).innerText();
      expect(text).toContain('rebooting it into HalfKay (134-baud request)');
      expect(text).not.toMatch(/^error/m);
      await section.screenshot({ path: join(shots, '1-programmer-teensy.png') });
    } finally {
      await page.close();
      for (const c of cleanups.reverse()) await c().catch(() => undefined);
    }
  });

  test('Pro Micro: 1200-baud touch over Web Serial, Caterina (AVR109) on its new port, read back, signs on', { timeout: 240_000 }, async () => {
    const cleanups: (() => Promise<void>)[] = [];
    const page = await lane.openPage();
    try {
      // A pty has no modem lines (Chromium's setSignals fails on it), so the DTR drop that cdc_acm sends when the
      // page closes the port cannot travel: the simulated host starts with DTR low and the page's 1200 baud completes
      // the request. The harness's own tests cover 1200 baud with DTR still up (no reboot).
      const running = await plugSim({ board: 'pro-micro', dtr: false });
      cleanups.push(() => running.stop());
      await startInstall(page, 'Pro Micro 5 V (16 MHz)');
      const entry = await bootloaderEntry(running.sim, 60_000);
      expect(entry.via).toBe('watchdog-reset');
      await running.stop();
      const section = page.locator('#step-programmer');
      await waitForText(() => section.innerText(), /Caterina waits only about 8 seconds/, 10_000);

      const cat = await plugCaterina();
      cleanups.push(() => cat.close());
      await unlessPageFails(cat.left, () => installLog(page).innerText(), 90_000);
      expect(cat.problems).toEqual([]);
      expect(cat.model.left?.reason).toBe('exit-command');
      expect(cat.model.bootSectionWrites).toBe(0);
      const expected = committedFirmware('ispkit-pro-micro-b6.hex');
      expect(Buffer.from(cat.model.flash.subarray(0, expected.endAddress))).toEqual(Buffer.from(expected.toBinary({ start: 0, end: expected.endAddress })));

      const installed = await plugSim({ board: 'pro-micro', firmware: flashAsHexFile(cat.model.flash, 0x7000) });
      cleanups.push(() => installed.stop());
      await waitForText(
        () => installLog(page).innerText(),
        /ispkit programmer ready: Pro Micro 5 V \(16 MHz\) \(signs on as "AVR ISP"\), firmware verified by read-back/,
        60_000,
      );
      expect(await installLog(page).innerText()).toContain('rebooting it into Caterina (1200-baud touch)');
      await section.screenshot({ path: join(shots, '1-programmer-pro-micro.png') });
    } finally {
      await page.close();
      for (const c of cleanups.reverse()) await c().catch(() => undefined);
    }
  });
});

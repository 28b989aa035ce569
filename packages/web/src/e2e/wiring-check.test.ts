/**
 * Step 3's "Check the wiring" end to end: real navigator.serial → the simulated ispkit programmer (extension v2)
 * → the modelled keyboard chip with one wiring fault at a time (tools/simharness faults). The page runs the
 * doctor's flow and must name the same wire `ispkit doctor` names, in the page's words.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Fault } from '@ispkit/sim';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { screenshotDir } from '../lane/index.js';
import { buildStockArduinoIsp, plugSim, useLane } from './sim-helpers.js';

const shots = screenshotDir(fileURLToPath(new URL('../..', import.meta.url)));
const lane = useLane();

/** Presses a step-3 button and waits for its verdict (an ok or error line); returns the step's text. */
async function press(page: Page, name: string): Promise<string> {
  const log = page.getByRole('list', { name: 'Connect log' });
  await page.getByRole('button', { name }).click();
  await expect.poll(() => log.locator('li.ok, li.error').count(), { timeout: 60_000 }).toBeGreaterThan(0);
  // the doctor's report arrives all at once, after the programmer line: wait for the target's verdict
  await expect.poll(() => log.innerText(), { timeout: 60_000 }).toMatch(/target: |error: /);
  await expect.poll(() => page.getByRole('button', { name }).isEnabled()).toBe(true);
  return page.locator('#step-connect').innerText();
}

/** Nothing the CLI would print: no command, no flag, no quoted command. */
function expectPageWords(text: string): void {
  expect(text).not.toMatch(/ispkit (doctor|flash|programmer install)|`|(^|\s)--?[A-Za-z]\b/m);
}

describe('Check the wiring (real navigator.serial, the simulated programmer on the teensy2 board)', () => {
  test('good wiring: the programmer and its RESET pin, then the chip: all is well, signature 1E 95 87', async () => {
    const sim = await plugSim({ board: 'teensy2' });
    const page = await lane.openPage();
    try {
      const text = await press(page, 'Check the wiring');
      expect(text).toContain("programmer: ispkit programmer (extension v2, STK500v1 1.18, blocks of 1024 B); board Teensy 2.0, drives the keyboard's RESET from B0, 5 V");
      expect(text).toContain('target: the wiring works: ATmega32U4, signature 1E 95 87, fuses 5E 99 F3');
      expect(text).toContain('Teensy 2.0: B0 → RESET, B1 → SCK, B2 → MOSI, B3 → MISO, 5V → VCC, GND → GND');
      expect(text).not.toMatch(/error:|most likely/);
      expect(await page.locator('#connect-log li.ok', { hasText: 'the wiring works' }).count()).toBe(1);
      expectPageWords(text);
      await page.locator('#step-connect').screenshot({ path: join(shots, '3-check-wiring-ok.png') });
    } finally {
      await page.close();
      await sim.stop();
    }
  });

  test.each([
    ['unpowered', 'the keyboard is not powered: SCK, MOSI and MISO read low', '00', ['VCC/GND']],
    ['sck-mosi-swapped', 'SCK and MOSI are swapped', '00', ['SCK and MOSI swapped']],
    ['miso-open', 'MISO is not connected', 'FF', ['MISO not connected']],
    ['reset-open', 'RESET does not reach the keyboard', 'FF', ['RESET not connected', 'MISO not connected']],
  ] as [Fault, string, string, string[]][])('%s: Connect points at the button, and the button names the wire and the fix', async (fault, title, echo, suspects) => {
    const sim = await plugSim({ board: 'teensy2', faults: fault });
    const page = await lane.openPage();
    try {
      // Connect fails with a target error whose hint points at the button, which the page marks
      const connectText = await press(page, 'Connect to the programmer');
      expect(connectText).toMatch(/error: no target answered: .*; press "Check the wiring" in step 3 to find which wire/);
      expect(await page.getByRole('button', { name: 'Check the wiring' }).getAttribute('class')).toMatch(/suggested/);

      const text = await press(page, 'Check the wiring');
      expect(text).toContain(`error: target: ${title}`);
      expect(text).toContain(`at SCK 250 kHz: no programming-enable echo (AC 53) (the target sent ${echo} where 53 belongs)`);
      expect(text).toMatch(/lines with the keyboard held in reset: SCK (high|low), MOSI (high|low), MISO (high|low) \(with pull-ups\); RESET (rises|stays low) when released/);
      const named = [...text.matchAll(/^(?:most likely|or): (.*)$/gm)].map((m) => m[1]!);
      expect(named.map((n) => suspects.find((s) => n.startsWith(s)))).toEqual(suspects);
      expect(text).toMatch(/^1\. .*, then press "Check the wiring" again$/m);
      expect(text).not.toContain('no target answered'); // the log shows this run only
      expect(await page.getByRole('button', { name: 'Check the wiring' }).getAttribute('class')).not.toMatch(/suggested/);
      expectPageWords(text);
      if (fault === 'sck-mosi-swapped') await page.locator('#step-connect').screenshot({ path: join(shots, '3-check-wiring-swapped.png') });
    } finally {
      await page.close();
      await sim.stop();
    }
  });
});

describe('Check the wiring with a programmer that is not ours (stock ArduinoISP on the pro-micro)', () => {
  test('MISO open: the raw bytes read FF; the programmer is named as QMK\'s ISP hex (it has our USB id), and step 1 offers ours', async () => {
    const hex = buildStockArduinoIsp();
    const sim = await plugSim({ board: 'pro-micro', firmware: hex, fuses: 'DE:99:F3', faults: 'miso-open' });
    const page = await lane.openPage();
    try {
      const text = await press(page, 'Check the wiring');
      expect(text).toMatch(/^programmer: QMK's ISP hex \(an ArduinoISP build; sign-on "AVR ISP", version 1\.18\)$/m);
      expect(text).toMatch(/^note: not the ispkit firmware: .* so the wiring check reads the raw bytes; step 1 \(Make a programmer\) puts ours on it$/m);
      expect(text).toContain('error: target: everything reads FF: MISO is not connected, or RESET does not reach the keyboard');
      expect(text).toMatch(/^2\. then press "Check the wiring" again$/m);
      expectPageWords(text);
    } finally {
      await page.close();
      await sim.stop();
    }
  }, 5 * 60_000);
});

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshotDir } from '../lane/index.js';
import { plugSim, type PluggedSim, useLane } from './sim-helpers.js';

const shots = screenshotDir(fileURLToPath(new URL('../..', import.meta.url)));
const lane = useLane();

async function connect(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Connect to the programmer' }).click();
  const log = page.getByRole('list', { name: 'Connect log' });
  await expect.poll(() => log.locator('li.ok, li.error').count(), { timeout: 30_000 }).toBeGreaterThan(0);
  return page.locator('#step-connect').innerText();
}

async function withPage(sim: PluggedSim, fn: (page: Page) => Promise<void>): Promise<void> {
  const page = await lane.openPage();
  try {
    await fn(page);
  } finally {
    await page.close();
    await sim.stop();
  }
}

describe('Connect (real navigator.serial, the simulated programmer plugged in while the page is open)', () => {
  test('signs on and shows the factory-fresh 32U4: signature, part, fuses decoded, lock bits', async () => {
    const page = await lane.openPage();
    const sim = await plugSim({ board: 'teensy2' });
    try {
      const text = await connect(page);
      expect(text).toMatch(/programmer: ispkit programmer .* on the programmer port/);
      expect(text).toMatch(/Programmer\s+AVR ISP \(ispkit\)/);
      expect(text).toMatch(/target: ATmega32U4, signature 1E 95 87/);
      expect(text).toMatch(/Signature\s+1E 95 87/);
      expect(text).toMatch(/Fuses\s+low 0x5E high 0x99 ext 0xF3/);
      expect(text).toMatch(/CKDIV8/);
      expect(text).toMatch(/Lock bits\s+0xFF \(no locks\)/);
      expect(text).not.toMatch(/error:/);
      await page.locator('#step-connect').screenshot({ path: join(shots, '3-connect.png') });
    } finally {
      await page.close();
      await sim.stop();
    }
  });

  test('wrong chip: an ATmega328P on the wires is named, with what to check', async () => {
    const sim = await plugSim({ board: 'teensy2', target: 'atmega328p' });
    await withPage(sim, async (page) => {
      const text = await connect(page);
      expect(text).toMatch(/error: found ATmega328P \(1E 95 0F\), expected ATmega32U4 \(1E 95 87\); /);
      // The page's words, not the CLI's: there is no -p on a page.
      expect(text).toContain('this page programs the ATmega32U4 only');
      expect(text).not.toMatch(/use -p |`ispkit /);
      await page.locator('#step-connect').screenshot({ path: join(shots, '3-connect-wrong-chip.png') });
    });
  });

  test('no target: nothing answers on the ISP lines; the page says what to check', async () => {
    const sim = await plugSim({ board: 'teensy2', faults: 'no-target-high' });
    await withPage(sim, async (page) => {
      const text = await connect(page);
      expect(text).toMatch(/error: no target answered: .*; check the wiring \(the diagram in step 2\)/);
      expect(text).toContain('; press "Check the wiring" in step 3 to find which wire');
      expect(text).not.toContain('ispkit doctor');
      await page.locator('#step-connect').screenshot({ path: join(shots, '3-connect-no-target.png') });
    });
  });
});

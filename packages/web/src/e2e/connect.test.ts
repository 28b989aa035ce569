import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSim, type Sim } from '@ispkit/sim';
import type { Page } from 'playwright-core';
import { plugProgrammer, screenshotDir, startLane, type Lane } from '../lane/index.js';

const shots = screenshotDir(fileURLToPath(new URL('../..', import.meta.url)));
let lane: Lane;
beforeAll(async () => {
  lane = await startLane();
});
afterAll(async () => {
  await lane?.close();
});

async function connect(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Connect to the programmer' }).click();
}

describe('Connect (real navigator.serial, simulated programmer plugged in while the page is open)', () => {
  test('signs on and shows the factory-fresh 32U4: signature, fuses decoded, lock bits', async () => {
    const sim: Sim = await startSim({ board: 'teensy2' });
    const page = await lane.openPage();
    const port = await plugProgrammer(sim.pty);
    try {
      await connect(page);
      const log = page.getByRole('list', { name: 'Connect log' });
      await expect.poll(() => log.innerText(), { timeout: 20_000 }).toMatch(/target: ATmega32U4 \(signature 1E 95 87\)/);
      const section = page.locator('#step-connect');
      const text = await section.innerText();
      expect(text).toContain('programmer: AVR ISP, ispkit');
      expect(text).toMatch(/low 0x5E high 0x99 ext 0xF3/);
      expect(text).toMatch(/crystal oscillator, 8.0–16 MHz, divided by 8 from reset \(CKDIV8\)/);
      expect(text).toMatch(/Lock bits\s+0xFF/);
      await section.screenshot({ path: join(shots, '3-connect.png') });
    } finally {
      await page.close();
      await port.unplug();
      await sim.stop();
    }
  });
});

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { boards, pinLabel, spiPins } from '@ispkit/boards';
import { screenshotDir, startLane, type Lane } from '../lane/index.js';

const shots = screenshotDir(fileURLToPath(new URL('../..', import.meta.url)));
let lane: Lane;
beforeAll(async () => {
  lane = await startLane();
});
afterAll(async () => {
  await lane?.close();
});

describe('Wire it: the diagram comes from the board table', () => {
  test.each(boards.map((b) => [b.name, b] as const))('%s: six labelled wires, the board\'s own pin labels', async (_name, board) => {
    const page = await lane.openPage();
    try {
      await page.getByRole('combobox', { name: 'Programmer board for the wiring diagram' }).selectOption(board.id);
      const table = page.getByRole('table', { name: 'Wiring table' });
      const rows = await table.locator('tbody tr').allInnerTexts();
      const label = (pin: Parameters<typeof pinLabel>[1]) => (pinLabel(board, pin) === pin ? pin : `${pinLabel(board, pin)} (${pin})`);
      expect(rows.map((r) => r.split('\t').map((c) => c.trim()))).toEqual([
        [label(board.targetReset), 'RESET'],
        [label(spiPins.sck), 'SCK'],
        [label(spiPins.mosi), 'MOSI'],
        [label(spiPins.miso), 'MISO'],
        [board.voltage === 5 ? 'VCC (5 V)' : 'VCC (3.3 V)', 'VCC'],
        ['GND', 'GND'],
      ]);
      const diagram = page.getByRole('img', { name: `Wiring: ${board.name} to the keyboard's ISP pads` });
      expect(await diagram.locator('line').count()).toBe(6);
      const section = page.locator('#step-wire');
      expect(await section.innerText()).toContain(board.voltage === 5 ? 'use a 5 V keyboard' : 'use a 3.3 V keyboard');
      await section.screenshot({ path: join(shots, `2-wire-${board.id}.png`) });
    } finally {
      await page.close();
    }
  });
});

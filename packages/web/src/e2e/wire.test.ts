import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { boards, programmerPinFor, wiringNotes, wiringSvgName, wiringTitle } from '@ispkit/boards';
import { workspaceRoot } from '@ispkit/sim/testing';
import { screenshotDir } from '../lane/index.js';
import { useLane } from './sim-helpers.js';

interface DomNode {
  isEqualNode(other: DomNode): boolean;
}
interface BrowserDom {
  DOMParser: new () => { parseFromString(text: string, type: string): { documentElement: DomNode } };
  document: { importNode(node: DomNode, deep: boolean): DomNode };
}

const shots = screenshotDir(fileURLToPath(new URL('../..', import.meta.url)));
const lane = useLane();

describe('Wire it: the generated diagram of docs/ and the README, for the chosen board', () => {
  test.each(boards.map((b) => [b.name, b] as const))('%s: the committed SVG shown inline, six labelled wires, the board\'s own pin labels', async (_name, board) => {
    const page = await lane.openPage();
    try {
      await page.getByRole('combobox', { name: 'Programmer board for the wiring diagram' }).selectOption(board.id);
      const diagram = page.getByRole('img', { name: wiringTitle(board) });
      expect(await diagram.isVisible()).toBe(true);
      // the node tree the page shows is the committed file's, parsed by this browser
      const committed = readFileSync(join(workspaceRoot(), 'docs', wiringSvgName(board)), 'utf8');
      const same = await diagram.evaluate((shown, text) => {
        // runs in the page (this file is type-checked without the DOM library)
        const dom = globalThis as unknown as BrowserDom;
        const file = new dom.DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
        return (shown as unknown as DomNode).isEqualNode(dom.document.importNode(file, true));
      }, committed);
      expect(same, `the page's diagram differs from docs/${wiringSvgName(board)}`).toBe(true);
      expect(await diagram.locator('polyline').count()).toBe(6);
      // scaled to the section, not clipped or collapsed
      const box = await diagram.boundingBox();
      expect(box!.width).toBeGreaterThan(400);
      expect(box!.height / box!.width).toBeCloseTo(420 / 900, 1);
      const rows = await page.getByRole('table', { name: 'Wiring table' }).locator('tbody tr').allInnerTexts();
      const signals = ['RESET', 'SCK', 'MOSI', 'MISO', 'VCC', 'GND'] as const;
      expect(rows.map((r) => r.split('\t').map((c) => c.trim()))).toEqual(signals.map((s) => [programmerPinFor(board, s), s]));
      const section = page.locator('#step-wire');
      for (const note of wiringNotes(board)) expect(await section.innerText()).toContain(note);
      await section.screenshot({ path: join(shots, `2-wire-${board.id}.png`) });
    } finally {
      await page.close();
    }
  });
});

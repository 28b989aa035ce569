import { expect, test } from 'vitest';
import { boards, programmerPinFor, renderWiringSvg, wiringSvgName } from '@ispkit/boards';
import { wiringDiagram } from './wiring-diagram.js';

// the committed pictures the README shows (test/e2e checks them against the generator too)
const committed = import.meta.glob<string>('../../../../docs/wiring-*.svg', { query: '?raw', import: 'default', eager: true });
const docs = new Map(Object.entries(committed).map(([path, text]) => [path.replace(/^.*\//, ''), text]));

test('there is one committed diagram per board, and no other', () => {
  expect([...docs.keys()].sort()).toEqual(boards.map(wiringSvgName).sort());
});

test.each(boards.map((b) => [b.id, b] as const))('%s: the page shows the generator\'s diagram, byte for byte docs/wiring-<board>.svg', (_id, board) => {
  const d = wiringDiagram(board);
  expect(d.svg).toBe(renderWiringSvg(board));
  expect(d.svg).toBe(docs.get(wiringSvgName(board)));
  expect(d.svg).toContain(`<title>${d.title}</title>`);
  const signals = ['RESET', 'SCK', 'MOSI', 'MISO', 'VCC', 'GND'] as const;
  expect(d.rows).toEqual(signals.map((s) => ({ programmer: programmerPinFor(board, s), keyboard: s })));
  for (const note of d.notes) expect(d.svg).toContain(note.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'));
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { boards, renderWiringSvg, wiringSvgName } from '@ispkit/boards';
import { workspaceRoot } from '@ispkit/sim/testing';

// docs/wiring-<board>.svg are generated from the board table; a board change without
// `node tools/scripts/wiring-svg.mjs` fails here, and the README shows every one of them.
const root = workspaceRoot();

test.each(boards.map((b) => [b.id, b] as const))('docs/wiring-%s.svg is what the generator makes now', (_id, board) => {
  const committed = readFileSync(join(root, 'docs', wiringSvgName(board)), 'utf8');
  expect(committed, 'run `node tools/scripts/wiring-svg.mjs` and commit docs/').toBe(renderWiringSvg(board));
});

test('the README shows each diagram', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const b of boards) expect(readme).toContain(`](docs/${wiringSvgName(b)})`);
});

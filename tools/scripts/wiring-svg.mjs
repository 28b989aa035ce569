// Writes docs/wiring-<board>.svg for every board in the board table (packages/boards renderWiringSvg).
// `node tools/scripts/wiring-svg.mjs` after changing a board; test/e2e fails while a committed file differs.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
// the built board table (run `pnpm build` first); tools/scripts is no workspace package, so by path
const { boards, renderWiringSvg, wiringSvgName } = await import(pathToFileURL(join(root, 'packages/boards/dist/index.js')).href);
const docs = join(root, 'docs');
for (const board of boards) {
  writeFileSync(join(docs, wiringSvgName(board)), renderWiringSvg(board));
  process.stdout.write(`docs/${wiringSvgName(board)}\n`);
}

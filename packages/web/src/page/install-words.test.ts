import { cliInstallWords } from '@ispkit/loaders';
import { expect, test } from 'vitest';
import { pageInstallWords } from './install-words.js';

test("the page's install words name its own controls, never the CLI's", () => {
  const texts = [pageInstallWords.chooseOne, pageInstallWords.runAgainWith('serial:3'), pageInstallWords.checkProgrammer];
  for (const t of texts) {
    expect(t).not.toMatch(/-P\b|ispkit /);
  }
  // Every word the CLI has, the page has too (a new one must be worded for the page as well).
  expect(Object.keys(pageInstallWords).sort()).toEqual(Object.keys(cliInstallWords).sort());
});

import { cliWords } from '@ispkit/core';
import { expect, test } from 'vitest';
import { pageWords } from './page-words.js';

test("the page's words name its own controls, never a CLI flag or command", () => {
  const texts = Object.values(pageWords).map((w) => (typeof w === 'function' ? w('atmega328p') : w));
  for (const t of texts) expect(t).not.toMatch(/(^|\s)--?[a-z]|`/); // no flags, no quoted commands
  // Every word the CLI has, the page has too (a new one must be worded for the page as well).
  expect(Object.keys(pageWords).sort()).toEqual(Object.keys(cliWords).sort());
});

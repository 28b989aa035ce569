import { defineConfig } from 'vitest/config';

// One file: pack, npm install into a temp folder, then run the installed CLI (against simavr for the device
// commands). npm's cache makes the install take seconds after the first run.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});

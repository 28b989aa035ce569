import { defineConfig } from 'vitest/config';

// Bundling a package's whole import graph takes well under a second alone, but these 2-core machines are shared:
// the timeout only guards against a hang.
export default defineConfig({
  test: {
    testTimeout: 60_000,
  },
});

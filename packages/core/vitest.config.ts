import { defineConfig } from 'vitest/config';

// Some of these tests run whole flows (a 32 KB backup, a restore) against the in-memory programmer; on a busy
// 2-core machine that took longer than vitest's 5 s default. The timeout is here to catch hangs, not to time them.
export default defineConfig({
  test: {
    testTimeout: 30_000,
  },
});

import { defineConfig } from 'vitest/config';

// Many of these tests spawn the CLI, the simulator or avrdude. On a busy 2-core machine a process start alone can
// take seconds, so vitest's 5 s default failed tests that were only slow; the timeout is here to catch hangs.
export default defineConfig({
  test: {
    testTimeout: 30_000,
  },
});

import { defineConfig } from 'vitest/config';

// Real Chromium against the simulator (about real time): one file at a time on these 2-core machines, and
// minutes per test for the whole-rescue runs.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});

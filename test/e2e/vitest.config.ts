import { defineConfig } from 'vitest/config';

// Every test here drives real avrdude through firmware running in simavr (~1x real time): allow minutes per test,
// and run at most two files at once on these 2-core machines.
export default defineConfig({
  test: {
    testTimeout: 180_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});

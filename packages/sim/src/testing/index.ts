import { startSim, type Sim, type SimOptions } from '../start-sim.js';

export { runAvrdude, type AvrdudeOptions, type AvrdudeRun } from './run-avrdude.js';
export { seededBytes, randomImage } from './seeded.js';
export { workspaceRoot } from '../locate.js';

/** Starts a simulator, runs `fn` with it, and always stops it (even when `fn` throws). */
export async function withSim<T>(options: SimOptions, fn: (sim: Sim) => Promise<T>): Promise<T> {
  const sim = await startSim(options);
  try {
    return await fn(sim);
  } finally {
    await sim.stop();
  }
}

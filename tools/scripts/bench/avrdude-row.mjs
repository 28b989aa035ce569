// Rows (a) and (b): stock avrdude 7.1 `-c avrisp` through a programmer firmware in the harness.
//
// avrdude does erase, write and verify in one session; to get each phase's simulated time exactly, the bench runs
// them as separate avrdude sessions (`-e`; `-D -V -U flash:w`; `-D -U flash:v`) and reads the harness counters
// between them, when the harness's clock is stopped (host's turn). Each session also pays the set-up a single
// session pays once (sync, sign-on, set device, program enable, signature): that is measured by itself and
// subtracted, so total = set-up + erase + write + verify = what one `avrdude -U flash:w:…` session costs.
import { sim as simLib, simTesting } from './modules.mjs';
import { compareImage, diffStats, minus, plus } from './measure.mjs';

async function avrdude(sim, args, what) {
  const run = await simTesting.runAvrdude({ port: sim.port, programmer: 'avrisp', part: 'm32u4', args, timeoutMs: 300_000 });
  if (run.code !== 0 || run.timedOut) {
    const last = run.stderr.trim().split('\n').slice(-3).join(' | ');
    throw new Error(`avrdude ${what} failed (${run.timedOut ? 'timed out' : `exit ${run.code}`}): ${last}`);
  }
  return run;
}

export async function runAvrdudeRow({ board, firmware, workload, target }) {
  const sim = await simLib.startSim({ board, firmware, fuses: target.fuses });
  try {
    // Warm-up session: until the firmware has answered once the harness runs its clock freely (nothing to wait
    // for yet), so the first measured session must not be the first one.
    await avrdude(sim, [], 'warm-up');
    const s0 = await sim.stats();
    const setupRun = await avrdude(sim, [], 'set-up');
    const s1 = await sim.stats();
    const eraseRun = await avrdude(sim, ['-e'], 'erase');
    const s2 = await sim.stats();
    const writeRun = await avrdude(sim, ['-D', '-V', '-U', `flash:w:${workload.path}:i`], 'write');
    const s3 = await sim.stats();
    const verifyRun = await avrdude(sim, ['-D', '-U', `flash:v:${workload.path}:i`], 'verify');
    const s4 = await sim.stats();

    const setup = diffStats(s0, s1);
    const erase = minus(diffStats(s1, s2), setup);
    const write = minus(diffStats(s2, s3), setup);
    const verify = minus(diffStats(s3, s4), setup);
    const total = plus(setup, erase, write, verify);
    const wallMs = eraseRun.wallMs + writeRun.wallMs + verifyRun.wallMs - 2 * setupRun.wallMs;

    const mismatch = compareImage(workload.image, await sim.targetImage());
    const fuses = await sim.fuses();
    return {
      setupSeconds: setup.simSeconds,
      eraseSeconds: erase.simSeconds,
      writeSeconds: write.simSeconds,
      verifySeconds: verify.simSeconds,
      totals: total,
      wallSeconds: wallMs / 1000,
      verified: mismatch === undefined,
      mismatch,
      finalFuses: fuses,
    };
  } finally {
    await sim.stop();
  }
}

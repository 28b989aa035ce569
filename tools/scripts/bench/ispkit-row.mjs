// Row (c): the ispkit host CLI (`ispkit flash`) through the ispkit firmware in the harness.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root, sim as simLib, simTesting } from './modules.mjs';
import { compareImage, diffStats } from './measure.mjs';

const CLI = join(root, 'packages/host/dist/cli.js');

function runCli(args, timeoutMs = 300_000) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, wallMs: performance.now() - started });
    });
  });
}

const hex2 = (n) => n.toString(16).toUpperCase().padStart(2, '0');

export async function runIspkitRow({ board, workload, target }) {
  if (!existsSync(CLI)) throw new Error('ispkit host CLI not built (packages/host/dist/cli.js missing)');
  const sim = await simLib.startSim({ board, fuses: target.fuses });
  try {
    const warm = await simTesting.runAvrdude({ port: sim.port, timeoutMs: 60_000 });
    if (warm.code !== 0) throw new Error(`warm-up avrdude session failed: ${warm.stderr.trim().split('\n').at(-1)}`);
    const before = await sim.stats();
    const fuses = `${hex2(target.fuses.low)}:${hex2(target.fuses.high)}:${hex2(target.fuses.ext)}`;
    const run = await runCli(['flash', '--port', sim.port, '--json', '--fuses', fuses, workload.path]);
    const after = await sim.stats();
    if (run.code !== 0) {
      const last = `${run.stderr}${run.stdout}`.trim().split('\n').slice(-3).join(' | ');
      throw new Error(`ispkit flash failed (exit ${run.code}): ${last}`);
    }
    const total = diffStats(before, after);
    const mismatch = compareImage(workload.image, await sim.targetImage());
    const finalFuses = await sim.fuses();
    const fusesOk = finalFuses.low === target.fuses.low && finalFuses.high === target.fuses.high && (finalFuses.ext & 0x0f) === (target.fuses.ext & 0x0f);
    return {
      totals: total,
      wallSeconds: run.wallMs / 1000,
      verified: mismatch === undefined && fusesOk,
      mismatch: mismatch ?? (fusesOk ? undefined : `final fuses ${JSON.stringify(finalFuses)} differ from the requested ${fuses}`),
      finalFuses,
    };
  } finally {
    await sim.stop();
  }
}

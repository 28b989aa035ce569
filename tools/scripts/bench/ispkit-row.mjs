// Row (c): the ispkit host CLI (`ispkit flash`) through the ispkit firmware in the harness.
//
// The total is exact (harness counters before and after, with the harness clock stopped on both sides). The phase
// split is sampled: the bench reads the CLI's --json events as they arrive (chip erased; "writing flash" finished;
// "verifying flash" finished) and asks the harness for its counters at that moment, by which time the host may
// already be a command further — a few simulated milliseconds at most. Fuse writes at the end (and the CKDIV8
// restore on a factory-fused chip) count in the total, not in a phase.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root, sim as simLib, simTesting } from './modules.mjs';
import { compareImage, diffStats } from './measure.mjs';

const CLI = join(root, 'packages/host/dist/cli.js');

/** Runs the CLI with --json events passed to `onEvent` as they arrive; automatic backups go to `backupDir`. */
export function runCli(args, onEvent, timeoutMs = 300_000, backupDir = join(root, 'bench/tmp/backups')) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ISPKIT_BACKUP_DIR: backupDir } });
    let stdout = '';
    let stderr = '';
    let pending = '';
    const events = [];
    child.stdout.on('data', (d) => {
      stdout += d;
      pending += d;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        try {
          const e = JSON.parse(line);
          events.push(e);
          onEvent(e);
        } catch {
          // not an event line
        }
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, events, wallMs: performance.now() - started });
    });
  });
}

const hex2 = (n) => n.toString(16).toUpperCase().padStart(2, '0');

export async function runIspkitRow({ board, workload, target, backup = false }) {
  if (!existsSync(CLI)) throw new Error('ispkit host CLI not built (packages/host/dist/cli.js missing)');
  const sim = await simLib.startSim({ board, fuses: target.fuses });
  try {
    // Warm-up session (the harness clock runs freely until the firmware has answered once).
    const warm = await simTesting.runAvrdude({ port: sim.port, timeoutMs: 60_000 });
    if (warm.code !== 0) throw new Error(`warm-up avrdude session failed: ${warm.stderr.trim().split('\n').at(-1)}`);
    const before = await sim.stats();
    const marks = {};
    const sample = (name) => {
      marks[name] ??= sim.stats();
    };
    const run = await runCli(
      // Without the automatic backup by default, so the row measures erase + write + verify like rows (a) and (b);
      // the backup rows measure what the backup adds.
      ['-P', sim.port, '--json', 'flash', ...(backup ? [] : ['--no-backup']), '--lfuse', hex2(target.fuses.low), '--hfuse', hex2(target.fuses.high), '--efuse', hex2(target.fuses.ext), workload.path],
      (e) => {
        if (e.event === 'message' && /^erased the chip/.test(e.text)) sample('erased');
        if (e.event === 'progress' && e.finished && e.task === 'writing flash') sample('written');
        if (e.event === 'progress' && e.finished && /^verifying flash/.test(e.task)) sample('verified');
      },
    );
    const after = await sim.stats();
    if (run.code !== 0) {
      const err = run.events.find((e) => e.event === 'error');
      const last = err ? `${err.message}${err.hint ? `; ${err.hint}` : ''}` : `${run.stderr}${run.stdout}`.trim().split('\n').slice(-3).join(' | ');
      throw new Error(`ispkit flash failed (exit ${run.code}): ${last}`);
    }
    const total = diffStats(before, after);
    const [erased, written, verified] = [await marks.erased, await marks.written, await marks.verified];
    const span = (a, b) => (a && b ? diffStats(a, b).simSeconds : undefined);
    const mismatch = compareImage(workload.image, await sim.targetImage());
    const finalFuses = await sim.fuses();
    const fusesOk = finalFuses.low === target.fuses.low && finalFuses.high === target.fuses.high && (finalFuses.ext & 0x0f) === (target.fuses.ext & 0x0f);
    const result = run.events.find((e) => e.event === 'result')?.data;
    return {
      eraseSeconds: span(before, erased),
      writeSeconds: span(erased, written),
      verifySeconds: span(written, verified),
      totals: total,
      wallSeconds: run.wallMs / 1000,
      verified: mismatch === undefined && fusesOk,
      mismatch: mismatch ?? (fusesOk ? undefined : `final fuses ${JSON.stringify(finalFuses)} differ from the requested ${JSON.stringify(target.fuses)}`),
      finalFuses,
      notes: result ? { sck: result.sck, clockTrick: result.clockTrick, blankPagesSkipped: result.blankPagesSkipped } : undefined,
    };
  } finally {
    await sim.stop();
  }
}

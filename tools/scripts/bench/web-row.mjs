// Row (d): the web page (packages/web) in Debian's headless Chromium, flashing and verifying through the ispkit
// firmware in the harness over the real navigator.serial. Chromium only sees the harness's pty inside the web
// lane's private namespace, so the measurement runs in a child inside it (web-row-child.mjs).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root, ihex } from './modules.mjs';
import { compareImage } from './measure.mjs';

const ENTER = join(root, 'packages/web/dist/lane/enter-namespace.sh');

function runChild(args) {
  return new Promise((resolve) => {
    const child = spawn('bash', [ENTER, process.execPath, join(root, 'tools/scripts/bench/web-row-child.mjs'), JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function runWebRow({ board, workload, target }) {
  if (!existsSync(ENTER)) throw new Error('the web package is not built (packages/web/dist/lane missing)');
  const run = await runChild({ board, workloadPath: workload.path, fuses: target.fuses });
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  let r;
  try {
    r = JSON.parse(line);
  } catch {
    throw new Error(`the web lane did not report (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  if (r.error) throw new Error(r.error);
  const image = ihex.MemoryImage.fromBinary(Uint8Array.from(r.image.split(',').map(Number)));
  const mismatch = compareImage(workload.image, image);
  const f = r.finalFuses;
  const fusesOk = f.low === target.fuses.low && f.high === target.fuses.high && (f.ext & 0x0f) === (target.fuses.ext & 0x0f);
  return {
    eraseSeconds: r.eraseSeconds,
    writeSeconds: r.writeSeconds,
    verifySeconds: r.verifySeconds,
    totals: r.totals,
    wallSeconds: r.wallSeconds,
    verified: mismatch === undefined && fusesOk,
    mismatch: mismatch ?? (fusesOk ? undefined : `final fuses ${JSON.stringify(f)} differ from ${JSON.stringify(target.fuses)}`),
    finalFuses: f,
    notes: { summary: r.summary },
  };
}

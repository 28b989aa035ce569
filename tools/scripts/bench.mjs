// `pnpm bench` (issue 6): flashes the same workloads through three programmer paths in the simavr harness and
// prints simulated erase/write/verify/total seconds, SPI and USB bytes, bytes/s, the ratio to stock ArduinoISP,
// and wall time; writes bench/results.json.
//
//   (a) avrdude 7.1 -c avrisp + stock ArduinoISP (Leonardo build from Debian's arduino-core-avr)
//   (b) avrdude 7.1 -c avrisp + ispkit firmware
//   (c) ispkit host (`ispkit flash --no-backup`) + ispkit firmware
//   (d) the web page in headless Chromium (Web Serial) + ispkit firmware, "Back up first" unticked: the 32 KB
//       workload (4 KB with --smoke), run in the web lane's private namespace; its simulated total is compared with
//       row (c) of the same run (the "vs (c)" column; the page runs the same core flow, so it should be within 5 %)
//   backup rows: what the automatic backup adds to (c), `ispkit backup`, `ispkit restore` (issue 13)
//
// Options: --smoke (4 KB, 16 MHz target only: one row per programmer), --out <json> (default bench/results.json),
//          --only a,b,c,d,backup (rows), --board teensy2|pro-micro (board for rows b, c and d; default teensy2).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { root } from './bench/modules.mjs';
import { makeWorkloads, targets } from './bench/workloads.mjs';
import { runAvrdudeRow } from './bench/avrdude-row.mjs';
import { runIspkitRow } from './bench/ispkit-row.mjs';
import { runWebRow } from './bench/web-row.mjs';
import { renderMarkdown, renderText } from './bench/table.mjs';
import { renderBackupMarkdown, runBackupRows } from './bench/backup-rows.mjs';
import { violationCount } from './bench/measure.mjs';

const { values: opts } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string', default: 'a,b,c,d,backup' },
    board: { type: 'string', default: 'teensy2' },
  },
});

const log = (msg) => process.stderr.write(`bench: ${msg}\n`);
const tmp = join(root, 'bench/tmp');
mkdirSync(tmp, { recursive: true });
const started = performance.now();

log('building stock ArduinoISP (Leonardo) from Debian packages');
const arduinoIsp = execFileSync('bash', [join(root, 'tools/scripts/build-arduinoisp.sh'), join(tmp, 'arduinoisp')], {
  encoding: 'utf8',
}).trim();
const workloads = makeWorkloads(tmp, { smoke: opts.smoke });
const benchTargets = opts.smoke ? targets.slice(0, 1) : targets;

const programmers = [
  { id: 'a', label: '(a) avrdude + stock ArduinoISP', run: (w, t) => runAvrdudeRow({ board: 'pro-micro', firmware: arduinoIsp, workload: w, target: t }) },
  { id: 'b', label: '(b) avrdude + ispkit firmware', run: (w, t) => runAvrdudeRow({ board: opts.board, workload: w, target: t }) },
  { id: 'c', label: '(c) ispkit host + firmware', run: (w, t) => runIspkitRow({ board: opts.board, workload: w, target: t }) },
  {
    id: 'd',
    label: '(d) web page (Chromium) + firmware',
    only: (w) => w.id === (opts.smoke ? 'random-4k' : 'random-32k'),
    run: (w, t) => runWebRow({ board: opts.board, workload: w, target: t }),
  },
].filter((p) => opts.only.split(',').includes(p.id));

const rows = [];
for (const target of benchTargets) {
  for (const workload of workloads) {
    let baseline;
    let hostTotal;
    for (const p of programmers) {
      if (p.only && !p.only(workload)) continue;
      log(`${p.label}: ${workload.label}, target ${target.label}`);
      const row = { programmer: p.id, programmerLabel: p.label, workloadId: workload.id, workload: workload.label, workloadBytes: workload.bytes, targetId: target.id, target: target.label };
      try {
        const r = await p.run(workload, target);
        Object.assign(row, {
          setupSeconds: r.setupSeconds,
          eraseSeconds: r.eraseSeconds,
          writeSeconds: r.writeSeconds,
          verifySeconds: r.verifySeconds,
          totalSeconds: r.totals.simSeconds,
          spiBytes: r.totals.spiBytes,
          usbBytes: r.totals.usbBytesOut + r.totals.usbBytesIn,
          usbBytesOut: r.totals.usbBytesOut,
          usbBytesIn: r.totals.usbBytesIn,
          pageWrites: r.totals.pageWrites,
          bytesPerSecond: workload.bytes / r.totals.simSeconds,
          violations: r.totals.violations,
          wallSeconds: r.wallSeconds,
          verified: r.verified,
          finalFuses: r.finalFuses,
          notes: r.notes,
        });
        if (!r.verified) row.error = r.mismatch ?? 'target image differs from the workload';
        if (violationCount(r.totals.violations) > 0) log(`  ${violationCount(r.totals.violations)} ISP timing violations: ${JSON.stringify(r.totals.violations)}`);
        if (p.id === 'a') baseline = row.totalSeconds;
        if (baseline) row.ratioToA = baseline / row.totalSeconds;
        if (p.id === 'c') hostTotal = row.totalSeconds;
        if (p.id === 'd' && hostTotal) {
          // The page runs the same core flow over Web Serial: its simulated time must match the CLI's within 5 %.
          row.ratioToC = row.totalSeconds / hostTotal;
          log(`  ${(Math.abs(row.ratioToC - 1) * 100).toFixed(1)} % from row (c) (${row.totalSeconds.toFixed(3)} s vs ${hostTotal.toFixed(3)} s simulated)`);
          // Reported, not enforced: a heavily loaded machine adds simulated time to either row (see README, Speed).
          if (Math.abs(row.ratioToC - 1) > 0.05) log('  more than 5 % apart: rerun on a quieter machine before reading anything into it');
        }
        log(`  total ${row.totalSeconds.toFixed(3)} s simulated, ${row.wallSeconds.toFixed(1)} s wall`);
      } catch (err) {
        row.error = err instanceof Error ? err.message : String(err);
        log(`  FAILED: ${row.error}`);
      }
      rows.push(row);
    }
  }
}

const backupRows = [];
if (opts.only.split(',').includes('backup')) {
  const target = targets[0];
  const workload = workloads.find((w) => w.id === 'random-32k') ?? workloads[0];
  log(`backup rows: ${opts.smoke ? 'backup and restore' : 'flash with/without the backup, backup, restore'}, target ${target.label}`);
  try {
    backupRows.push(...(await runBackupRows({ board: opts.board, dir: tmp, workload, target, smoke: opts.smoke })));
    for (const r of backupRows) log(`  ${r.label}: total ${r.totalSeconds.toFixed(3)} s${r.phase ? `, ${r.phase} ${r.phaseSeconds?.toFixed(3)} s` : ''}`);
  } catch (err) {
    backupRows.push({ id: 'backup', label: 'backup rows', target: target.id, error: err instanceof Error ? err.message : String(err) });
    log(`  FAILED: ${backupRows.at(-1).error}`);
  }
}

const avrdudeHelp = spawnSync('avrdude', ['-?'], { encoding: 'utf8' });
const avrdudeVersion = /version ([\d.]+)/.exec(`${avrdudeHelp.stdout}${avrdudeHelp.stderr}`)?.[1];
const results = {
  generatedAt: new Date().toISOString(),
  smoke: opts.smoke,
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version },
  avrdude: avrdudeVersion ?? '7.1',
  method:
    'Simulated seconds from the simavr harness (its clock stops while waiting for the host). avrdude rows run erase, write and verify as separate sessions and subtract the per-session set-up, so total = one session.',
  wallSecondsTotal: (performance.now() - started) / 1000,
  rows,
  backupRows,
};
// Figures to the microsecond (the harness's own resolution is one CPU cycle; more digits would be float noise).
const round = (key, v) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1e6) / 1e6 : v);
const out = opts.out ?? join(root, 'bench/results.json');
mkdirSync(join(out, '..'), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, round, 2)}\n`);
// The same table as markdown beside the JSON, for the README.
writeFileSync(out.replace(/\.json$/, '') + '.md', `${renderMarkdown(rows)}\n${backupRows.length ? `\n${renderBackupMarkdown(backupRows)}\n` : ''}`);
console.log(renderText(rows));
if (backupRows.length) console.log(`\n${renderBackupMarkdown(backupRows)}`);
log(`wrote ${out} (${results.wallSecondsTotal.toFixed(0)} s wall)`);
process.exit(rows.some((r) => r.error) || backupRows.some((r) => r.error) ? 1 : 0);

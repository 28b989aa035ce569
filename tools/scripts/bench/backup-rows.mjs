// Backup rows (issue 13): what the automatic backup adds to `ispkit flash`, `ispkit backup` of a whole 32U4, and
// `ispkit restore` of a whole chip (flash + every EEPROM page different) and of the same backup again (EEPROM
// pages already equal are skipped). Simulated seconds, as the other rows; the EEPROM phase of a restore is sampled
// from the CLI's progress events like the phases of row (c).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ihex, ihexTesting, sim as simLib, simTesting } from './modules.mjs';
import { diffStats } from './measure.mjs';
import { runCli, runIspkitRow } from './ispkit-row.mjs';

const seeded = ihexTesting.seededBytes;

/** One CLI run against a fresh simulator; total = harness counters after − before, plus sampled marks. */
async function measure({ board, fuses, flashImage }, argsFor, marks = {}) {
  const sim = await simLib.startSim({ board, fuses, ...(flashImage ? { flashImage } : {}) });
  try {
    const warm = await simTesting.runAvrdude({ port: sim.port, timeoutMs: 60_000 });
    if (warm.code !== 0) throw new Error(`warm-up avrdude session failed: ${warm.stderr.trim().split('\n').at(-1)}`);
    const runs = [];
    for (const args of argsFor(sim)) {
      const before = await sim.stats();
      const sampled = {};
      const run = await runCli(['-P', sim.port, '--json', ...args], (e) => {
        for (const [name, test] of Object.entries(marks)) if (test(e)) sampled[name] ??= sim.stats();
      });
      const after = await sim.stats();
      if (run.code !== 0) {
        const err = run.events.find((e) => e.event === 'error');
        throw new Error(`ispkit ${args[0]} failed (exit ${run.code}): ${err ? err.message : run.stderr.trim().split('\n').at(-1)}`);
      }
      const at = {};
      for (const [k, v] of Object.entries(sampled)) at[k] = await v;
      runs.push({ totals: diffStats(before, after), at, wallSeconds: run.wallMs / 1000, result: run.events.find((e) => e.event === 'result')?.data });
    }
    return runs;
  } finally {
    await sim.stop();
  }
}

export async function runBackupRows({ board, dir, workload, target, smoke }) {
  const rows = [];
  const row = (id, label, r, extra = {}) => {
    rows.push({
      id,
      label,
      target: target.id,
      totalSeconds: r.totals.simSeconds,
      spiBytes: r.totals.spiBytes,
      usbBytes: r.totals.usbBytesOut + r.totals.usbBytesIn,
      violations: r.totals.violations,
      wallSeconds: r.wallSeconds,
      ...extra,
    });
  };

  if (!smoke) {
    const plain = await runIspkitRow({ board, workload, target });
    const withBackup = await runIspkitRow({ board, workload, target, backup: true });
    rows.push({
      id: 'flash+backup',
      label: `ispkit flash ${workload.id} with the default backup`,
      target: target.id,
      totalSeconds: withBackup.totals.simSeconds,
      phaseSeconds: withBackup.totals.simSeconds - plain.totals.simSeconds,
      phase: 'backup adds',
      spiBytes: withBackup.totals.spiBytes,
      usbBytes: withBackup.totals.usbBytesOut + withBackup.totals.usbBytesIn,
      violations: withBackup.totals.violations,
      wallSeconds: withBackup.wallSeconds,
    });
  }

  const chip = ihex.MemoryImage.fromBinary(seeded(32768, 0x13), 0);
  const [backup] = await measure({ board, fuses: target.fuses, flashImage: chip }, () => [['backup', '-o', join(dir, 'bench-backup.elf')]]);
  row('backup', 'ispkit backup (32 KB flash + 1 KB EEPROM, fuses, lock)', backup);

  // A backup whose flash and EEPROM differ everywhere from a blank chip, restored twice onto the same chip.
  const file = join(dir, 'bench-restore.elf');
  writeFileSync(
    file,
    ihex.encodeBackup({
      part: 'atmega32u4',
      partName: 'ATmega32U4',
      signature: [0x1e, 0x95, 0x87],
      date: new Date().toISOString(),
      tool: 'ispkit bench',
      flash: seeded(32768, 0x21),
      eeprom: seeded(1024, 0x22),
      fuses: { ...target.fuses },
      lock: 0xff,
    }),
  );
  const eepromStart = (e) => e.event === 'progress' && e.task === 'writing eeprom' && e.done === 0;
  const eepromEnd = (e) => e.event === 'progress' && e.task === 'writing eeprom' && e.finished;
  const restores = await measure({ board, fuses: target.fuses }, () => [
    ['restore', file, '--no-backup'],
    ['restore', file, '--no-backup'],
  ], { eepromStart, eepromEnd });
  const eepromPhase = (r) => (r.at.eepromStart && r.at.eepromEnd ? diffStats(r.at.eepromStart, r.at.eepromEnd).simSeconds : undefined);
  row('restore', 'ispkit restore: 32 KB flash + 1 KB EEPROM, every EEPROM page different', restores[0], {
    phase: 'EEPROM write',
    phaseSeconds: eepromPhase(restores[0]),
    eepromBytesWritten: restores[0].result?.eepromBytesWritten,
  });
  row('restore-again', 'ispkit restore of the same backup again: EEPROM pages already equal', restores[1], {
    phase: 'EEPROM write',
    phaseSeconds: eepromPhase(restores[1]),
    eepromBytesWritten: restores[1].result?.eepromBytesWritten,
  });
  return rows;
}

const COLUMNS = [
  ['backup row', (r) => r.label],
  ['target', (r) => r.target],
  ['total s', (r) => num(r.totalSeconds)],
  ['phase', (r) => r.phase ?? '-'],
  ['phase s', (r) => num(r.phaseSeconds)],
  ['SPI bytes', (r) => String(r.spiBytes ?? '-')],
  ['USB bytes', (r) => String(r.usbBytes ?? '-')],
  ['violations', (r) => (r.violations ? String(Object.values(r.violations).reduce((s, n) => s + n, 0)) : '-')],
  ['wall s', (r) => (typeof r.wallSeconds === 'number' ? r.wallSeconds.toFixed(1) : '-')],
];
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : '-');

export function renderBackupMarkdown(rows) {
  const head = COLUMNS.map(([h]) => h);
  const out = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 || i === 3 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of rows) out.push(r.error ? `| ${r.label} | ${r.target} | FAILED: ${r.error} |` : `| ${COLUMNS.map(([, f]) => f(r)).join(' | ')} |`);
  return out.join('\n');
}

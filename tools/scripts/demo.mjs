// `npm run demo`: the whole ispkit story in the simulator, run with the same `ispkit` commands a keyboard owner
// types. A Teensy 2.0 programmer (our firmware, built here) is wired to a factory-fresh ATmega32U4 keyboard chip;
// ispkit flashes a keyboard firmware merged with a bootloader, sets the bootloader's fuses, verifies, and the
// simulated keyboard then boots through its bootloader and enumerates on USB.
//
// Options: --board teensy2|pro-micro (programmer board, default teensy2). The files it makes stay in .tmp/demo.
// Exit code: 0 when every step worked, the failing step's exit code otherwise (130 on Ctrl-C).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { diffStats } from './bench/measure.mjs';
import { root, sim as simLib } from './bench/modules.mjs';
import { buildDemoKeyboard } from './demo/build-keyboard.mjs';

const { values: opts } = parseArgs({
  options: { board: { type: 'string', default: 'teensy2' } },
});
const boards = { teensy2: { name: 'Teensy 2.0', reset: 'b0' }, 'pro-micro': { name: 'Pro Micro', reset: 'b6' } };
const board = boards[opts.board];
if (!board) {
  process.stderr.write(`demo: unknown --board "${opts.board}"; use teensy2 or pro-micro\n`);
  process.exit(2);
}

const tty = process.stdout.isTTY;
const bold = (s) => (tty ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (tty ? `\x1b[2m${s}\x1b[0m` : s);
const cli = join(root, 'packages/host/dist/cli.js');
const dir = join(root, '.tmp/demo');
/** Paths inside the repo are shown relative to it (where `npm run demo` runs); others as they are. */
const rel = (p) => (p.startsWith(`${root}/`) ? relative(root, p) : p);
const STEPS = 7;
let step = 0;
let sim;
let child;

class StepFailed extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

function heading(title) {
  step++;
  console.log(`\n${bold(`[${step}/${STEPS}] ${title}`)}`);
}

/** Runs `ispkit …` as a user would (its output straight to this terminal); rejects on a non-zero exit. */
function ispkit(...args) {
  console.log(dim(`$ ispkit ${args.map(rel).join(' ')}`));
  return new Promise((resolve, reject) => {
    // automatic backups of the simulated chip go next to the demo's other files, not into the user's data folder
    child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit', cwd: root, env: { ...process.env, ISPKIT_BACKUP_DIR: join(dir, 'backups') } });
    child.on('error', (err) => reject(new StepFailed(`cannot run ispkit: ${err.message}`, 1)));
    child.on('exit', (code, signal) => {
      child = undefined;
      if (code === 0) resolve();
      else reject(new StepFailed(`\`ispkit ${args[0]}\` failed (${signal ?? `exit ${code}`})`, code ?? 130));
    });
  });
}

const hex2 = (n) => n.toString(16).toUpperCase().padStart(2, '0');
const hex4 = (n) => `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;

async function main() {
  const started = performance.now();
  let same;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(bold('ispkit demo: revive a keyboard whose USB bootloader is gone, in the simulator'));
  console.log(
    `A spare ${board.name} becomes an ISP programmer, is wired to the keyboard's ATmega32U4 (factory-fresh: no\n` +
      'bootloader, CKDIV8 set), and ispkit puts the keyboard firmware and a bootloader back. Nothing here is mocked:\n' +
      'the programmer runs our real firmware hex in simavr, and the chip is a model of the 32U4 ISP interface.',
  );

  heading(`Build the programmer firmware for the ${board.name} from its board table`);
  const programmer = join(dir, `ispkit-${opts.board}-${board.reset}.hex`);
  await ispkit('programmer', 'build', '--board', opts.board, '-o', programmer);
  const committed = join(root, 'firmware/dist', `ispkit-${opts.board}-${board.reset}.hex`);
  same = readFileSync(programmer, 'utf8') === readFileSync(committed, 'utf8');
  console.log(same ? `identical to the committed ${rel(committed)}` : `note: differs from the committed ${rel(committed)}`);

  heading('Build a keyboard firmware and a bootloader, and merge them');
  const kb = buildDemoKeyboard(join(dir, 'keyboard'));
  console.log(`keyboard firmware: ${rel(kb.keyboard)} (${kb.keyboardBytes} B, a USB HID keyboard built with avr-gcc)`);
  console.log(`bootloader:        ${rel(kb.bootloader)} (${kb.bootloaderBytes} B at 0x7000, a stand-in for Caterina)`);
  const merged = join(dir, 'keyboard-with-bootloader.hex');
  await ispkit('merge', kb.keyboard, kb.bootloader, '-o', merged);
  await ispkit('hex', 'info', merged);

  heading(`Start the simulated ${board.name} programmer wired to a factory-fresh keyboard chip`);
  sim = await simLib.startSim({ board: opts.board, firmware: programmer, maxSimSeconds: 600 });
  console.log(`programmer on ${sim.port} (USB ${hex4(sim.usb?.vid ?? 0)}:${hex4(sim.usb?.pid ?? 0)}), target fuses 5E 99 F3`);
  const port = sim.port;
  await ispkit('info', '-P', port);

  heading('Flash the keyboard firmware with its bootloader, set the Caterina fuses, verify');
  const beforeFlash = await sim.stats();
  await ispkit('flash', kb.keyboard, '--bootloader', kb.bootloader, '--fuses', 'caterina-5v', '-P', port);
  const flashed = diffStats(beforeFlash, await sim.stats()); // the flash command alone, in target time

  heading('Verify the chip against the merged file, as a separate check');
  await ispkit('verify', merged, '-P', port);

  heading('Read the fuses back');
  await ispkit('fuses', 'read', '-P', port);
  const stats = await sim.stats();

  heading('Power the keyboard on: it boots through its bootloader and enumerates on USB');
  const boot = await sim.bootCheck({ timeoutMs: 3000 });
  if (!boot.attached) throw new StepFailed(`the keyboard did not attach to USB within 3 s (started at ${hex4(boot.startAddress)})`, 1);
  console.log(
    `reset → ${hex4(boot.startAddress)} (the bootloader, as BOOTRST says) → the keyboard firmware attached to USB as ` +
      `${hex4(boot.usb.vid)}:${hex4(boot.usb.pid)}${boot.usb.product ? ` "${boot.usb.product}"` : ''} after ${boot.simMs.toFixed(0)} ms`,
  );

  const f = stats.fuses;
  const violations = Object.values(stats.violations).reduce((s, n) => s + n, 0);
  console.log(`\n${bold('Summary')}`);
  console.log(`  programmer  ${board.name}, ispkit firmware ${rel(programmer)}${same ? ' (= firmware/dist)' : ''}`);
  console.log(`  flashed     ${rel(merged)}: keyboard + bootloader, verified twice`);
  console.log(`  fuses       low ${hex2(f.low)} high ${hex2(f.high)} ext ${hex2(f.ext)} (caterina-5v: boots at 0x7000)`);
  console.log(
    `  flash step  ${flashed.simSeconds.toFixed(2)} s of simulated target time: ${flashed.pageWrites} page writes, ` +
      `${flashed.spiBytes} SPI bytes`,
  );
  console.log(`  ISP timing  ${violations} violations in the whole run (commands while busy, SCK too fast for the target)`);
  console.log(`  boot        attached to USB ${boot.simMs.toFixed(0)} ms after reset`);
  console.log(`  wall time   ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`\nOn real hardware: ${bold('README.md')} → "Make a programmer" and "Revive a keyboard".`);
}

let interrupted = false;
process.on('SIGINT', () => {
  // The ispkit child gets the same Ctrl-C and stops itself; the simulator is stopped below.
  interrupted = true;
});

let code = 0;
try {
  await main();
} catch (err) {
  code = interrupted ? 130 : err instanceof StepFailed ? err.code || 1 : 1;
  process.stderr.write(`demo: ${interrupted ? 'interrupted' : err instanceof Error ? err.message : String(err)}\n`);
} finally {
  child?.kill('SIGINT');
  await sim?.stop();
  if (code === 0) console.log(dim(`(the files are in ${rel(dir)})`));
}
process.exit(code);

// `node tools/scripts/usb-events-peers.mjs` (after `pnpm build`): issue 10's mid-session USB host events, run the
// same way against the ispkit firmware and against stock ArduinoISP (Leonardo build, tools/scripts/build-arduinoisp.sh),
// both on a Pro Micro (RESET on B6) in the simavr harness, with avrdude 7.1 -c avrisp and with the ispkit host.
// Each case: a 1 KB flash write + verify, the event fired once the target has started its third write (erase
// counts), then a fresh session (signature read). Prints a Markdown table for the README: what each does.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, sim, simTesting, ihex } from './bench/modules.mjs';

const events = ['reset', 'set-config', 'set-interface', 'clear-halt:in', 'clear-halt:out', 'suspend:30', 'unplug', 'probe'];
const tmp = join(root, 'bench/tmp/usb-events');
mkdirSync(tmp, { recursive: true });
const log = (msg) => process.stderr.write(`usb-events: ${msg}\n`);

const arduinoIsp = execFileSync('bash', [join(root, 'tools/scripts/build-arduinoisp.sh'), join(root, 'bench/tmp/arduinoisp')], {
  encoding: 'utf8',
}).trim();
const programmers = [
  { name: 'ispkit firmware', firmware: undefined },
  { name: 'stock ArduinoISP', firmware: arduinoIsp },
];

function runIspkit(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'packages/host/dist/cli.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, output })));
  });
}

async function write(client, port, hex) {
  if (client === 'ispkit') return runIspkit(['-P', port, 'flash', hex, '--no-clock-trick']);
  const r = await simTesting.runAvrdude({ port, args: ['-U', `flash:w:${hex}:i`], timeoutMs: 90_000 });
  return { code: r.code, output: r.stderr };
}

async function fresh(client, port) {
  if (client === 'ispkit') return runIspkit(['-P', port, 'info']);
  const r = await simTesting.runAvrdude({ port, timeoutMs: 90_000 });
  return { code: r.code, output: r.stderr };
}

function firstError(output) {
  const line = output.split('\n').find((l) => /error|not responding|not in sync|timeout/i.test(l)) ?? '';
  return line.replace(/^\s*(ispkit: error: |avrdude:? (error:)?\s*)/, '').replace(/\/\S+/g, '<port>').slice(0, 70);
}

async function runCase(programmer, client, event, seed) {
  const data = simTesting.seededBytes(1024, seed);
  const hex = join(tmp, `case-${seed}.hex`);
  writeFileSync(hex, ihex.serializeIntelHex(ihex.MemoryImage.fromBinary(data, 0)));
  const s = await sim.startSim({ board: 'pro-micro', firmware: programmer.firmware, maxSimSeconds: 300 });
  try {
    await s.usbEvent(`${event}@write:+3`);
    const run = await write(client, s.port, hex);
    const st = await s.stats();
    const image = (await s.targetImage()).read(0, 1024);
    const exact = image.every((b, i) => b === data[i]);
    const f = await fresh(client, s.port);
    const end = await s.stats();
    let outcome;
    if (st.usb.events === 0) outcome = 'event never fired';
    else if (run.code === 0) outcome = exact ? 'success, exact data' : '**success with WRONG data**';
    else outcome = `error (${firstError(run.output) || `exit ${run.code}`})`;
    const notes = [];
    if (end.usb.staleTargetWrites) notes.push(`**${end.usb.staleTargetWrites} stale target writes**`);
    if (end.usb.toggleDrops) notes.push(`${end.usb.toggleDrops} packets lost to toggles`);
    if (end.usb.conformanceErrors) notes.push(`${end.usb.conformanceErrors} ch9 errors`);
    if (f.code !== 0) notes.push('**fresh session fails**');
    return [outcome, ...notes].join('; ');
  } finally {
    await s.stop();
  }
}

async function enumeration(programmer, profile) {
  const s = await sim.startSim({ board: 'pro-micro', firmware: programmer.firmware, usbProfile: profile, maxSimSeconds: 300 });
  try {
    await s.usbEvent('probe');
    await new Promise((r) => setTimeout(r, 1500));
    const st = await s.stats();
    return st.usb.conformanceErrors === 0 ? '0 errors' : `${st.usb.conformanceErrors} errors: ${st.usb.conformance.slice(0, 3).join('; ')}`;
  } finally {
    await s.stop();
  }
}

const rows = [];
let seed = 1;
for (const profile of ['linux', 'windows', 'macos']) {
  const cells = [];
  for (const p of programmers) cells.push(await enumeration(p, profile));
  rows.push([`enumeration + chapter 9 probe, ${profile} host`, cells[0], cells[0], cells[1], cells[1]]);
  log(`${profile}: ${cells.join(' | ')}`);
}
for (const event of events) {
  const cells = [];
  for (const p of programmers) for (const client of ['avrdude', 'ispkit']) cells.push(await runCase(p, client, event, seed++));
  rows.push([event, ...cells]);
  log(`${event}: ${cells.join(' | ')}`);
}
const header = '| event (linux host, during a 1 KB flash write) | ispkit fw + avrdude | ispkit fw + ispkit host | ArduinoISP + avrdude | ArduinoISP + ispkit host |';
const table = [header, '| --- | --- | --- | --- | --- |', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
process.stdout.write(`${table}\n`);

/** Test helpers: run the built simharness binary, read its JSON lines, build small AVR firmwares. */
import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const binary = join(packageDir, 'build/simharness');
export const workDir = join(packageDir, 'build/test');
export const fixtures = join(packageDir, 'test/__fixtures__');

export function scratch(name: string): string {
  mkdirSync(workDir, { recursive: true });
  return join(workDir, name);
}

export type HarnessEvent = Record<string, unknown> & { event: string };

export interface Harness {
  child: ChildProcessWithoutNullStreams;
  events: HarnessEvent[];
  stderr(): string;
  /** Resolves with the first event of that name (already seen or future); rejects when the process ends first. */
  next(event: string, timeoutMs?: number): Promise<HarnessEvent>;
  send(line: string): void;
  /** Resolves with the exit code once the process is gone. */
  exited: Promise<number | null>;
}

export function startHarness(args: string[]): Harness {
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const events: HarnessEvent[] = [];
  let err = '';
  let buf = '';
  const waiters: { event: string; resolve: (e: HarnessEvent) => void }[] = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const ev = JSON.parse(line) as HarnessEvent;
      events.push(ev);
      for (const w of waiters.filter((x) => x.event === ev.event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(ev);
      }
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    events,
    stderr: () => err,
    next(event, timeoutMs = 20000) {
      const seen = events.find((e) => e.event === event);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${event} event within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        waiters.push({ event, resolve: (e) => (clearTimeout(timer), resolve(e)) });
        void exited.then(() =>
          setTimeout(() => reject(new Error(`simharness exited before ${event}; stderr: ${err}`)), 50),
        );
      });
    },
    send(line) {
      child.stdin.write(line + '\n');
    },
    exited,
  };
}

/** Runs the harness to completion (stdin closed at once unless keepStdin). */
export function runHarness(args: string[]): { code: number | null; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(binary, args, { input: '', encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    const x = e as { status: number | null; stdout: string; stderr: string };
    return { code: x.status, stdout: x.stdout, stderr: x.stderr };
  }
}

/** Builds a fixture firmware (C, ATmega32U4, 16 MHz) with avr-gcc into build/test and returns the .hex path. */
export function buildFixture(name: string): string {
  const src = join(fixtures, `${name}.c`);
  const elf = scratch(`${name}.elf`);
  const hex = scratch(`${name}.hex`);
  execFileSync('avr-gcc', ['-mmcu=atmega32u4', '-DF_CPU=16000000UL', '-Os', '-Wall', '-Wextra', '-Werror', '-o', elf, src]);
  execFileSync('avr-objcopy', ['-O', 'ihex', '-R', '.eeprom', elf, hex]);
  return hex;
}

/** Parses Intel HEX (data records, extended linear/segment addresses) into a sparse byte map. */
export function readHex(path: string): Map<number, number> {
  const mem = new Map<number, number>();
  let base = 0;
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    if (!line.startsWith(':')) continue;
    const b = Buffer.from(line.slice(1), 'hex');
    const len = b[0]!;
    const type = b[3]!;
    const addr = (b[1]! << 8) | b[2]!;
    if (type === 0) for (let i = 0; i < len; i++) mem.set(base + addr + i, b[4 + i]!);
    else if (type === 2) base = ((b[4]! << 8) | b[5]!) << 4;
    else if (type === 4) base = ((b[4]! << 8) | b[5]!) << 16;
  }
  return mem;
}

/** Bytes [start, start+length) of a hex file, 0xFF where it has no data. */
export function hexBytes(path: string, start: number, length: number): number[] {
  const mem = readHex(path);
  return Array.from({ length }, (_, i) => mem.get(start + i) ?? 0xff);
}

/** Writes `data` at address 0 as Intel HEX. */
export function writeHex(data: Uint8Array): string {
  const lines: string[] = [];
  for (let a = 0; a < data.length; a += 16) {
    const chunk = data.subarray(a, Math.min(a + 16, data.length));
    const rec = [chunk.length, (a >> 8) & 0xff, a & 0xff, 0, ...chunk];
    const sum = (0x100 - (rec.reduce((s, x) => s + x, 0) & 0xff)) & 0xff;
    lines.push(':' + Buffer.from([...rec, sum]).toString('hex').toUpperCase());
  }
  lines.push(':00000001FF');
  return lines.join('\n') + '\n';
}

/** Stock ArduinoISP for the Leonardo, built by tools/scripts/build-arduinoisp.sh (idempotent). */
export function arduinoIspHex(): string {
  const script = join(packageDir, '../scripts/build-arduinoisp.sh');
  const hex = execFileSync(script, [], { encoding: 'utf8' }).trim();
  if (!existsSync(hex)) throw new Error(`build-arduinoisp.sh printed ${hex}, which does not exist`);
  return hex;
}

import { spawn } from 'node:child_process';

export interface AvrdudeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** avrdude writes everything to stderr; stdout only for terminal output (-U ...:r:-:h). */
  stdout: string;
  stderr: string;
  wallMs: number;
  timedOut: boolean;
}

export interface AvrdudeOptions {
  port: string;
  /** -c: avrisp (default), stk500v1, arduino … */
  programmer?: string;
  /** -p: part (default m32u4). */
  part?: string;
  /** Further arguments, e.g. ['-U', 'flash:w:x.hex:i']. */
  args?: readonly string[];
  /** Kill avrdude after this many wall ms (default 120 000): a hang fails the test instead of stalling it. */
  timeoutMs?: number;
  /** avrdude binary (default $AVRDUDE or "avrdude"). */
  binary?: string;
  /** Baud rate (-b); default leave avrdude's own default. */
  baud?: number;
}

/** Runs the system avrdude against a port, bounded in time; never throws for a non-zero exit. */
export function runAvrdude(opts: AvrdudeOptions): Promise<AvrdudeRun> {
  const args = ['-c', opts.programmer ?? 'avrisp', '-P', opts.port, '-p', opts.part ?? 'm32u4'];
  if (opts.baud) args.push('-b', String(opts.baud));
  args.push(...(opts.args ?? []));
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(opts.binary ?? process.env.AVRDUDE ?? 'avrdude', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 120_000);
    child.on('error', (err) => {
      stderr += `cannot run avrdude: ${err.message}\n`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, wallMs: performance.now() - started, timedOut });
    });
  });
}

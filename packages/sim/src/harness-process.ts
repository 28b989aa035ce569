import { spawn, type ChildProcess } from 'node:child_process';
import { JsonLineReader } from './json-lines.js';
import { SimError } from './sim-error.js';

export type HarnessEvent = Record<string, unknown> & { event?: string };

interface Waiter {
  match: (e: HarnessEvent) => boolean;
  resolve: (e: HarnessEvent) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Every harness this process started and has not seen exit: killed if the test runner or CLI exits first. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/**
 * One running `simharness` child: its stdout JSON lines, its stderr tail, and a serialised request/reply channel on
 * stdin. Never leaves the child behind: `close()` asks it to quit, then terminates, then kills.
 */
export class HarnessProcess {
  readonly child: ChildProcess;
  /** Every JSON event the harness printed, in order (ready, replies, unsolicited ones, exit). */
  readonly events: HarnessEvent[] = [];
  private readonly stderrLines: string[] = [];
  private readonly textLines: string[] = [];
  private waiters: Waiter[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(binary: string, args: readonly string[]) {
    installExitHook();
    // Own process group: a terminal's Ctrl-C goes to the CLI, which then dumps and stops the harness in order,
    // instead of reaching the harness directly. If this process dies, the harness sees stdin EOF and exits.
    this.child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    live.add(this.child);
    const reader = new JsonLineReader(
      (obj) => this.onEvent(obj),
      (line) => this.remember(this.textLines, line),
    );
    this.child.stdout!.on('data', (chunk: Buffer) => reader.push(chunk));
    this.child.stdout!.on('end', () => reader.end());
    let errPending = '';
    this.child.stderr!.on('data', (chunk: Buffer) => {
      errPending += chunk.toString('utf8');
      const lines = errPending.split('\n');
      errPending = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) this.remember(this.stderrLines, l.trim());
    });
    // A harness that exits while we write must not crash the caller with EPIPE.
    this.child.stdin!.on('error', () => {});
    this.exited = new Promise((resolveExit) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exitInfo) return;
        if (errPending.trim()) this.remember(this.stderrLines, errPending.trim());
        this.exitInfo = { code, signal };
        live.delete(this.child);
        const err = new SimError('exited', `simulator harness exited (${this.describeExit()})${this.tailSuffix()}`, this.tail());
        for (const w of this.waiters) {
          clearTimeout(w.timer);
          w.reject(err);
        }
        this.waiters = [];
        resolveExit(this.exitInfo);
      };
      this.child.on('exit', done);
      this.child.on('error', (err) => {
        this.remember(this.stderrLines, `cannot run ${binary}: ${err.message}`);
        done(null, null);
      });
    });
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** The last lines the harness wrote to stderr (and non-JSON stdout), for error messages. */
  tail(): string {
    return [...this.textLines, ...this.stderrLines].slice(-8).join('\n');
  }

  private tailSuffix(): string {
    const last = this.stderrLines.at(-1) ?? this.textLines.at(-1);
    return last ? `: ${last}` : '';
  }

  describeExit(): string {
    if (!this.exitInfo) return 'running';
    return this.exitInfo.signal ? `signal ${this.exitInfo.signal}` : `code ${String(this.exitInfo.code)}`;
  }

  private remember(buf: string[], line: string): void {
    buf.push(line);
    if (buf.length > 50) buf.shift();
  }

  private onEvent(e: HarnessEvent): void {
    this.events.push(e);
    const i = this.waiters.findIndex((w) => w.match(e));
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      clearTimeout(w!.timer);
      w!.resolve(e);
    }
  }

  /** Resolves with the first future event that matches; rejects on timeout or harness exit. */
  waitFor(match: (e: HarnessEvent) => boolean, timeoutMs: number, what: string): Promise<HarnessEvent> {
    if (!this.running) {
      return Promise.reject(
        new SimError('exited', `simulator harness exited (${this.describeExit()}) before ${what}${this.tailSuffix()}`, this.tail()),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new SimError('command-timeout', `simulator harness gave no ${what} within ${timeoutMs} ms${this.tailSuffix()}`, this.tail()));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Sends one command line and resolves with its reply: the next event whose name is in `replies`, or an
   * `error` event (which rejects). Commands are serialised so replies cannot be confused.
   */
  request(command: string, replies: readonly string[], timeoutMs = 30_000): Promise<HarnessEvent> {
    const run = async () => {
      const reply = this.waitFor(
        (e) => typeof e.event === 'string' && (replies.includes(e.event) || e.event === 'error'),
        timeoutMs,
        `reply to "${command}"`,
      );
      this.child.stdin!.write(`${command}\n`);
      const e = await reply;
      if (e.event === 'error') {
        const msg = typeof e.message === 'string' ? e.message : JSON.stringify(e);
        throw new SimError('command-failed', `simulator harness refused "${command}": ${msg}`);
      }
      return e;
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => {});
    return p;
  }

  /** Asks the harness to quit (it writes its dumps and a final exit event), escalating to SIGTERM/SIGKILL. */
  async close(graceMs = 10_000): Promise<HarnessEvent | undefined> {
    if (this.running) {
      this.child.stdin!.write('quit\n');
      this.child.stdin!.end();
      const gone = await Promise.race([this.exited.then(() => true), delay(graceMs).then(() => false)]);
      if (!gone) {
        this.child.kill('SIGTERM');
        const gone2 = await Promise.race([this.exited.then(() => true), delay(2000).then(() => false)]);
        if (!gone2) this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    return [...this.events].reverse().find((e) => e.event === 'exit');
  }

  /** Immediate SIGKILL, for cleanup after a failure. */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

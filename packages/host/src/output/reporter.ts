import { CliError } from '../cli-error.js';
import { formatBytes, formatRate, formatSeconds } from '@ispkit/core';

export type Level = 'error' | 'warning' | 'info' | 'notice' | 'trace';

/** Everything a command tells the user is one of these; human text and --json are two renderings of them. */
export type OutputEvent =
  | { event: 'message'; level: Level; text: string }
  | { event: 'progress'; task: string; done: number; total: number; elapsedMs: number; bytesPerSecond: number; finished: boolean }
  | { event: 'result'; command: string; data: unknown }
  | { event: 'error'; exitCode: number; code: string; message: string; hint?: string; details?: Record<string, unknown> };

export interface TextSink {
  write(text: string): void;
  isTTY?: boolean;
  columns?: number;
}

export interface ReporterOptions {
  json: boolean;
  /** 0 default; ≥ 1 adds notices and the protocol trace. */
  verbose: number;
  quiet: boolean;
  stdout: TextSink;
  stderr: TextSink;
  /** Draws an in-place bar on a TTY; plain lines otherwise. Injected so tests need no terminal. */
  createBar?: (task: string, total: number) => ProgressBar;
  now?: () => number;
}

export interface ProgressBar {
  update(done: number, rate: number): void;
  stop(): void;
}

export interface ProgressHandle {
  update(done: number): void;
  /** Ends the task; prints a summary line with the rate. */
  finish(): { elapsedMs: number; bytesPerSecond: number };
  /** Ends the task without a summary (on failure). */
  abort(): void;
}

const PREFIX = 'ispkit';

/**
 * The single message path (like avrdude's pmsg_error/warning/info/notice): call sites write a lowercase sentence;
 * the reporter adds the program name and level, filters by verbosity, and renders text or JSON lines.
 * Human mode: results on stdout, everything else on stderr. JSON mode: one JSON object per line on stdout.
 */
export class Reporter {
  readonly json: boolean;
  readonly verbose: number;
  private readonly quiet: boolean;
  private readonly stdout: TextSink;
  private readonly stderr: TextSink;
  private readonly createBar: ReporterOptions['createBar'];
  private readonly now: () => number;
  /** Every event, in order (tests and the demo read this). */
  readonly events: OutputEvent[] = [];
  private activeBar: ProgressBar | undefined;

  constructor(options: ReporterOptions) {
    this.json = options.json;
    this.verbose = options.verbose;
    this.quiet = options.quiet;
    this.stdout = options.stdout;
    this.stderr = options.stderr;
    this.createBar = options.createBar;
    this.now = options.now ?? (() => Date.now());
  }

  private emit(event: OutputEvent): void {
    this.events.push(event);
    if (this.json) this.stdout.write(`${JSON.stringify(event)}\n`);
  }

  private line(text: string): void {
    if (this.activeBar) {
      // keep the bar intact: cli-progress redraws on the next update
      this.stderr.write(`\r\x1b[2K${text}\n`);
      return;
    }
    this.stderr.write(`${text}\n`);
  }

  message(level: Level, text: string): void {
    if ((level === 'notice' || level === 'trace') && this.verbose < 1) return;
    if (level === 'info' && this.quiet) return;
    this.emit({ event: 'message', level, text });
    if (this.json) return;
    switch (level) {
      case 'error':
        this.line(`${PREFIX}: error: ${text}`);
        break;
      case 'warning':
        this.line(`${PREFIX}: warning: ${text}`);
        break;
      case 'info':
        this.line(text);
        break;
      case 'notice':
        this.line(`  ${text}`);
        break;
      case 'trace':
        this.line(`    ${text}`);
        break;
    }
  }

  error(text: string): void {
    this.message('error', text);
  }
  warning(text: string): void {
    this.message('warning', text);
  }
  info(text: string): void {
    this.message('info', text);
  }
  notice(text: string): void {
    this.message('notice', text);
  }
  trace(text: string): void {
    this.message('trace', text);
  }

  /** The command's outcome: `data` for --json, `lines` for people (stdout). */
  result(command: string, data: unknown, lines: readonly string[] = []): void {
    this.emit({ event: 'result', command, data });
    if (this.json) return;
    for (const l of lines) this.stdout.write(`${l}\n`);
  }

  /** The one-line failure report. */
  fail(err: CliError): void {
    const event: OutputEvent = { event: 'error', exitCode: err.exitCode, code: err.code, message: err.message };
    if (err.hint) event.hint = err.hint;
    if (err.details) event.details = err.details;
    this.stopBar();
    this.emit(event);
    if (this.json) return;
    this.stderr.write(`${PREFIX}: error: ${err.message}${err.hint ? `; ${err.hint}` : ''}\n`);
  }

  private stopBar(): void {
    if (this.activeBar) {
      this.activeBar.stop();
      this.activeBar = undefined;
    }
  }

  /**
   * A byte-counting task. TTY: a bar with bytes, rate and ETA. Otherwise: a line at each quarter and a summary.
   * JSON: progress events at the same points.
   */
  progress(task: string, total: number): ProgressHandle {
    const start = this.now();
    let lastQuarter = -1;
    let done = 0;
    const rate = (): number => {
      const elapsed = (this.now() - start) / 1000;
      return elapsed > 0 ? done / elapsed : 0;
    };
    const useBar = !this.json && !this.quiet && this.stderr.isTTY === true && this.createBar !== undefined;
    if (useBar) {
      this.stopBar();
      this.activeBar = this.createBar!(task, total);
    }
    const report = (finished: boolean): void => {
      const ev: OutputEvent = { event: 'progress', task, done, total, elapsedMs: this.now() - start, bytesPerSecond: Math.round(rate()), finished };
      if (this.json) {
        this.emit(ev);
        return;
      }
      this.events.push(ev);
      if (useBar || this.quiet) return;
      if (!finished) this.line(`${task}: ${formatBytes(done)} of ${formatBytes(total)} (${total ? Math.floor((done * 100) / total) : 100}%)`);
    };
    return {
      update: (n: number) => {
        done = n;
        if (useBar) this.activeBar?.update(n, rate());
        const quarter = total > 0 ? Math.floor((n * 4) / total) : 4;
        if (quarter !== lastQuarter && quarter < 4) {
          lastQuarter = quarter;
          report(false);
        }
      },
      finish: () => {
        const elapsedMs = this.now() - start;
        const bytesPerSecond = rate();
        if (useBar) this.stopBar();
        report(true);
        if (!this.json) this.message('info', `${task}: ${formatBytes(total)} in ${formatSeconds(elapsedMs)} (${formatRate(bytesPerSecond)})`);
        return { elapsedMs, bytesPerSecond };
      },
      abort: () => {
        if (useBar) this.stopBar();
      },
    };
  }
}

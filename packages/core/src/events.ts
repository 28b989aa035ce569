import type { ChipState } from './chip-state.js';
import { ExitCode, IspkitError, toIspkitError } from './errors.js';
import { frontEndWords, type FrontEndWords } from './messages.js';

/** The stages of a rescue, in the order a flash goes through them (a page can show them as a list of steps). */
export type StepId =
  | 'connect'
  | 'identify'
  | 'prepare'
  | 'speed'
  | 'backup'
  | 'erase'
  | 'write'
  | 'verify'
  | 'fuses'
  | 'read'
  | 'lock'
  | 'done';

/**
 * Everything a flow tells its front end. The CLI renders these as lines, bars and `--json`; the page as steps.
 * `message` levels follow avrdude's: info (shown by default), notice (shown with -v), trace (the protocol exchange).
 */
export type CoreEvent =
  | { type: 'step'; step: StepId; text: string }
  | { type: 'message'; level: 'info' | 'notice' | 'trace'; text: string }
  | { type: 'warning'; text: string }
  /**
   * A byte-counting task: one `start`, any number of `update`s (each with the bytes done so far), then `finish`
   * (every byte done) or `abort` (the task failed; an error follows). Rates and time left are the renderer's to work out.
   */
  | { type: 'progress'; phase: 'start' | 'update' | 'finish' | 'abort'; task: string; done: number; total: number }
  /** What has been done to the chip so far; sent after every change and, on failure, just before the error. */
  | { type: 'chip-state'; state: ChipState; text: string }
  /** The outcome: `data` for machines (`--json`), `lines` for people (the same words on every front end). */
  | { type: 'result'; command: string; data: unknown; lines: string[] }
  /** The one-line failure (only from `runFlow`; flows themselves throw IspkitError). */
  | { type: 'error'; exitCode: number; code: string; message: string; hint?: string; details?: Record<string, unknown> };

export type EventOf<T extends CoreEvent['type']> = Extract<CoreEvent, { type: T }>;

/** What a flow needs from its front end: nothing but a place to send events, and a few facts. */
export interface FlowContext {
  emit(event: CoreEvent): void;
  /** Aborting stops the flow at the next exchange (the front end also closes its stream so pending reads end). */
  signal?: AbortSignal;
  /** What to run (or press) to try again, for chip-state advice: `ispkit flash fw.hex`, or `Flash` on the page. */
  rerun: string;
  /** Emit the protocol exchange as `trace` messages. */
  trace?: boolean;
  /** Milliseconds clock for the timings in results (defaults to Date.now). */
  now?: () => number;
  /** How this front end names its controls in hints (defaults: the CLI's flags). */
  words?: Partial<FrontEndWords>;
}

/** The front end's words for hints. */
export function wordsOf(ctx: FlowContext): FrontEndWords {
  return frontEndWords(ctx.words);
}

/** A byte-counting task reported through `progress` events. */
export interface ProgressReporter {
  update(done: number): void;
  finish(): void;
  abort(): void;
}

export function startProgress(ctx: FlowContext, task: string, total: number): ProgressReporter {
  let done = 0;
  ctx.emit({ type: 'progress', phase: 'start', task, done, total });
  return {
    update(n) {
      done = n;
      ctx.emit({ type: 'progress', phase: 'update', task, done, total });
    },
    finish() {
      ctx.emit({ type: 'progress', phase: 'finish', task, done: total, total });
    },
    abort() {
      ctx.emit({ type: 'progress', phase: 'abort', task, done, total });
    },
  };
}

/** Small helpers so flows read like avrdude's pmsg_info/notice/warning. */
export const say = {
  info: (ctx: FlowContext, text: string): void => ctx.emit({ type: 'message', level: 'info', text }),
  notice: (ctx: FlowContext, text: string): void => ctx.emit({ type: 'message', level: 'notice', text }),
  warning: (ctx: FlowContext, text: string): void => ctx.emit({ type: 'warning', text }),
  step: (ctx: FlowContext, step: StepId, text: string): void => ctx.emit({ type: 'step', step, text }),
};

/** The error event for anything a flow threw. */
export function errorEvent(err: unknown): EventOf<'error'> {
  const e: IspkitError = toIspkitError(err);
  const event: EventOf<'error'> = { type: 'error', exitCode: e.exitCode, code: e.code, message: e.message };
  if (e.hint) event.hint = e.hint;
  if (e.details) event.details = e.details;
  return event;
}

/** The one line a person reads for an error: `<message>; <hint>`. */
export function errorLine(err: unknown): string {
  const e = toIspkitError(err);
  return `${e.message}${e.hint ? `; ${e.hint}` : ''}`;
}

/**
 * Run a flow to completion for a front end that wants events only (the page): failures become one `error` event.
 * Resolves with the exit code the CLI would use.
 */
export async function runFlow(ctx: FlowContext, flow: () => Promise<unknown>): Promise<number> {
  try {
    await flow();
    return 0;
  } catch (err) {
    const e = toIspkitError(err);
    const ev = errorEvent(ctx.signal?.aborted && e.exitCode !== ExitCode.INTERRUPTED ? new IspkitError('interrupted', { exitCode: ExitCode.INTERRUPTED, code: 'interrupted', cause: err }) : e);
    ctx.emit(ev);
    return ev.exitCode;
  }
}

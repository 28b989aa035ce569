/**
 * Runs one @ispkit/core flow against the programmer for a step of the page: picks the port, opens it through Web
 * Serial, renders the core's events into the step's log (the same sentences the CLI prints), and always closes
 * the port again. The page adds nothing to the flow's logic: it only chooses what to show and how.
 */
import { errorLine, formatBytes, formatRate, runFlow, type CoreEvent, type FlowContext, type FrontEndWords, type ProgrammerLink } from '@ispkit/core';
import type { StepLog } from './log.js';
import { pageWords } from './page-words.js';
import { openFailure, pickProgrammerPort } from './pick-port.js';
import { WebSerialStream } from './web-serial-stream.js';
import { WebSocketStream, bridgeUrl } from './web-socket-stream.js';

/** What messages call the port: the page never learns an OS path. */
export const PORT_NAME = 'the programmer port';

export interface ProgressView {
  bar: HTMLProgressElement;
  text: HTMLElement;
}

export interface RunOptions {
  log: StepLog;
  /** What to press to try again, for the chip-state advice ("press Erase, write and verify again"). */
  rerun: string;
  progress?: ProgressView;
  onEvent?: (e: CoreEvent) => void;
  /** Words of this step that differ from the page's (e.g. its own "back up first" checkbox). */
  words?: Partial<FrontEndWords>;
}

/** "writing flash: 12.0 KB of 32 KB, 5.1 KB/s, about 4 s left" */
export function progressLine(task: string, done: number, total: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const left = rate > 0 ? Math.ceil((total - done) / rate) : undefined;
  return `${task}: ${formatBytes(done)} of ${formatBytes(total)}, ${formatRate(rate)}${left !== undefined && done < total ? `, about ${left} s left` : ''}`;
}

function render(opts: RunOptions, e: CoreEvent, started: Map<string, number>): void {
  const { log, progress } = opts;
  switch (e.type) {
    case 'step':
      if (progress) progress.text.textContent = e.text;
      break;
    case 'message':
      if (e.level === 'info') log.line(e.text);
      break;
    case 'warning':
      log.line(e.text, 'warning');
      break;
    case 'progress': {
      if (!progress) break;
      if (e.phase === 'start') started.set(e.task, performance.now());
      const t0 = started.get(e.task) ?? performance.now();
      progress.bar.hidden = false;
      progress.bar.max = Math.max(1, e.total);
      progress.bar.value = e.done;
      progress.bar.setAttribute('aria-valuetext', `${e.task}: ${e.done} of ${e.total} bytes`);
      progress.text.textContent = progressLine(e.task, e.done, e.total, performance.now() - t0);
      if (e.phase === 'finish') log.line(progressLine(e.task, e.done, e.total, performance.now() - t0).replace(/, about .*$/, ''));
      break;
    }
    case 'chip-state':
      break; // the error line that follows ends with the same sentence
    case 'result':
      for (const l of e.lines) log.line(l, 'ok');
      break;
    case 'error':
      log.line(`${e.message}${e.hint ? `; ${e.hint}` : ''}`, 'error');
      if (progress) progress.text.textContent = 'failed: see the log below';
      break;
  }
}

/** Resolves with the CLI's exit code (0 = done and, where the flow verifies, verified). */
export async function runOnProgrammer(opts: RunOptions, flow: (ctx: FlowContext, link: ProgrammerLink) => Promise<unknown>): Promise<number> {
  let lost = false;
  let stream: WebSerialStream | WebSocketStream;
  const bridge = bridgeUrl(window.location);
  if (bridge) {
    try {
      stream = await WebSocketStream.open(bridge);
    } catch (err) {
      opts.log.line(`${(err as Error).message}: is \`ispkit web --sim-port <port>\` still running?`, 'error');
      return 3;
    }
  } else {
    let port: SerialPort;
    try {
      port = await pickProgrammerPort();
    } catch (err) {
      opts.log.line(openFailure(err), 'error');
      return 3;
    }
    try {
      stream = await WebSerialStream.open(port, { baudRate: 115200, onLost: () => (lost = true) });
    } catch (err) {
      opts.log.line(openFailure(err), 'error');
      return 3;
    }
  }
  const started = new Map<string, number>();
  const ctx: FlowContext = {
    emit: (e) => {
      render(opts, e, started);
      opts.onEvent?.(e);
    },
    rerun: opts.rerun,
    words: { ...pageWords, ...opts.words },
    now: () => performance.now(),
  };
  const link: ProgrammerLink = { path: bridge ? 'the simulator bridge' : PORT_NAME, stream, isGone: () => lost };
  try {
    return await runFlow(ctx, () => flow(ctx, link));
  } catch (err) {
    opts.log.line(errorLine(err), 'error');
    return 1;
  } finally {
    await stream.close();
  }
}

import type { CoreEvent, FlowContext } from '@ispkit/core';
import type { RunContext } from '../command.js';
import type { ProgressHandle } from './reporter.js';

/**
 * How the CLI shows the core's events: messages and warnings as lines, progress as the reporter's bars / quarter
 * lines / `--json` progress, the result on stdout. Steps and chip states are for front ends that draw them (the
 * page); the CLI's error line already carries the chip state.
 */
export function renderEvents(run: RunContext): (event: CoreEvent) => void {
  const tasks = new Map<string, ProgressHandle>();
  return (event) => {
    switch (event.type) {
      case 'message':
        run.out.message(event.level, event.text);
        break;
      case 'warning':
        run.out.warning(event.text);
        break;
      case 'progress': {
        if (event.phase === 'start') {
          tasks.set(event.task, run.out.progress(event.task, event.total));
          break;
        }
        const handle = tasks.get(event.task);
        if (!handle) break;
        if (event.phase === 'update') handle.update(event.done);
        else {
          tasks.delete(event.task);
          if (event.phase === 'finish') handle.finish();
          else handle.abort();
        }
        break;
      }
      case 'result':
        run.out.result(event.command, event.data, event.lines);
        break;
      case 'error':
        run.out.error(`${event.message}${event.hint ? `; ${event.hint}` : ''}`);
        break;
      case 'step':
      case 'chip-state':
        break;
    }
  };
}

/** The core's view of a running command. */
export function flowContext(run: RunContext): FlowContext {
  return { emit: renderEvents(run), signal: run.signal, rerun: run.commandLine, trace: run.out.verbose > 0 };
}

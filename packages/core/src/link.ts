import { IspSession, NoSyncError, Stk500Error, hexBytes, streamErrorCode, type ByteStream, type TraceEvent } from '@ispkit/stk500';
import type { IspkitError } from './errors.js';
import { say, wordsOf, type FlowContext } from './events.js';
import { cliWords, messages, type FrontEndWords } from './messages.js';

/**
 * An open line to a programmer, as a front end hands it to the core: the CLI wraps a serialport, the page a Web
 * Serial port (both are `@ispkit/stk500` ByteStreams). The front end opens and closes it; the core only talks.
 */
export interface ProgrammerLink {
  /** How messages name the programmer's port: `/dev/ttyACM0`, `COM3`, or what the page calls the picked port. */
  path: string;
  stream: ByteStream;
  /**
   * True when the programmer's device is gone (unplugged). An unplug often shows first as a reply that never came;
   * a front end that can tell (the CLI checks the device node) turns that timeout into "disconnected".
   */
  isGone?: () => boolean;
}

/** A programmer in sync, with its capabilities probed. */
export interface Connection {
  link: ProgrammerLink;
  session: IspSession;
}

/** One trace line per frame: direction, command name, bytes (long frames shortened). */
export function formatTrace(e: TraceEvent): string {
  const bytes = e.bytes.length > 24 ? `${hexBytes(e.bytes.subarray(0, 12))} … ${hexBytes(e.bytes.subarray(e.bytes.length - 4))} (${e.bytes.length} bytes)` : hexBytes(e.bytes);
  return `${e.direction === 'send' ? '>' : '<'} ${e.command.padEnd(18)} ${bytes}`;
}

export function isDisconnect(err: unknown): boolean {
  return streamErrorCode(err) === 'closed' || (err instanceof Stk500Error && err.code === 'closed');
}

/** A failure talking to the programmer itself (not the target), naming the port. Rethrows what it cannot explain. */
export function programmerError(path: string, err: unknown, doing: string, words: FrontEndWords = cliWords): IspkitError {
  if (isDisconnect(err)) return messages.disconnected(path, doing, words, err);
  if (err instanceof NoSyncError || (err instanceof Stk500Error && (err.code === 'timeout' || err.code === 'protocol' || err.code === 'nosync' || err.code === 'aborted' || err.code === 'unknown-command'))) {
    return messages.notResponding(path, doing, (err as Error).message, err);
  }
  throw err;
}

/** Sync with the programmer on an open link and probe what it can do (sign-on, versions, SCK control). */
export async function connect(ctx: FlowContext, link: ProgrammerLink): Promise<Connection> {
  say.step(ctx, 'connect', `connecting to the programmer on ${link.path}`);
  try {
    const session = await IspSession.open(link.stream, {
      onTrace: ctx.trace ? (e) => ctx.emit({ type: 'message', level: 'trace', text: formatTrace(e) }) : undefined,
      onLog: (m) => say.notice(ctx, m),
    });
    say.notice(ctx, `programmer on ${link.path}: ${session.info.signOn}, ${session.info.kind}, STK500v1 ${session.info.swMajor}.${session.info.swMinor}`);
    return { link, session };
  } catch (err) {
    throw programmerError(link.path, err, 'connecting', wordsOf(ctx));
  }
}

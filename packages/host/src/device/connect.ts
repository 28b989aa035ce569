import { IspSession, NoSyncError, Stk500Error, hexBytes, streamErrorCode, type ByteStream, type TraceEvent } from '@ispkit/stk500';
import { CliError, ExitCode } from '../cli-error.js';
import type { RunContext } from '../command.js';
import { classifyPort, usbId, type PortInfo } from '../serial/port-kind.js';

export interface Connection {
  path: string;
  stream: ByteStream;
  session: IspSession;
  close(): Promise<void>;
}

/** One trace line per frame: direction, command name, bytes (long frames shortened). */
export function formatTrace(e: TraceEvent): string {
  const bytes = e.bytes.length > 24 ? `${hexBytes(e.bytes.subarray(0, 12))} … ${hexBytes(e.bytes.subarray(e.bytes.length - 4))} (${e.bytes.length} bytes)` : hexBytes(e.bytes);
  return `${e.direction === 'send' ? '>' : '<'} ${e.command.padEnd(18)} ${bytes}`;
}

export function candidateLines(ports: readonly PortInfo[]): string[] {
  return ports.map((p) => {
    const c = classifyPort(p);
    return `  ${p.path}  ${usbId(p) ?? '----:----'}  ${c.description}`;
  });
}

/** -P, or the only programmer connected; otherwise a clear error listing what was found. */
export async function resolvePort(ctx: RunContext): Promise<string> {
  if (ctx.global.port) return ctx.global.port;
  const env = await ctx.device();
  const ports = await env.listPorts();
  const ispkit = ports.filter((p) => classifyPort(p).kind === 'ispkit');
  const arduino = ports.filter((p) => classifyPort(p).kind === 'arduinoisp');
  if (ispkit.length === 1) return ispkit[0]!.path;
  if (ispkit.length === 0 && arduino.length === 1) return arduino[0]!.path;
  const candidates = ispkit.length > 1 ? ispkit : [...ispkit, ...arduino];
  if (candidates.length > 1) {
    for (const l of candidateLines(candidates)) ctx.out.info(l);
    throw new CliError(`${candidates.length} programmers are connected`, { exitCode: ExitCode.PROGRAMMER, code: 'several-programmers', hint: 'choose one with -P <port> (listed above)' });
  }
  if (ports.length > 0) for (const l of candidateLines(ports)) ctx.out.info(l);
  throw new CliError(ports.length ? 'no ISP programmer found among the serial ports listed above' : 'no ISP programmer found: no serial ports', {
    exitCode: ExitCode.PROGRAMMER,
    code: 'no-programmer',
    hint: 'plug in the programmer (flash it with `ispkit programmer install`), or give its port with -P',
  });
}

function openFailure(path: string, err: unknown): CliError {
  const message = (err as Error).message ?? String(err);
  let why = message;
  let hint = 'check the port name with `ispkit list`';
  if (/ENOENT|No such file/i.test(message)) why = 'no such port';
  else if (/EACCES|Permission denied/i.test(message)) {
    why = 'permission denied';
    hint = 'add yourself to the dialout group (sudo usermod -aG dialout $USER, then log in again)';
  } else if (/EBUSY|Resource busy|lock/i.test(message)) {
    why = 'the port is in use by another program';
    hint = 'close the other program (serial monitor, avrdude, QMK Toolbox) and retry';
  }
  return new CliError(`cannot open ${path}: ${why}`, { exitCode: ExitCode.PROGRAMMER, code: 'port-open', hint });
}

/** A failure talking to the programmer itself (not the target), as a CliError naming the port. */
export function programmerError(path: string, err: unknown, doing: string): CliError {
  if (streamErrorCode(err) === 'closed' || (err instanceof Stk500Error && err.code === 'closed')) {
    return new CliError(`the programmer on ${path} disconnected while ${doing}`, { exitCode: ExitCode.PROGRAMMER, code: 'disconnected', hint: 'reconnect it and run the command again', cause: err });
  }
  if (err instanceof NoSyncError || (err instanceof Stk500Error && (err.code === 'timeout' || err.code === 'protocol' || err.code === 'nosync' || err.code === 'aborted' || err.code === 'unknown-command'))) {
    return new CliError(`the programmer on ${path} is not responding while ${doing} (${(err as Error).message})`, {
      exitCode: ExitCode.PROGRAMMER,
      code: 'not-responding',
      hint: 'check that it runs the ispkit (or ArduinoISP) firmware, then unplug and replug it',
      cause: err,
    });
  }
  throw err;
}

/** Open the port, sync and probe the programmer. Ctrl-C closes the port so nothing hangs. */
export async function connectProgrammer(ctx: RunContext): Promise<Connection> {
  const path = await resolvePort(ctx);
  const env = await ctx.device();
  let opened;
  try {
    opened = await env.openPort(path, (m) => ctx.out.notice(m));
  } catch (err) {
    throw openFailure(path, err);
  }
  const { stream } = opened;
  const onAbort = (): void => void stream.close();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const close = async (): Promise<void> => {
    ctx.signal.removeEventListener('abort', onAbort);
    await stream.close();
  };
  try {
    const session = await IspSession.open(stream, {
      onTrace: ctx.out.verbose > 0 ? (e) => ctx.out.trace(formatTrace(e)) : undefined,
      onLog: (m) => ctx.out.notice(m),
    });
    ctx.out.notice(`programmer on ${path}: ${session.info.signOn}, ${session.info.kind}, STK500v1 ${session.info.swMajor}.${session.info.swMinor}`);
    return { path, stream, session, close };
  } catch (err) {
    await close();
    throw programmerError(path, err, 'connecting');
  }
}

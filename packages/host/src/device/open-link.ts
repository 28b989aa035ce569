import { messages, type FlowContext, type ProgrammerLink } from '@ispkit/core';
import { CliError, ExitCode } from '../cli-error.js';
import type { RunContext } from '../command.js';
import { flowContext } from '../output/flow-events.js';
import { classifyPort, describePort, usbId, type PortInfo } from '../serial/port-kind.js';
import { isNoSuchPort, normalizePortName } from '../serial/port-name.js';
import { portGone } from './port-gone.js';
import { permissionHint } from '../setup/udev-rule.js';

export function candidateLines(ports: readonly PortInfo[]): string[] {
  return ports.map((p) => {
    const c = classifyPort(p);
    return `  ${p.path}  ${usbId(p) ?? '----:----'}  ${c.description}`;
  });
}

/** -P, or the only programmer connected; otherwise a clear error listing what was found. */
export async function resolvePort(ctx: RunContext): Promise<string> {
  if (ctx.global.port) return userPort(ctx, ctx.global.port);
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

/** -P as the user wrote it, normalised (COM names, macOS cu., Linux symlinks); a change is said once. */
export function userPort(ctx: Pick<RunContext, 'out'>, typed: string): string {
  const { path, note } = normalizePortName(typed);
  if (note) ctx.out.info(note);
  return path;
}

/** The ports that exist, each with what it probably is, for "no such port" errors. */
export async function existingPortsHint(ctx: RunContext): Promise<string> {
  const env = await ctx.device();
  const ports = [...(await env.listPorts().catch(() => [])), ...(await env.listHid?.().catch(() => []) ?? [])];
  if (ports.length === 0) return 'no serial ports are listed at all: plug the programmer in (a port without USB identity is still opened when named exactly)';
  return `ports here: ${ports.map(describePort).join(', ')}`;
}

async function openFailure(ctx: RunContext, path: string, err: unknown): Promise<CliError> {
  // the words are the core's message catalogue (the page says the same for its port); the causes are serialport's
  const message = (err as Error).message ?? String(err);
  let why = message;
  let hint = 'check the port name with `ispkit list`';
  if (isNoSuchPort(message)) {
    why = 'no such port';
    hint = await existingPortsHint(ctx);
  } else if (/EACCES|Permission denied/i.test(message)) {
    why = 'permission denied';
    hint = permissionHint();
  } else if (/EBUSY|Resource busy|lock/i.test(message)) {
    return messages.portInUse(path);
  }
  return messages.portOpen(path, why, hint);
}

/**
 * The CLI side of every device command: find and open the port (serialport, or the fake in unit tests), hand it to a
 * core flow as a ProgrammerLink, and close it afterwards whatever happens. Ctrl-C closes the port so nothing hangs.
 */
export async function withProgrammer<T>(run: RunContext, fn: (ctx: FlowContext, link: ProgrammerLink) => Promise<T>): Promise<T> {
  const path = await resolvePort(run);
  const env = await run.device();
  let opened;
  try {
    opened = await env.openPort(path, (m) => run.out.notice(m));
  } catch (err) {
    throw await openFailure(run, path, err);
  }
  const { stream } = opened;
  const onAbort = (): void => void stream.close();
  run.signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await fn(flowContext(run), { path, stream, isGone: () => portGone(path) });
  } finally {
    run.signal.removeEventListener('abort', onAbort);
    await stream.close();
  }
}

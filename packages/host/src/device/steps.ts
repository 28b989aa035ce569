import { existsSync } from 'node:fs';
import { compareFuse, type FuseName, type FuseValues } from '@ispkit/parts';
import { Stk500Error, TargetBusyError, TransferError, streamErrorCode } from '@ispkit/stk500';
import { describeChipState, type ChipState } from '../chip-state.js';
import { CliError, ExitCode } from '../cli-error.js';
import type { RunContext } from '../command.js';
import { combineMismatches, findMismatch, type Mismatch } from '../flash-plan.js';
import { hex8, hexAddr } from '../output/format.js';
import { connectProgrammer, programmerError } from './connect.js';
import { openTarget, type TargetHandle } from './target.js';

export function isDisconnect(err: unknown): boolean {
  return streamErrorCode(err) === 'closed' || (err instanceof Stk500Error && err.code === 'closed');
}

/**
 * An unplugged programmer often shows first as a reply that never came: when its device node (followed through
 * symlinks) is gone by then, it was unplugged, not stuck. Only for device paths (Windows COM names are not files).
 */
export function portGone(path: string): boolean {
  return process.platform !== 'win32' && path.startsWith('/') && !existsSync(path);
}

/** Describe a failure during an operation that changes the chip, with its state and what to run. */
export function failureWithState(ctx: RunContext, t: TargetHandle, err: unknown, doing: string, state: ChipState): CliError {
  const stateText = describeChipState(state, ctx.commandLine);
  if (ctx.signal.aborted) {
    return new CliError(`interrupted while ${doing}: ${stateText}`, { exitCode: ExitCode.INTERRUPTED, code: 'interrupted' });
  }
  if (err instanceof CliError) {
    if (err.exitCode === ExitCode.USAGE || err.exitCode === ExitCode.REFUSED) return err;
    return new CliError(`${err.message}: ${stateText.replace(/; reconnect and run/, '; run')}`, {
      exitCode: err.exitCode,
      code: err.code,
      ...(err.details ? { details: err.details } : {}),
      cause: err,
    });
  }
  if (err instanceof TargetBusyError) {
    return new CliError(`the target stayed busy while ${doing} (${err.message}): ${stateText}`, { exitCode: ExitCode.TARGET, code: 'target-busy', cause: err });
  }
  const where = err instanceof TransferError ? ` at ${hexAddr(err.address)}` : '';
  if (isDisconnect(err) || (err instanceof TransferError && err.code === 'closed') || portGone(t.conn.path)) {
    return new CliError(`the programmer on ${t.conn.path} disconnected while ${doing}${where}: ${stateText}`, {
      exitCode: ExitCode.PROGRAMMER,
      code: 'disconnected',
      cause: err,
    });
  }
  if (err instanceof Stk500Error) {
    return new CliError(`the programmer on ${t.conn.path} stopped responding while ${doing}${where} (${err.message}): ${stateText}`, {
      exitCode: ExitCode.PROGRAMMER,
      code: 'not-responding',
      cause: err,
    });
  }
  return programmerError(t.conn.path, err, doing);
}

/** Connect, enter programming mode, run `fn`, then leave programming mode (target runs) and close the port. */
export async function withTarget<T>(ctx: RunContext, fn: (t: TargetHandle) => Promise<T>): Promise<T> {
  const conn = await connectProgrammer(ctx);
  try {
    const t = await openTarget(ctx, conn);
    const result = await fn(t);
    try {
      await t.session.leaveProgmode();
    } catch (err) {
      throw programmerError(conn.path, err, 'leaving programming mode');
    }
    return result;
  } finally {
    await conn.close();
  }
}

/** Read back `runs` and compare with `expected`; throws exit 5 naming the first differing address and the count. */
export async function verifyRuns(
  ctx: RunContext,
  t: TargetHandle,
  runs: readonly { start: number; length: number }[],
  expected: (address: number) => number | undefined,
  memory: 'flash' | 'eeprom' = 'flash',
): Promise<number> {
  const total = runs.reduce((n, r) => n + r.length, 0);
  const progress = ctx.out.progress(`verifying ${memory}`, total);
  const found: (Mismatch | undefined)[] = [];
  let base = 0;
  try {
    for (const r of runs) {
      const bytes =
        memory === 'flash'
          ? await t.session.readFlash(t.target, r.start, r.length, (d) => progress.update(base + d))
          : await t.session.readEeprom(t.target, r.start, r.length, (d) => progress.update(base + d));
      found.push(findMismatch(r.start, bytes, expected));
      base += r.length;
    }
  } catch (err) {
    progress.abort();
    throw err;
  }
  progress.finish();
  const m = combineMismatches(found);
  if (m) {
    throw new CliError(
      `verify failed: ${m.count} byte${m.count === 1 ? '' : 's'} of ${memory} differ${m.count === 1 ? 's' : ''}, the first at ${hexAddr(m.first)} (expected ${hex8(m.expected)}, read ${hex8(m.actual)})`,
      { exitCode: ExitCode.VERIFY, code: 'verify-mismatch', details: { memory, count: m.count, firstAddress: m.first, expected: m.expected, actual: m.actual } },
    );
  }
  return total;
}

/** Write fuses (given order), then read every written one back and compare under the part's mask. */
export async function writeFusesChecked(ctx: RunContext, t: TargetHandle, values: Partial<FuseValues>, order: readonly FuseName[], onWritten?: (f: FuseName) => void): Promise<FuseValues> {
  for (const f of order) {
    const v = values[f];
    if (v === undefined) continue;
    ctx.out.notice(`writing ${f} fuse ${hex8(v)}`);
    await t.session.writeFuse(t.target, f, v);
    onWritten?.(f);
  }
  const readBack = await t.session.readFuses(t.target);
  for (const f of order) {
    const v = values[f];
    if (v === undefined) continue;
    const cmp = compareFuse(t.part, f, v, readBack[f]);
    if (!cmp.equal) {
      throw new CliError(`the ${f} fuse reads back ${hex8(readBack[f])} after writing ${hex8(v)} (${cmp.fields.join(', ') || 'bits'} differ under mask ${hex8(cmp.mask)})`, {
        exitCode: ExitCode.VERIFY,
        code: 'fuse-verify',
        details: { fuse: f, wrote: v, read: readBack[f], mask: cmp.mask },
      });
    }
  }
  return readBack;
}

import { compareFuse, type FuseName, type FuseValues } from '@ispkit/parts';
import { Stk500Error, TargetBusyError, TransferError } from '@ispkit/stk500';
import { describeChipState, type ChipState } from './chip-state.js';
import { ExitCode, IspkitError } from './errors.js';
import { say, startProgress, wordsOf, type FlowContext } from './events.js';
import { messages } from './messages.js';
import { combineMismatches, findMismatch, type Mismatch } from './flash-plan.js';
import { hex8, hexAddr } from './format.js';
import type { FusePlan } from './fuse-policy.js';
import { isDisconnect, programmerError } from './link.js';
import type { TargetHandle } from './target.js';

/** Tell the front end what state the chip is in now (after every change, and before a failure is reported). */
export function reportChipState(ctx: FlowContext, state: ChipState): void {
  ctx.emit({ type: 'chip-state', state: { ...state, fusesWritten: [...state.fusesWritten] }, text: describeChipState(state, ctx.rerun) });
}

/** Describe a failure during an operation that changes the chip, with its state and what to run. */
export function failureWithState(ctx: FlowContext, t: TargetHandle, err: unknown, doing: string, state: ChipState): IspkitError {
  const stateText = describeChipState(state, ctx.rerun);
  const path = t.conn.link.path;
  reportChipState(ctx, state);
  if (ctx.signal?.aborted) {
    return new IspkitError(`interrupted while ${doing}: ${stateText}`, { exitCode: ExitCode.INTERRUPTED, code: 'interrupted' });
  }
  if (err instanceof IspkitError) {
    if (err.exitCode === ExitCode.USAGE || err.exitCode === ExitCode.REFUSED) return err;
    return new IspkitError(`${err.message}: ${stateText.replace(/; reconnect and run/, '; run')}`, {
      exitCode: err.exitCode,
      code: err.code,
      ...(err.details ? { details: err.details } : {}),
      cause: err,
    });
  }
  if (err instanceof TargetBusyError) {
    return new IspkitError(`the target stayed busy while ${doing} (${err.message}): ${stateText}`, { exitCode: ExitCode.TARGET, code: 'target-busy', cause: err });
  }
  const where = err instanceof TransferError ? ` at ${hexAddr(err.address)}` : '';
  if (isDisconnect(err) || (err instanceof TransferError && err.code === 'closed') || t.conn.link.isGone?.() === true) {
    return new IspkitError(`the programmer on ${path} disconnected while ${doing}${where}: ${stateText}`, {
      exitCode: ExitCode.PROGRAMMER,
      code: 'disconnected',
      cause: err,
    });
  }
  if (err instanceof Stk500Error) {
    return new IspkitError(`the programmer on ${path} stopped responding while ${doing}${where} (${err.message}): ${stateText}`, {
      exitCode: ExitCode.PROGRAMMER,
      code: 'not-responding',
      cause: err,
    });
  }
  return programmerError(path, err, doing, wordsOf(ctx));
}

/**
 * After a failure: undo temporary fuse changes (CKDIV8 cleared for speed, EESAVE programmed for an erase) while the
 * link still works, so the chip keeps the fuses it should have; `state` then says what is left.
 */
export async function undoTemporaryFuses(ctx: FlowContext, t: TargetHandle, state: ChipState, err: unknown): Promise<void> {
  if (!(state.temporaryLowFuse || state.temporaryHighFuse) || isDisconnect(err) || ctx.signal?.aborted) return;
  try {
    await t.session.client.getSync();
    if (state.temporaryHighFuse) {
      await t.session.writeFuse(t.target, 'high', state.temporaryHighFuse.original);
      state.temporaryHighFuse = undefined;
      say.notice(ctx, 'restored the original high fuse after the failure');
    }
    if (state.temporaryLowFuse) {
      await t.session.writeFuse(t.target, 'low', state.temporaryLowFuse.original);
      state.temporaryLowFuse = undefined;
      say.notice(ctx, 'restored the original low fuse after the failure');
    }
  } catch {
    // keep the state: the message says what the fuses are
  }
}

/** Read back `runs` and compare with `expected`; throws exit 5 naming the first differing address and the count. */
export async function verifyRuns(
  ctx: FlowContext,
  t: TargetHandle,
  runs: readonly { start: number; length: number }[],
  expected: (address: number) => number | undefined,
  memory: 'flash' | 'eeprom' = 'flash',
): Promise<number> {
  const total = runs.reduce((n, r) => n + r.length, 0);
  say.step(ctx, 'verify', `verifying ${memory}`);
  const progress = startProgress(ctx, `verifying ${memory}`, total);
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
    throw messages.verifyMismatch(memory, m);
  }
  return total;
}

/** Write fuses (given order), then read every written one back and compare under the part's mask. */
export async function writeFusesChecked(ctx: FlowContext, t: TargetHandle, values: Partial<FuseValues>, order: readonly FuseName[], onWritten?: (f: FuseName) => void): Promise<FuseValues> {
  say.step(ctx, 'fuses', 'writing fuses');
  for (const f of order) {
    const v = values[f];
    if (v === undefined) continue;
    say.notice(ctx, `writing ${f} fuse ${hex8(v)}`);
    await t.session.writeFuse(t.target, f, v);
    onWritten?.(f);
  }
  const readBack = await t.session.readFuses(t.target);
  for (const f of order) {
    const v = values[f];
    if (v === undefined) continue;
    const cmp = compareFuse(t.part, f, v, readBack[f]);
    if (!cmp.equal) {
      throw messages.fuseReadBack(f, v, readBack[f], cmp.fields, cmp.mask);
    }
  }
  return readBack;
}

/**
 * The last fuse step of a flow that changed the chip: the plan's changes plus any fuse still at a temporary value
 * (CKDIV8 cleared for speed, EESAVE for the erase) set to its final value, written ext → high → low and read back,
 * with the chip state updated as each lands. Returns the fuses read back (`current` when nothing was written) and
 * what was written.
 */
export async function writeFinalFuses(
  ctx: FlowContext,
  t: TargetHandle,
  plan: FusePlan,
  state: ChipState,
  current: FuseValues,
): Promise<{ fuses: FuseValues; written: Partial<Record<FuseName, number>> }> {
  const written: Partial<Record<FuseName, number>> = {};
  for (const f of plan.changes) written[f] = plan.final[f];
  if (state.temporaryLowFuse) written.low = plan.final.low;
  if (state.temporaryHighFuse) written.high = plan.final.high;
  if (!Object.keys(written).length) return { fuses: current, written };
  const fuses = await writeFusesChecked(ctx, t, written, ['ext', 'high', 'low'], (f) => {
    state.fusesWritten.push(f);
    if (f === 'low') delete state.temporaryLowFuse;
    if (f === 'high') delete state.temporaryHighFuse;
  });
  reportChipState(ctx, state);
  return { fuses, written };
}

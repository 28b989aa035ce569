import { decodeFuses, type FuseName } from '@ispkit/parts';
import { backupBeforeChange, withBackupNote, type BackupOptions, type SavedBackup } from '../backup.js';
import { planClock } from '../clock-plan.js';
import { IspkitError, usageError } from '../errors.js';
import { say, wordsOf, type FlowContext } from '../events.js';
import { hex8, hexAddr } from '../format.js';
import { enforceDangers, planFuses, type FuseRequest } from '../fuse-policy.js';
import { fuseReport } from '../fuse-report.js';
import { programmerError, type ProgrammerLink } from '../link.js';
import { writeFusesChecked } from '../steps.js';
import { applySpeed, readFuses, withTarget, type TargetOptions } from '../target.js';

/** Read and explain the target's fuses. */
export async function readFusesFlow(ctx: FlowContext, link: ProgrammerLink, options: TargetOptions = {}): Promise<Record<string, unknown>> {
  return withTarget(ctx, link, options, async (t) => {
    const values = await readFuses(t);
    const { data, lines } = fuseReport(t.part, values);
    ctx.emit({ type: 'result', command: 'fuses read', data, lines });
    return data;
  });
}

export interface WriteFusesOptions extends TargetOptions, BackupOptions {
  fuses: FuseRequest;
  forceDangerousFuses?: boolean;
}

/** Write fuses (a preset and/or single bytes), refusing lock-out values unless forced, then read them back under the part's mask. */
export async function writeFusesFlow(ctx: FlowContext, link: ProgrammerLink, options: WriteFusesOptions): Promise<Record<string, unknown>> {
  const request = options.fuses;
  if (Object.keys(request.values).length === 0) throw usageError('nothing to write', 'give --preset <name> or --lfuse/--hfuse/--efuse');
  return withTarget(ctx, link, options, async (t) => {
    if (request.preset && request.preset.part !== t.part.id) throw usageError(`preset ${request.preset.id} is for ${request.preset.part}, but the target is ${t.part.name}`);
    const current = await readFuses(t);
    const plan = planFuses(t.part, current, request, { flashing: false });
    enforceDangers(plan, options.forceDangerousFuses === true, wordsOf(ctx));
    for (const w of plan.warnings) say.warning(ctx, w);
    for (const n of plan.notes) say.notice(ctx, n);
    const decoded = decodeFuses(t.part, plan.final);
    if (decoded.bootrst) {
      const probe = await t.session.readFlash(t.target, decoded.bootStart, t.part.flash.pageSize);
      if (probe.every((b) => b === 0xff)) say.warning(ctx, `BOOTRST will be programmed but flash at the boot section start ${hexAddr(decoded.bootStart)} is erased: reset would run empty flash until a bootloader is written there`);
    }
    const toWrite: Partial<Record<FuseName, number>> = {};
    for (const f of plan.changes) toWrite[f] = plan.final[f];
    let after = current;
    let saved: SavedBackup | undefined;
    if (plan.changes.length && options.backup) {
      await applySpeed(ctx, t, planClock(t.part, current, t.session.info, { allowCkdiv8Trick: false }));
      saved = await backupBeforeChange(ctx, t, options, current);
    }
    try {
      if (plan.changes.length) after = await writeFusesChecked(ctx, t, toWrite, ['ext', 'high', 'low']);
    } catch (err) {
      if (err instanceof IspkitError) throw withBackupNote(err, saved);
      throw withBackupNote(programmerError(link.path, err, 'writing fuses', wordsOf(ctx)), saved);
    }
    const lines = plan.changes.length
      ? [`wrote ${plan.changes.map((f) => `${f} ${hex8(plan.final[f])}`).join(', ')}; read back: low ${hex8(after.low)} high ${hex8(after.high)} ext ${hex8(after.ext)}`]
      : [`fuses already set: low ${hex8(after.low)} high ${hex8(after.high)} ext ${hex8(after.ext)}`];
    const data = { written: plan.changes, fuses: after, preset: request.preset?.id, ...(saved ? { backup: saved.location } : {}) };
    ctx.emit({ type: 'result', command: 'fuses write', data, lines });
    return data;
  });
}

import type { FuseValues } from '@ispkit/parts';
import type { RunContext } from '../command.js';
import { planClock } from '../device/clock-plan.js';
import { applySpeed, readFuses, type TargetHandle } from '../device/target.js';

/** For commands that do not change fuses: read them at the safe SCK, then go as fast as the target's clock allows. */
export async function speedUpWithoutFuseChanges(run: RunContext, t: TargetHandle): Promise<FuseValues> {
  const fuses = await readFuses(t);
  const plan = planClock(t.part, fuses, t.session.info, { allowCkdiv8Trick: false });
  run.out.notice(`speed: ${plan.explanation}`);
  await applySpeed(run, t, plan);
  return fuses;
}

import { formatSignature } from '@ispkit/parts';
import { IspkitParm, describeProgrammer, formatHz, ispkitSckHz } from '@ispkit/stk500';
import { readProtected } from '../backup.js';
import { wordsOf, type FlowContext } from '../events.js';
import { QMK_EECONFIG_HANDEDNESS, qmkEepromLine, recogniseQmkEeprom, type QmkEeprom } from '../qmk-eeprom.js';
import { hex8 } from '../format.js';
import { fuseReport } from '../fuse-report.js';
import { programmerError, type ProgrammerLink } from '../link.js';
import { readFuses, withTarget, type TargetOptions } from '../target.js';
import { boardByCode, wiringLines } from '../wiring.js';

/** Programmer (sign-on, versions, SCK), target signature and part, fuses decoded, lock bits. Changes nothing. */
export async function info(ctx: FlowContext, link: ProgrammerLink, options: TargetOptions = {}): Promise<Record<string, unknown>> {
  return withTarget(ctx, link, options, async (t) => {
    const fuses = await readFuses(t);
    let lock: number;
    try {
      lock = await t.session.readLock(t.target);
    } catch (err) {
      throw programmerError(link.path, err, 'reading the lock bits', wordsOf(ctx));
    }
    // QMK keeps its settings at the start of the EEPROM: a few bytes tell whether it is there and which hand
    let qmk: QmkEeprom | undefined;
    if (!readProtected(t.part, lock)) {
      try {
        qmk = recogniseQmkEeprom(await t.session.readEeprom(t.target, 0, QMK_EECONFIG_HANDEDNESS + 2));
      } catch (err) {
        throw programmerError(link.path, err, 'reading EEPROM', wordsOf(ctx));
      }
    }
    const pi = t.session.info;
    // the wiring table of this programmer's board (ours reports it), as `ispkit doctor` prints it
    const board = pi.kind === 'ispkit' ? boardByCode(await t.session.client.getParameter(IspkitParm.ISPKIT_BOARD)) : undefined;
    const report = fuseReport(t.part, fuses);
    const data = {
      port: link.path,
      programmer: { ...pi, sckHz: pi.sckDuration !== undefined ? ispkitSckHz(pi.sckDuration) : undefined },
      target: { part: t.part.id, name: t.part.name, signature: formatSignature(t.signature) },
      fuses: report.data,
      lock,
      ...(qmk ? { qmk: { magic: qmk.magic, handedness: qmk.handedness, handednessByte: qmk.handednessByte } } : {}),
    };
    ctx.emit({
      type: 'result',
      command: 'info',
      data,
      lines: [
        `programmer: ${describeProgrammer(pi)} on ${link.path}${pi.sckDuration !== undefined ? `, SCK ${formatHz(ispkitSckHz(pi.sckDuration))}` : ''}`,
        `target: ${t.part.name}, signature ${formatSignature(t.signature)}, flash ${t.part.flash.size} B (${t.part.flash.pageSize} B pages), EEPROM ${t.part.eeprom.size} B`,
        ...report.lines,
        `lock bits: ${hex8(lock)}${lock === 0xff ? ' (no locks)' : ''}`,
        ...(qmk ? [qmkEepromLine(qmk)] : []),
        ...(board ? wiringLines([board]) : []),
      ],
    });
    return data;
  });
}

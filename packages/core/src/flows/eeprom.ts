import { IspkitError } from '../errors.js';
import { say, startProgress, wordsOf, type FlowContext } from '../events.js';
import { formatBytes } from '../format.js';
import { messages } from '../messages.js';
import { programmerError, type ProgrammerLink } from '../link.js';
import { parseImageFile, type ImageFile, type ParsedImage } from '../load-input.js';
import { verifyRuns } from '../steps.js';
import { speedUpWithoutFuseChanges, withTarget, type TargetOptions } from '../target.js';

export interface WriteEepromOptions extends TargetOptions {
  /** EEPROM image; addresses are EEPROM byte addresses. */
  file: ImageFile | ParsedImage;
  verify?: boolean;
}

/** Write an image to EEPROM (bytes the file leaves out at run edges keep the chip's value) and verify it. */
export async function writeEepromFlow(ctx: FlowContext, link: ProgrammerLink, options: WriteEepromOptions): Promise<Record<string, unknown>> {
  const { name, image } = parseImageFile(options.file, wordsOf(ctx));
  const verify = options.verify !== false;
  return withTarget(ctx, link, options, async (t) => {
    if (image.endAddress > t.part.eeprom.size) {
      throw messages.outsideEeprom(name, image.endAddress, t.part);
    }
    await speedUpWithoutFuseChanges(ctx, t);
    // Whole aligned runs: stock ArduinoISP addresses EEPROM in words, so runs start and end on even bytes.
    const runs = image.segments.map((s) => {
      const start = s.address & ~1;
      const end = Math.min(t.part.eeprom.size, (s.address + s.data.length + 1) & ~1);
      return { start, length: end - start };
    });
    const total = runs.reduce((n, r) => n + r.length, 0);
    say.step(ctx, 'write', 'writing eeprom');
    const progress = startProgress(ctx, 'writing eeprom', total);
    let base = 0;
    try {
      for (const r of runs) {
        const current = image.read(r.start, r.length);
        if (image.byteAt(r.start) === undefined || image.byteAt(r.start + r.length - 1) === undefined) {
          const chip = await t.session.readEeprom(t.target, r.start, r.length);
          for (let i = 0; i < r.length; i++) if (image.byteAt(r.start + i) === undefined) current[i] = chip[i]!;
        }
        await t.session.writeEeprom(t.target, r.start, current, (d) => progress.update(base + d));
        base += r.length;
      }
    } catch (err) {
      progress.abort();
      throw programmerError(link.path, err, 'writing EEPROM', wordsOf(ctx));
    }
    progress.finish();
    if (verify) {
      try {
        await verifyRuns(ctx, t, runs, (a) => image.byteAt(a), 'eeprom');
      } catch (err) {
        if (err instanceof IspkitError) throw err;
        throw programmerError(link.path, err, 'verifying EEPROM', wordsOf(ctx));
      }
    }
    const data = { file: name, bytes: image.byteCount, verified: verify };
    ctx.emit({ type: 'result', command: 'eeprom write', data, lines: [`wrote ${formatBytes(image.byteCount)} to EEPROM${verify ? ' and verified' : ''}`] });
    return data;
  });
}

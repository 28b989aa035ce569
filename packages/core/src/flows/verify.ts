import { formatBytes } from '../format.js';
import { IspkitError } from '../errors.js';
import { wordsOf, type FlowContext } from '../events.js';
import { programmerError, type ProgrammerLink } from '../link.js';
import { checkWithinFlash, parseImageFile, type ImageFile, type ParsedImage } from '../load-input.js';
import { verifyRuns } from '../steps.js';
import { speedUpWithoutFuseChanges, withTarget, type TargetOptions } from '../target.js';

export interface VerifyOptions extends TargetOptions {
  file: ImageFile | ParsedImage;
}

/** Compare the chip's flash with an image (only the bytes the image defines). Mismatch: exit code 5. */
export async function verify(ctx: FlowContext, link: ProgrammerLink, options: VerifyOptions): Promise<Record<string, unknown>> {
  const { name, image } = parseImageFile(options.file, wordsOf(ctx));
  return withTarget(ctx, link, options, async (t) => {
    checkWithinFlash(image, name, t.part, t.words);
    await speedUpWithoutFuseChanges(ctx, t);
    const runs = image.segments.map((s) => {
      const start = s.address & ~1;
      const end = (s.address + s.data.length + 1) & ~1;
      return { start, length: end - start };
    });
    let total: number;
    try {
      total = await verifyRuns(ctx, t, runs, (a) => image.byteAt(a));
    } catch (err) {
      if (err instanceof IspkitError) throw err;
      throw programmerError(link.path, err, 'verifying', wordsOf(ctx));
    }
    const data = { file: ('image' in options.file && options.file.path) || name, bytes: image.byteCount, read: total, equal: true };
    ctx.emit({ type: 'result', command: 'verify', data, lines: [`${name}: ${formatBytes(image.byteCount)} match the chip`] });
    return data;
  });
}

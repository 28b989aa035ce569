import { MemoryImage, serializeIntelHex } from '@ispkit/ihex';
import { usageError } from '../errors.js';
import { say, startProgress, wordsOf, type FlowContext } from '../events.js';
import { formatBytes } from '../format.js';
import { programmerError, type ProgrammerLink } from '../link.js';
import { speedUpWithoutFuseChanges, withTarget, type TargetOptions } from '../target.js';

/** Where a read-back goes: the front end saves the Intel HEX text (a file in the CLI, a download on the page). */
export interface OutputFile {
  /** Named in the result: the path typed, or the download's file name. */
  name: string;
  save(text: string): Promise<void>;
}

/** Drop trailing 0xFF (erased) bytes, as avrdude does when writing a read-back to a file. */
export function trimErased(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0xff) end--;
  return bytes.subarray(0, end);
}

export interface ReadMemoryOptions extends TargetOptions {
  memory: 'flash' | 'eeprom' | string;
  output: OutputFile;
}

/** Read the whole flash or EEPROM into Intel HEX (trailing erased bytes left out). */
export async function readMemory(ctx: FlowContext, link: ProgrammerLink, options: ReadMemoryOptions): Promise<Record<string, unknown>> {
  const { memory, output } = options;
  if (memory !== 'flash' && memory !== 'eeprom') throw usageError(`unknown memory "${memory}"`, 'use flash or eeprom');
  return withTarget(ctx, link, options, async (t) => {
    await speedUpWithoutFuseChanges(ctx, t);
    const size = memory === 'flash' ? t.part.flash.size : t.part.eeprom.size;
    say.step(ctx, 'read', `reading ${memory}`);
    const progress = startProgress(ctx, `reading ${memory}`, size);
    let bytes: Uint8Array;
    try {
      bytes =
        memory === 'flash'
          ? await t.session.readFlash(t.target, 0, size, (d) => progress.update(d))
          : await t.session.readEeprom(t.target, 0, size, (d) => progress.update(d));
    } catch (err) {
      progress.abort();
      throw programmerError(link.path, err, `reading ${memory}`, wordsOf(ctx));
    }
    progress.finish();
    const used = trimErased(bytes);
    await output.save(serializeIntelHex(MemoryImage.fromBinary(used, 0)));
    const data = { memory, output: output.name, bytes: used.length, size };
    ctx.emit({
      type: 'result',
      command: 'read',
      data,
      lines: [`read ${formatBytes(size)} of ${memory}; wrote ${output.name} (${formatBytes(used.length)} before the trailing erased bytes)`],
    });
    return data;
  });
}

/** Read the whole EEPROM into Intel HEX (every byte, erased ones too). */
export async function readEepromFlow(ctx: FlowContext, link: ProgrammerLink, options: TargetOptions & { output: OutputFile }): Promise<Record<string, unknown>> {
  const { output } = options;
  return withTarget(ctx, link, options, async (t) => {
    await speedUpWithoutFuseChanges(ctx, t);
    say.step(ctx, 'read', 'reading eeprom');
    const progress = startProgress(ctx, 'reading eeprom', t.part.eeprom.size);
    let bytes: Uint8Array;
    try {
      bytes = await t.session.readEeprom(t.target, 0, t.part.eeprom.size, (d) => progress.update(d));
    } catch (err) {
      progress.abort();
      throw programmerError(link.path, err, 'reading EEPROM', wordsOf(ctx));
    }
    progress.finish();
    await output.save(serializeIntelHex(MemoryImage.fromBinary(bytes, 0)));
    const data = { output: output.name, bytes: bytes.length };
    ctx.emit({ type: 'result', command: 'eeprom read', data, lines: [`wrote ${output.name} (${formatBytes(bytes.length)} of EEPROM)`] });
    return data;
  });
}

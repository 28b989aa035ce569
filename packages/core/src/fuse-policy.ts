import type { MemoryImage } from '@ispkit/ihex';
import {
  decodeFuses,
  fuseDangers,
  fuseWarnings,
  getPreset,
  identifyBootloader,
  type BootloaderPreset,
  type FuseIssue,
  type FuseName,
  type FuseValues,
  type Part,
} from '@ispkit/parts';
import { usageError } from './errors.js';
import { cliWords, messages, type FrontEndWords } from './messages.js';
import { hex8, hexAddr, parseByte } from './format.js';

export interface FuseRequest {
  preset?: BootloaderPreset;
  values: Partial<FuseValues>;
}

export interface FuseOptionsText {
  fuses?: string;
  preset?: string;
  lfuse?: string;
  hfuse?: string;
  efuse?: string;
}

function byte(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = parseByte(text);
  if (v === undefined) throw usageError(`--${flag} ${text} is not a byte`, 'give two hex digits, e.g. 5E or 0x5E');
  return v;
}

/** --fuses/--preset <preset> and/or --lfuse/--hfuse/--efuse (these override the preset's byte). Pure. */
export function parseFuseRequest(opts: FuseOptionsText, part: Part | undefined): FuseRequest {
  const presetId = opts.fuses ?? opts.preset;
  const req: FuseRequest = { values: {} };
  if (presetId !== undefined) {
    const preset = getPreset(presetId);
    if (part && preset.part !== part.id) throw usageError(`preset ${preset.id} is for ${preset.part}, not ${part.id}`, 'see `ispkit fuses presets`');
    req.preset = preset;
    req.values = { ...preset.fuses };
  }
  const low = byte('lfuse', opts.lfuse);
  const high = byte('hfuse', opts.hfuse);
  const ext = byte('efuse', opts.efuse);
  if (low !== undefined) req.values.low = low;
  if (high !== undefined) req.values.high = high;
  if (ext !== undefined) req.values.ext = ext;
  return req;
}

export interface FusePlan {
  /** Values after the write (current where nothing is requested). */
  final: FuseValues;
  /** Fuses whose value changes (masked), in the order to write them: ext, high, low (clock last). */
  changes: FuseName[];
  dangers: FuseIssue[];
  /** Things worth a warning (bootloader not started, no bootloader, BOOTSZ mismatch). */
  warnings: string[];
  /** Milder notes. */
  notes: string[];
}

const ORDER: readonly FuseName[] = ['ext', 'high', 'low'];

/**
 * Decide what the fuse write does and what to say about it, before touching the chip. `image` is what is being
 * flashed (bootloader checks); `flashing` says whether flash is being replaced at all. Pure.
 */
export function planFuses(part: Part, current: FuseValues, request: FuseRequest, context: { image?: MemoryImage; flashing: boolean }): FusePlan {
  const final: FuseValues = { ...current, ...request.values };
  const changes = ORDER.filter((f) => request.values[f] !== undefined && ((final[f] ^ current[f]) & part.fuseMasks[f]) !== 0);
  const requested: Partial<FuseValues> = {};
  for (const f of ORDER) if (request.values[f] !== undefined) requested[f] = request.values[f];
  const dangers = fuseDangers(part, requested);
  const warnings: string[] = [];
  const notes: string[] = [];
  const image = context.image;
  if (image) {
    for (const w of fuseWarnings(part, final, { image })) {
      if (w.field === 'BOOTSZ' || w.field === 'BOOTRST') warnings.push(w.message);
      else if (request.values[w.fuse] !== undefined) notes.push(`${w.field}: ${w.message}`);
    }
    const boot = identifyBootloader(image, part);
    const decoded = decodeFuses(part, final);
    if (!boot) {
      if (context.flashing) warnings.push('the image has no bootloader: after this the keyboard can only be reflashed over ISP again (add one with --bootloader <hex>)');
    } else if (!decoded.bootrst && boot.bootStart === decoded.bootStart) {
      const preset = boot.presets[0];
      if (decoded.hwbe) {
        notes.push(`BOOTRST is unprogrammed: the bootloader at ${hexAddr(boot.bootStart)} starts only when HWB (PE2) is held low at reset (Atmel DFU style), or when the firmware jumps to it`);
      } else {
        warnings.push(
          `BOOTRST is unprogrammed and HWBE is off: reset runs the application, never the bootloader at ${hexAddr(boot.bootStart)}` +
            (preset ? `; use --fuses ${preset.id} (low ${hex8(preset.fuses.low)} high ${hex8(preset.fuses.high)} ext ${hex8(preset.fuses.ext)})` : ''),
        );
      }
    }
  }
  return { final, changes, dangers, warnings, notes };
}

/** Refuse lock-out values unless forced. */
export function enforceDangers(plan: FusePlan, force: boolean, words: FrontEndWords = cliWords): void {
  if (plan.dangers.length === 0 || force) return;
  throw messages.dangerousFuses(plan.dangers, words);
}

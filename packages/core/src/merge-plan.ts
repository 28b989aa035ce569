import { mergeImages, type MemoryImage } from '@ispkit/ihex';
import { identifyBootloader, recogniseBootloader, type BootloaderIdentity, type KnownBootloader, type Part } from '@ispkit/parts';
import { IspkitError } from './errors.js';
import { checkWithinFlash } from './load-input.js';
import { cliWords, type FrontEndWords } from './messages.js';
import { formatBytes, hexAddr } from './format.js';

export interface MergeResult {
  merged: MemoryImage;
  bootloader: BootloaderIdentity;
  firmwareEnd: number;
  /** Human lines explaining the result. */
  summary: string[];
  /** The catalogued bootloader it is, when its bytes are one (`ispkit bootloaders`). */
  recognised?: KnownBootloader;
}

function bootSectionList(part: Part): string {
  return [...part.bootSections]
    .sort((a, b) => a.size - b.size)
    .map((s) => `${hexAddr(part.flash.size - s.size)} (${formatBytes(s.size)}, BOOTSZ=${s.bootsz.toString(2).padStart(2, '0')})`)
    .join(', ');
}

/**
 * The checks of "delete the EOF line and paste the bootloader", done properly: both images inside flash, the
 * bootloader inside one of the part's boot sections (which BOOTSZ it needs), the firmware below that section,
 * no differing overlap. Pure: images in, merged image + explanation out; throws IspkitError.
 */
export function planMerge(
  part: Part,
  firmware: { name: string; image: MemoryImage },
  bootloader: { name: string; image: MemoryImage },
  words: FrontEndWords = cliWords,
): MergeResult {
  checkWithinFlash(firmware.image, firmware.name, part, words);
  checkWithinFlash(bootloader.image, bootloader.name, part, words);
  const recognised = recogniseBootloader(bootloader.image, part);
  if (recognised?.kind === 'wrong-part') {
    throw new IspkitError(`${bootloader.name}: ${recognised.reason}`, {
      code: 'bootloader-wrong-part',
      details: { bootloader: recognised.entry.id, bootloaderPart: recognised.entry.part, targetPart: part.id },
    });
  }
  const identity = identifyBootloader(bootloader.image, part);
  if (!identity || identity.hasApplication) {
    const swapped = identifyBootloader(firmware.image, part);
    const swapHint = swapped && !swapped.hasApplication ? `; it looks like the arguments are swapped: give the firmware first, then the bootloader` : '';
    throw new IspkitError(
      `${bootloader.name} (${hexAddr(bootloader.image.minAddress)}..${hexAddr(bootloader.image.endAddress - 1)}) is not inside a boot section of ${part.name}; boot sections start at ${bootSectionList(part)}${swapHint}`,
      { code: 'not-a-bootloader', hint: 'check that the second file is a bootloader built for this part' },
    );
  }
  // Differing overlap is a conflict naming both files (mergeImages); identical overlap means the firmware already
  // carries this bootloader, which is fine; firmware bytes in the boot section where the bootloader has none are not.
  const notes: string[] = [];
  // A bootloader with code below its boot section (LUFA mass storage) claims that code's flash too.
  const floor = identity.auxStart ?? identity.bootStart;
  const claimed = identity.auxStart === undefined ? `the ${formatBytes(identity.bootSize)} boot section at ${hexAddr(identity.bootStart)}` : `the ${formatBytes(part.flash.size - floor)} from ${hexAddr(floor)}`;
  if (firmware.image.endAddress > floor) {
    const top = firmware.image.slice(floor, part.flash.size);
    const stray = top.segments.flatMap((s) => {
      for (let i = 0; i < s.data.length; i++) if (bootloader.image.byteAt(s.address + i) === undefined) return [s.address + i];
      return [];
    });
    if (stray.length > 0) {
      throw new IspkitError(
        `${firmware.name} reaches ${hexAddr(firmware.image.endAddress - 1)}, into ${claimed} that ${bootloader.name} needs (first byte there at ${hexAddr(stray[0]!)})`,
        { code: 'firmware-too-large', hint: `the application must end below ${hexAddr(floor)} (at most ${formatBytes(floor)}); build it for a bootloader of this size` },
      );
    }
  }
  const merged = mergeImages([firmware, bootloader]);
  if (firmware.image.endAddress > floor) notes.push(`${firmware.name} already contains ${bootloader.name} (identical bytes in the boot section)`);
  const summary = [
    `${firmware.name}: ${formatBytes(firmware.image.byteCount)} at ${hexAddr(firmware.image.minAddress)}..${hexAddr(firmware.image.endAddress - 1)}`,
    `${bootloader.name}: ${recognised ? `${recognised.summary} (${identity.summary})` : identity.summary}`,
    ...notes,
  ];
  const result: MergeResult = { merged, bootloader: identity, firmwareEnd: firmware.image.endAddress, summary };
  if (recognised) result.recognised = recognised;
  return result;
}

import type { MemoryImage } from '@ispkit/ihex';
import { identifyBootloader, recogniseBootloader, type Part } from '@ispkit/parts';
import { formatBytes, hexAddr } from './format.js';

export interface HexReport {
  file: string;
  part: string;
  ranges: { start: number; end: number; bytes: number }[];
  bytes: number;
  pageSize: number;
  pagesUsed: number;
  blankPages: number;
  flashSize: number;
  fitsFlash: boolean;
  startAddress?: MemoryImage['startAddress'];
  bootloader?: { summary: string; bootStart: number; bootSize: number; bootsz: number; presets: string[]; hasApplication: boolean };
  /** The catalogued bootloader in the image (`ispkit bootloaders`), or one built for another part and why it cannot work. */
  catalogue?: { id: string; name: string; part: string; preset: string; wrongPart?: string };
}

/** What `ispkit hex info` says about an image: ranges, bytes, pages, blank pages, likely bootloader. Pure. */
export function hexReport(image: MemoryImage, file: string, part: Part): { data: HexReport; lines: string[] } {
  const ranges = image.segments.map((s) => ({ start: s.address, end: s.address + s.data.length, bytes: s.data.length }));
  let pagesUsed = 0;
  let blankPages = 0;
  for (const page of image.pages(part.flash.pageSize)) {
    pagesUsed++;
    if (page.data.every((b) => b === 0xff)) blankPages++;
  }
  const data: HexReport = {
    file,
    part: part.id,
    ranges,
    bytes: image.byteCount,
    pageSize: part.flash.pageSize,
    pagesUsed,
    blankPages,
    flashSize: part.flash.size,
    fitsFlash: image.endAddress <= part.flash.size,
  };
  if (image.startAddress) data.startAddress = image.startAddress;
  const boot = identifyBootloader(image, part);
  if (boot) {
    data.bootloader = {
      summary: boot.summary,
      bootStart: boot.bootStart,
      bootSize: boot.bootSize,
      bootsz: boot.bootsz,
      presets: boot.presets.map((p) => p.id),
      hasApplication: boot.hasApplication,
    };
  }
  const recognised = recogniseBootloader(image, part);
  if (recognised) {
    const e = recognised.entry;
    data.catalogue = { id: e.id, name: e.name, part: e.part, preset: e.preset };
    if (recognised.kind === 'wrong-part') data.catalogue.wrongPart = recognised.reason;
  }
  const lines = [`${file}: ${formatBytes(image.byteCount)} in ${ranges.length} range${ranges.length === 1 ? '' : 's'} (as ${part.name})`];
  for (const r of ranges) lines.push(`  ${hexAddr(r.start)}..${hexAddr(r.end - 1)}  ${formatBytes(r.bytes)}`);
  lines.push(`  pages: ${pagesUsed} of ${part.flash.size / part.flash.pageSize} used (${part.flash.pageSize} B each)${blankPages ? `, ${blankPages} all-FF (skipped after erase)` : ''}`);
  if (!data.fitsFlash) lines.push(`  does NOT fit: ${part.name} flash ends at ${hexAddr(part.flash.size - 1)}`);
  else lines.push(`  flash: ${((image.endAddress / part.flash.size) * 100).toFixed(1)}% of ${formatBytes(part.flash.size)} reached (ends at ${hexAddr(image.endAddress - 1)})`);
  if (image.startAddress) {
    const s = image.startAddress;
    lines.push(`  start address: ${'linear' in s ? hexAddr(s.linear, 8) : `${hexAddr(s.cs)}:${hexAddr(s.ip)}`}`);
  }
  if (recognised?.kind === 'known') lines.push(`  bootloader: ${recognised.summary} (catalogue: ${recognised.entry.id})`);
  if (recognised?.kind === 'wrong-part') lines.push(`  bootloader: WRONG PART: ${recognised.reason}`);
  else if (boot) lines.push(`  ${recognised ? 'layout' : 'bootloader'}: ${boot.summary}`);
  else if (!recognised) lines.push('  bootloader: none recognised (no data at the start of a boot section)');
  return { data, lines };
}

/**
 * Is this image a bootloader (or does it carry one)? Looks for data at the top of flash that fits one of the
 * part's boot sections, says which BOOTSZ and BOOTRST it needs, and which preset it likely is.
 */
import { bootloaderPresets, type BootloaderPreset, type UsbId } from './bootloader-presets.js';
import type { Part } from './part.js';

/** What identifyBootloader reads from an image; @ispkit/ihex's MemoryImage fits it. */
export interface ImageLike {
  readonly segments: readonly { readonly address: number; readonly data: Uint8Array }[];
}

export interface BootloaderIdentity {
  /** BOOTSZ field value the boot section needs. */
  bootsz: number;
  /** Boot section start (byte address) and size. */
  bootStart: number;
  bootSize: number;
  /**
   * BOOTRST should be programmed so reset enters the bootloader. (Atmel DFU instead leaves it unprogrammed and
   * relies on HWBE; the presets carry the exact fuses.)
   */
  bootrst: true;
  /** The high fuse with BOOTSZ set and BOOTRST programmed, starting from the part's factory value. */
  suggestedHigh: number;
  /** Data begins exactly at the boot section start (where BOOTRST jumps). */
  entryAtBootStart: boolean;
  /** First and end (exclusive) byte address of the bootloader's data, and its byte count. */
  dataStart: number;
  dataEnd: number;
  byteCount: number;
  /**
   * Where the bootloader's code begins when part of it sits below the boot section (LUFA's mass-storage
   * bootloader: recognised by its USB id and data starting exactly where a preset's `auxBelow` puts it). The
   * application must end below this address. Absent: the bootloader lies wholly in its boot section.
   */
  auxStart?: number;
  /** The image also holds data below the bootloader (an application merged with it). */
  hasApplication: boolean;
  /** A USB device descriptor found in the bootloader's bytes. */
  usb?: { vid: number; pid: number };
  /** Presets for this part occupying exactly this section, best match (USB id) first. */
  presets: BootloaderPreset[];
  /** One line for people. */
  summary: string;
}

/** Consecutive `jmp` vectors that mark a bootloader's start inside a contiguous image. */
const VECTOR_RUN = 8;

function hex(n: number, width = 4): string {
  return `0x${n.toString(16).toUpperCase().padStart(width, '0')}`;
}

/** Scan for a USB device descriptor: bLength 0x12, bDescriptorType 0x01, bcdUSB 1.x/2.x; VID/PID at 8..11. */
function findUsbId(bytes: Uint8Array): { vid: number; pid: number } | undefined {
  for (let i = 0; i + 18 <= bytes.length; i++) {
    if (bytes[i] !== 0x12 || bytes[i + 1] !== 0x01) continue;
    const bcdHi = bytes[i + 3]!;
    const maxPacket = bytes[i + 7]!;
    if ((bcdHi !== 0x01 && bcdHi !== 0x02) || ![8, 16, 32, 64].includes(maxPacket)) continue;
    const vid = bytes[i + 8]! | (bytes[i + 9]! << 8);
    const pid = bytes[i + 10]! | (bytes[i + 11]! << 8);
    if (vid === 0 || vid === 0xffff) continue;
    return { vid, pid };
  }
  return undefined;
}

function matches(usb: { vid: number; pid: number } | undefined, ids: readonly UsbId[]): boolean {
  return usb !== undefined && ids.some((id) => id.vid === usb.vid && id.pid === usb.pid);
}

export function identifyBootloader(image: ImageLike, part: Part): BootloaderIdentity | undefined {
  const segments = image.segments.filter((s) => s.data.length > 0);
  if (segments.length === 0) return undefined;
  const flashEnd = part.flash.size;
  const imageEnd = Math.max(...segments.map((s) => s.address + s.data.length));
  if (imageEnd > flashEnd) return undefined;

  const crosses = (start: number) => segments.some((s) => s.address < start && s.address + s.data.length > start);
  const firstAtOrAbove = (start: number) => {
    const above = segments.filter((s) => s.address >= start).map((s) => s.address);
    return above.length ? Math.min(...above) : undefined;
  };
  const byteAt = (address: number) => {
    const s = segments.find((x) => address >= x.address && address < x.address + x.data.length);
    return s?.data[address - s.address];
  };
  // A bootloader starts with its own interrupt vector table: a run of 4-byte vectors, each a `jmp` (0x940C) or,
  // when the linker relaxed it (LUFA's builds), an `rjmp` (0xCxxx) followed by a `nop`. That is how a bootloader
  // merged right after an application that fills flash up to the section start is told apart.
  const vectorAt = (a: number) =>
    (byteAt(a) === 0x0c && byteAt(a + 1) === 0x94) ||
    (((byteAt(a + 1) ?? 0) & 0xf0) === 0xc0 && byteAt(a + 2) === 0x00 && byteAt(a + 3) === 0x00);
  const vectorTableAt = (start: number) => {
    for (let k = 0; k < VECTOR_RUN; k++) if (!vectorAt(start + 4 * k)) return false;
    return true;
  };
  const sections = [...part.bootSections].sort((a, b) => a.size - b.size);

  // (1) Data starts exactly at a boot section start: prefer the largest such section (lowest start).
  let chosen = [...sections].reverse().find((s) => {
    const start = flashEnd - s.size;
    return crosses(start) ? vectorTableAt(start) : firstAtOrAbove(start) === start;
  });
  let entryAtBootStart = chosen !== undefined;
  // (2) Otherwise all data sits inside a boot section: the smallest that holds it.
  if (!chosen) {
    const imageStart = Math.min(...segments.map((s) => s.address));
    chosen = sections.find((s) => imageStart >= flashEnd - s.size);
    entryAtBootStart = false;
  }
  if (!chosen) return undefined;

  const bootStart = flashEnd - chosen.size;
  const inside = segments
    .filter((s) => s.address + s.data.length > bootStart)
    .map((s) => (s.address >= bootStart ? s : { address: bootStart, data: s.data.subarray(bootStart - s.address) }));
  let usb: { vid: number; pid: number } | undefined;
  for (const s of inside) usb ??= findUsbId(s.data);
  // A bootloader with code below its section may keep its descriptor there.
  const maxAux = Math.max(0, ...bootloaderPresets.filter((p) => p.part === part.id).map((p) => p.auxBelow ?? 0));
  for (const s of segments) {
    if (usb || maxAux === 0 || s.address >= bootStart || s.address + s.data.length <= bootStart - maxAux) continue;
    const from = Math.max(s.address, bootStart - maxAux) - s.address;
    usb = findUsbId(s.data.subarray(from, bootStart - s.address));
  }
  const inSection = (p: BootloaderPreset) => p.part === part.id && p.region.start === bootStart && p.region.size === chosen.size;
  // Part of the bootloader below its section: only on the evidence of its own USB id, and only when data begins
  // exactly where that preset's extra code starts (the largest such extent first).
  const aux = bootloaderPresets
    .filter((p) => inSection(p) && p.auxBelow !== undefined && matches(usb, p.usb))
    .sort((a, b) => b.auxBelow! - a.auxBelow!)
    .find((p) => byteAt(bootStart - p.auxBelow!) !== undefined && !crosses(bootStart - p.auxBelow!));
  const floor = aux ? bootStart - aux.auxBelow! : bootStart;
  const below = aux ? segments.filter((s) => s.address + s.data.length > floor && s.address < bootStart) : [];
  const dataStart = Math.min(...inside.map((s) => s.address), ...below.map((s) => Math.max(s.address, floor)));
  const byteCount = inside.reduce((n, s) => n + s.data.length, 0) + below.reduce((n, s) => n + Math.min(s.address + s.data.length, bootStart) - Math.max(s.address, floor), 0);
  const hasApplication = segments.some((s) => s.address < floor);

  const presets = bootloaderPresets
    .filter((p) => inSection(p) && (p.auxBelow === undefined ? !aux : p === aux))
    .sort((a, b) => Number(matches(usb, b.usb)) - Number(matches(usb, a.usb)));
  const suggestedHigh = (part.fuses.high.factory & ~0x07) | (chosen.bootsz << 1);

  const size = chosen.size >= 1024 ? `${chosen.size / 1024} KB` : `${chosen.size} B`;
  const likely = presets.length
    ? `; region of ${presets.map((p) => p.name).join(' / ')}${usb && matches(usb, presets[0]!.usb) ? ` (USB ${hex(usb.vid)}:${hex(usb.pid)} matches ${presets[0]!.name})` : ''}`
    : '';
  const auxText = aux ? ` with ${aux.auxBelow! / 1024} KB more below it from ${hex(floor)} (the application must end below ${hex(floor)})` : '';
  const summary =
    `${hasApplication ? 'application + ' : ''}bootloader in the ${size} boot section at ${hex(bootStart)}${auxText}: ` +
    `needs BOOTSZ=${chosen.bootsz.toString(2).padStart(2, '0')} and BOOTRST programmed` +
    (entryAtBootStart ? '' : ` (warning: its data starts at ${hex(dataStart)}, not at the section start)`) +
    likely;

  const identity: BootloaderIdentity = {
    bootsz: chosen.bootsz,
    bootStart,
    bootSize: chosen.size,
    bootrst: true,
    suggestedHigh,
    entryAtBootStart,
    dataStart,
    dataEnd: imageEnd,
    byteCount,
    hasApplication,
    presets,
    summary,
  };
  if (usb) identity.usb = usb;
  if (aux) identity.auxStart = floor;
  return identity;
}

/**
 * Which catalogued bootloader is this image (or the bootloader inside a merged image)? Recognition is by flash
 * digest, so how the Intel HEX is written does not matter. An image built for another part is recognised too and
 * reported with the reason it cannot work on this one.
 */
import { bootloaderCatalogue, type CatalogueEntry } from './bootloader-catalogue.js';
import { flashDigest, type FlashDigest } from './flash-digest.js';
import type { ImageLike } from './identify-bootloader.js';
import type { Part } from './part.js';
import { getPart } from './part-registry.js';

export interface KnownBootloader {
  kind: 'known';
  entry: CatalogueEntry;
  /** The image also holds data below the bootloader (an application merged with it). */
  hasApplication: boolean;
  /** One line for people: "QMK's Atmel DFU 1.0.0 for ATmega32U4; preset atmel-dfu". */
  summary: string;
}

export interface WrongPartBootloader {
  kind: 'wrong-part';
  entry: CatalogueEntry;
  /** Part id of the target the image was given for. */
  targetPart: string;
  /** Catalogue entries for the target part that do the same job. */
  alternatives: readonly CatalogueEntry[];
  /** One line: what it is, why it cannot work here, what to use. */
  reason: string;
}

export type BootloaderRecognition = KnownBootloader | WrongPartBootloader;

function hex(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;
}

function imageEnd(image: ImageLike): number {
  return Math.max(0, ...image.segments.filter((s) => s.data.length > 0).map((s) => s.address + s.data.length));
}

function hasDataBelow(image: ImageLike, address: number): boolean {
  return image.segments.some((s) => s.data.length > 0 && s.address < address);
}

/** Entries for `part` that share the entry's family name (its id without the part suffix). */
function sameJobFor(entry: CatalogueEntry, part: Part, catalogue: readonly CatalogueEntry[]): CatalogueEntry[] {
  const family = entry.id.replace(/-[^-]*$/, '');
  return catalogue.filter((e) => e.part === part.id && e.id !== entry.id && e.id.startsWith(family));
}

function size(bytes: number): string {
  return bytes >= 1024 ? `${bytes / 1024} KB` : `${bytes} B`;
}

/** Where this kind of bootloader sits on the target part: the section its own image for that part (or one of the
 *  same size) uses; a part without a section that large (an 8 KB AT90USB128 image for a 32U4) gets its flash end. */
function targetBootSection(part: Part, entry: CatalogueEntry, alternatives: readonly CatalogueEntry[]): string {
  const bootSize = alternatives[0]?.bootSize ?? (part.bootSections.some((s) => s.size === entry.bootSize) ? entry.bootSize : undefined);
  if (bootSize === undefined) return `whose flash ends at ${hex(part.flash.size)} (boot sections up to ${size(Math.max(...part.bootSections.map((s) => s.size)))})`;
  return `whose ${size(bootSize)} boot section starts at ${hex(part.flash.size - bootSize)}`;
}

function matches(found: FlashDigest | undefined, want: FlashDigest): boolean {
  return found !== undefined && found.start === want.start && found.end === want.end && found.sha256 === want.sha256;
}

/**
 * The catalogue entry whose bytes this image programs from the entry's start to the image's end (so an
 * application below it is allowed, anything else in or above it is not), or whose whole file it is.
 */
export function recogniseBootloader(
  image: ImageLike,
  part: Part,
  catalogue: readonly CatalogueEntry[] = bootloaderCatalogue,
): BootloaderRecognition | undefined {
  const end = imageEnd(image);
  if (end === 0) return undefined;
  const cache = new Map<string, FlashDigest | undefined>();
  const digestOf = (start: number, stop: number) => {
    const key = `${start}:${stop}`;
    if (!cache.has(key)) cache.set(key, flashDigest(image, { start, end: stop }));
    return cache.get(key);
  };
  for (const entry of catalogue) {
    const whole = entry.fileDigest && matches(digestOf(0, end), entry.fileDigest);
    const boot = entry.digest && matches(digestOf(entry.digest.start, Math.max(end, entry.digest.end)), entry.digest);
    if (!whole && !boot) continue;
    if (entry.part !== part.id) {
      const alternatives = sameJobFor(entry, part, catalogue);
      const theirs = getPart(entry.part);
      const where = entry.digest ? ` at ${hex(entry.digest.start)}` : '';
      const use = alternatives.length
        ? `use ${alternatives.map((a) => `${a.id} (${a.fileName ?? a.name})`).join(' or ')}`
        : `use a ${entry.name.replace(/ for .*$/, '')} image built for the ${part.name}`;
      return {
        kind: 'wrong-part',
        entry,
        targetPart: part.id,
        alternatives,
        reason:
          `this is ${entry.name}, built for the ${theirs.name} (boot section${where}); the target is an ${part.name}, ` +
          `${targetBootSection(part, entry, alternatives)}, so it would never run: ${use}`,
      };
    }
    const hasApplication = entry.digest ? hasDataBelow(image, entry.digest.start) : false;
    return {
      kind: 'known',
      entry,
      hasApplication,
      summary: `${hasApplication ? 'application + ' : ''}${entry.name}; preset ${entry.preset}`,
    };
  }
  return undefined;
}

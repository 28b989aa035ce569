import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MemoryImage, parseIntelHex } from '@ispkit/ihex';
import { atmega16u4, atmega32u4, flashDigest, recogniseBootloader, type CatalogueEntry } from '@ispkit/parts';
import { workspaceRoot } from '@ispkit/sim/testing';
import { fixtureDir } from './fixtures.js';

// Recognition by flash digest on images built here: the demo's stand-in bootloader (tools/scripts/demo/bootloader,
// avr-gcc, linked at 0x7000) goes into a test catalogue, then copies of its hex written every way tools write
// Intel HEX must still be recognised, and a copy moved to the 16U4's boot section must be refused for a 32U4.

type BuildDemoKeyboard = (outDir: string) => { keyboard: string; bootloader: string };

/** Our own Intel HEX writer for the reformatted copies, independent of @ispkit/ihex's serializer. */
function record(type: number, address: number, data: number[]): string {
  const bytes = [data.length, (address >> 8) & 0xff, address & 0xff, type, ...data];
  const sum = (0x100 - (bytes.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  return `:${[...bytes, sum].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

interface Style {
  recordLength: number;
  /** 'none': 16-bit offsets only; 'segment': an 02 record before the data (base 0x0700 → offsets from 0x0000);
   * 'linear': an 04 record (upper address 0) before the data. */
  address: 'none' | 'segment' | 'linear';
  eol: '\n' | '\r\n';
  lowercase: boolean;
  /** Explicit 0xFF padding up to the next 256-byte boundary, and an 03 start-segment record. */
  padded: boolean;
}

function writeHex(image: MemoryImage, style: Style): string {
  const out: string[] = [];
  const base = style.address === 'segment' ? 0x7000 : 0;
  if (style.address === 'segment') out.push(record(0x02, 0, [0x07, 0x00])); // segment 0x0700 × 16 = 0x7000
  if (style.address === 'linear') out.push(record(0x04, 0, [0x00, 0x00]));
  if (style.padded) out.push(record(0x03, 0, [0x00, 0x00, 0x70, 0x00]));
  const segments = image.segments.map((s) => ({ address: s.address, data: [...s.data] }));
  if (style.padded) {
    const last = segments.at(-1)!;
    const end = last.address + last.data.length;
    last.data.push(...new Array((0x100 - (end % 0x100)) % 0x100).fill(0xff));
  }
  for (const s of segments) {
    for (let i = 0; i < s.data.length; i += style.recordLength) {
      out.push(record(0x00, s.address + i - base, s.data.slice(i, i + style.recordLength)));
    }
  }
  out.push(':00000001FF');
  const text = out.join(style.eol) + style.eol;
  return style.lowercase ? text.toLowerCase() : text;
}

const fx = fixtureDir('catalogue');
let demoBoot: MemoryImage;
let catalogue: CatalogueEntry[];

beforeAll(async () => {
  const url = pathToFileURL(join(workspaceRoot(), 'tools/scripts/demo/build-keyboard.mjs')).href;
  const { buildDemoKeyboard } = (await import(url)) as { buildDemoKeyboard: BuildDemoKeyboard };
  const built = buildDemoKeyboard(join(fx.dir, 'build'));
  demoBoot = parseIntelHex(readFileSync(built.bootloader, 'utf8'), { source: built.bootloader });
  const moved = MemoryImage.fromSegments(demoBoot.segments.map((s) => ({ address: s.address - 0x4000, data: s.data })));
  const entry = (id: string, part: string, image: MemoryImage): CatalogueEntry => ({
    id,
    name: `the demo bootloader for ${part}`,
    part,
    bootSize: 4096,
    preset: part === 'atmega32u4' ? 'caterina-5v' : 'atmel-dfu-16u4',
    usb: [],
    boards: [],
    source: { repo: 'ispkit/demo', path: 'tools/scripts/demo/bootloader/boot.c' },
    digest: flashDigest(image)!,
  });
  catalogue = [entry('demo-32u4', 'atmega32u4', demoBoot), entry('demo-16u4', 'atmega16u4', moved)];
}, 60_000);
afterAll(() => fx.remove());

const styles: [string, Style][] = [
  ['16-byte records, no address records, LF', { recordLength: 16, address: 'none', eol: '\n', lowercase: false, padded: false }],
  ['32-byte records, linear 04 record, CRLF', { recordLength: 32, address: 'linear', eol: '\r\n', lowercase: false, padded: false }],
  ['7-byte records, segment 02 record, CRLF, lowercase', { recordLength: 7, address: 'segment', eol: '\r\n', lowercase: true, padded: false }],
  ['255-byte records, FF padding and a start record', { recordLength: 255, address: 'linear', eol: '\n', lowercase: false, padded: true }],
];

describe('the demo bootloader in a test catalogue', () => {
  test('its digest covers exactly its bytes at 0x7000', () => {
    expect(catalogue[0]!.digest!.start).toBe(0x7000);
    expect(catalogue[0]!.digest!.end).toBe(demoBoot.endAddress);
  });

  test.each(styles)('recognised when written with %s', (_name, style) => {
    const text = writeHex(demoBoot, style);
    const reread = parseIntelHex(text, { source: 'copy.hex' });
    expect(recogniseBootloader(reread, atmega32u4, catalogue)).toMatchObject({
      kind: 'known',
      entry: { id: 'demo-32u4' },
      hasApplication: false,
      summary: 'the demo bootloader for atmega32u4; preset caterina-5v',
    });
  });

  test('a copy with one byte changed is not', () => {
    const seg = demoBoot.segments[0]!;
    const data = new Uint8Array(seg.data);
    data[10]! ^= 0x01;
    const changed = MemoryImage.fromSegments([{ address: seg.address, data }, ...demoBoot.segments.slice(1)]);
    expect(recogniseBootloader(parseIntelHex(writeHex(changed, styles[0]![1])), atmega32u4, catalogue)).toBeUndefined();
  });

  test('the same bytes in the 16U4 boot section (0x3000) are refused for a 32U4, with the reason', () => {
    const moved = MemoryImage.fromSegments(demoBoot.segments.map((s) => ({ address: s.address - 0x4000, data: s.data })));
    const r = recogniseBootloader(parseIntelHex(writeHex(moved, styles[1]![1])), atmega32u4, catalogue);
    expect(r?.kind).toBe('wrong-part');
    expect(r?.kind === 'wrong-part' && r.reason).toMatch(
      /^this is the demo bootloader for atmega16u4, built for the ATmega16U4 \(boot section at 0x3000\); the target is an ATmega32U4, whose 4 KB boot section starts at 0x7000, so it would never run: use demo-32u4/,
    );
    expect(recogniseBootloader(moved, atmega16u4, catalogue)?.kind).toBe('known');
  });
});

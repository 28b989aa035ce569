// The benchmark workloads (issue 6), generated at run time into a gitignored directory: nothing binary is committed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ihex, simTesting } from './modules.mjs';
import { buildKeyboardImage } from './keyboard-image.mjs';

function writeHex(dir, name, image) {
  const path = join(dir, name);
  writeFileSync(path, ihex.serializeIntelHex(image));
  return path;
}

/** A random image covering every byte of `size` (no blank page anywhere). */
function randomWorkload(dir, id, label, size, seed) {
  const image = simTesting.randomImage(size, seed);
  return { id, label, path: writeHex(dir, `${id}.hex`, image), image, bytes: image.byteCount };
}

function keyboardWorkload(dir) {
  const built = buildKeyboardImage(join(dir, 'keyboard'));
  const load = (p) => {
    const img = ihex.parseIntelHex(readFileSync(p, 'utf8'), { source: p });
    // Drop the start-address record: the merged image starts wherever the fuses say (BOOTRST), not at either one.
    return ihex.MemoryImage.fromSegments(img.segments);
  };
  const image = ihex.mergeImages([
    { name: 'keyboard-app.hex', image: load(built.app) },
    { name: 'keyboard-bootloader.hex', image: load(built.bootloader) },
  ]);
  const kb = (n) => (n / 1024).toFixed(1);
  return {
    id: 'keyboard-30k',
    label: `keyboard ${kb(built.appBytes)} KB + bootloader ${kb(built.bootloaderBytes)} KB @0x7000`,
    path: writeHex(dir, 'keyboard-30k.hex', image),
    image,
    bytes: image.byteCount,
  };
}

/** All workloads, or just the 4 KB one for the smoke run. */
export function makeWorkloads(dir, { smoke }) {
  mkdirSync(dir, { recursive: true });
  const small = randomWorkload(dir, 'random-4k', '4 KB random', 4096, 0x0400);
  if (smoke) return [small];
  return [randomWorkload(dir, 'random-32k', '32 KB random (all 256 pages)', 32768, 0x8000), keyboardWorkload(dir), small];
}

/** Targets: the same 16 MHz crystal with CKDIV8 cleared, and factory-fresh (CKDIV8 → 2 MHz core). */
export const targets = [
  { id: '16mhz', label: '16 MHz (lfuse DE)', fuses: { low: 0xde, high: 0x99, ext: 0xf3 } },
  { id: 'factory', label: 'factory 2 MHz (5E/99/F3)', fuses: { low: 0x5e, high: 0x99, ext: 0xf3 } },
];

/**
 * Install an image through PJRC's HalfKay bootloader (Teensy 2.0) over USB HID, the way teensy_loader_cli does:
 * - each write is an output report of 2 address bytes (the BYTE address, low byte first, on the ATmega32U4) and
 *   one 128-byte block;
 * - the first block (address 0) is always sent, because HalfKay erases the chip when it receives it; later blocks
 *   that the image does not touch or that are all 0xFF are skipped;
 * - a failed write is retried every 10 ms, for up to 45 s for the first five blocks (the erase makes the device
 *   stall) and 0.5 s for the rest;
 * - the boot command is a report starting FF FF FF (rest zero); the device then leaves and starts the application.
 * HalfKay cannot read flash back: the caller verifies by talking to the new firmware.
 */
import { withTimeout, systemClock, type Clock } from './clock.js';
import { streamErrorCode } from './byte-stream.js';
import { assertImageFits, imageBlocks, type FlashImage } from './flash-image.js';
import type { HidDevice } from './hid-device.js';
import { LoaderError, hex } from './loader-error.js';
import type { ProgressListener } from './progress.js';

export interface HalfKayProgramOptions {
  /** Application size limit: 32256 (0x7E00) on a Teensy 2.0; HalfKay lives above it. */
  codeSize: number;
  blockSize: number;
  /** Names the area in the too-big message. */
  areaName?: string;
  /** Send the boot command at the end (default true). */
  boot?: boolean;
  clock?: Clock;
  onProgress?: ProgressListener;
  /** Retry windows in ms (defaults: teensy_loader_cli's 45 s for the first five blocks, then 0.5 s). */
  firstBlocksTimeoutMs?: number;
  blockTimeoutMs?: number;
  retryIntervalMs?: number;
}

export interface HalfKayResult {
  blocksWritten: number;
  bytesWritten: number;
  booted: boolean;
}

export const teensy2HalfKay = { codeSize: 32256, blockSize: 128 } as const;

export function halfKayReport(address: number, block: Uint8Array, blockSize: number): Uint8Array {
  if (address > 0xffff) throw new RangeError(`HalfKay 2-byte addresses end at 0xffff, got ${hex(address)}`);
  const report = new Uint8Array(blockSize + 2).fill(0xff);
  report[0] = address & 0xff;
  report[1] = (address >> 8) & 0xff;
  report.set(block.subarray(0, blockSize), 2);
  return report;
}

export function halfKayBootReport(blockSize: number): Uint8Array {
  const report = new Uint8Array(blockSize + 2);
  report[0] = 0xff;
  report[1] = 0xff;
  report[2] = 0xff;
  return report;
}

export async function programHalfKay(device: HidDevice, image: FlashImage, opts: HalfKayProgramOptions): Promise<HalfKayResult> {
  const { codeSize, blockSize } = opts;
  assertImageFits(image, codeSize, opts.areaName ?? `the application area below HalfKay`);
  const clock = opts.clock ?? systemClock;
  const firstMs = opts.firstBlocksTimeoutMs ?? 45000;
  const laterMs = opts.blockTimeoutMs ?? 500;
  const retryMs = opts.retryIntervalMs ?? 10;

  const blocks = imageBlocks(image, blockSize, { skipBlank: true });
  if (blocks[0]?.address !== 0) blocks.unshift({ address: 0, data: new Uint8Array(blockSize).fill(0xff) });
  const total = blocks.length * blockSize;

  let written = 0;
  opts.onProgress?.({ phase: 'write', done: 0, total });
  for (const block of blocks) {
    const limit = written <= 4 ? firstMs : laterMs;
    const what = `writing the block at ${hex(block.address)}${block.address === 0 ? ' (HalfKay erases the chip first)' : ''}`;
    await writeWithRetry(device, halfKayReport(block.address, block.data, blockSize), clock, limit, retryMs, what, block.address);
    written++;
    opts.onProgress?.({ phase: 'write', done: written * blockSize, total });
  }

  let booted = false;
  if (opts.boot ?? true) {
    try {
      await writeWithRetry(device, halfKayBootReport(blockSize), clock, laterMs, retryMs, 'sending the boot command');
      booted = true;
    } catch (err) {
      // The device may leave the bus before it acknowledges the boot report; that is success.
      if (err instanceof LoaderError && err.code === 'disconnected') booted = true;
      else throw err;
    }
  }
  return { blocksWritten: blocks.length, bytesWritten: total, booted };
}

async function writeWithRetry(
  device: HidDevice,
  report: Uint8Array,
  clock: Clock,
  limitMs: number,
  retryMs: number,
  what: string,
  address?: number,
): Promise<void> {
  const deadline = clock.now() + limitMs;
  let lastError: unknown;
  for (;;) {
    const remaining = deadline - clock.now();
    if (remaining <= 0) break;
    let outcome: void | 'timeout';
    try {
      outcome = await withTimeout(clock, remaining, device.write(report));
    } catch (err) {
      if (streamErrorCode(err) === 'closed') {
        throw new LoaderError('disconnected', `the Teensy left the bootloader (HalfKay disconnected) while ${what}`, address, { cause: err });
      }
      lastError = err;
      await clock.sleep(retryMs);
      continue;
    }
    if (outcome !== 'timeout') return;
  }
  const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new LoaderError('timeout', `HalfKay did not accept the report within ${limitMs} ms while ${what}${detail}`, address, { cause: lastError });
}

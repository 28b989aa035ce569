/**
 * Install an image through an AVR109 bootloader (Caterina): identify, check chip and block mode, erase, write
 * block by block, read everything back, leave. Page 0 (the reset vector) is written last: until it is, flash word 0
 * stays 0xFFFF, which keeps Caterina from timing out into (and a later reset from starting) a half-written
 * application.
 */
import { Avr109Client, type Avr109Timeouts, type Avr109TraceEvent } from './avr109-client.js';
import type { ByteStream } from './byte-stream.js';
import { assertImageFits, imageBlocks, type FlashImage } from './flash-image.js';
import { LoaderError, hex } from './loader-error.js';
import type { ProgressListener } from './progress.js';

export interface Avr109ProgramOptions {
  /** First byte the image may not touch: the bootloader's start (0x7000 for Caterina on an ATmega32U4). */
  appLimit: number;
  /** Names the area in the too-big message, e.g. "the Pro Micro's application area". */
  areaName?: string;
  /** Refuse to write unless the bootloader reports this signature (in datasheet order). */
  expectedSignature?: readonly [number, number, number];
  onProgress?: ProgressListener;
  timeouts?: Partial<Avr109Timeouts>;
  onTrace?: (event: Avr109TraceEvent) => void;
}

export interface Avr109Result {
  softwareId: string;
  softwareVersion: string;
  blockSize: number;
  /** Flash blocks written (blank blocks are skipped: the chip erase already left them 0xFF). */
  blocksWritten: number;
  bytesWritten: number;
}

const MAX_BLOCK = 1024;

export async function programAvr109(stream: ByteStream, image: FlashImage, opts: Avr109ProgramOptions): Promise<Avr109Result> {
  assertImageFits(image, opts.appLimit, opts.areaName ?? `the application area below the bootloader`);
  const client = new Avr109Client(stream, opts.timeouts, opts.onTrace);
  // Whatever arrived before we spoke (a modem prober's echo, a previous session) is not a reply.
  await stream.drain?.();

  const softwareId = await client.softwareId();
  if (!/^[\x20-\x7e]{7}$/.test(softwareId)) {
    throw new LoaderError('protocol', `the port does not speak AVR109: 'S' answered ${JSON.stringify(softwareId)} instead of a 7-letter bootloader name`);
  }
  const softwareVersion = await client.softwareVersion();
  const blockSize = await client.blockSize();
  if (blockSize === undefined) {
    throw new LoaderError('unsupported', `bootloader ${softwareId} has no block mode ('b' answered no); ispkit needs it`);
  }
  if (blockSize < 2 || blockSize > MAX_BLOCK || (blockSize & (blockSize - 1)) !== 0) {
    throw new LoaderError('protocol', `bootloader ${softwareId} reports an impossible block size of ${blockSize} bytes`);
  }
  if (opts.expectedSignature) {
    const sig = await client.signature();
    if (sig.some((b, i) => b !== opts.expectedSignature![i])) {
      const fmt = (s: readonly number[]): string => s.map((b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new LoaderError('unsupported', `the bootloader reports chip signature ${fmt(sig)}, expected ${fmt(opts.expectedSignature)}: wrong board?`);
    }
  }

  const blocks = imageBlocks(image, blockSize, { skipBlank: true });
  const total = blocks.length * blockSize;
  await client.enterProgrammingMode();
  opts.onProgress?.({ phase: 'erase', done: 0, total: 1 });
  await client.chipErase();
  opts.onProgress?.({ phase: 'erase', done: 1, total: 1 });

  const writeOrder = [...blocks.filter((b) => b.address !== 0), ...blocks.filter((b) => b.address === 0)];
  let done = 0;
  opts.onProgress?.({ phase: 'write', done, total });
  for (const block of writeOrder) {
    await client.setAddress(block.address);
    await client.writeFlashBlock(block.data, block.address);
    done += blockSize;
    opts.onProgress?.({ phase: 'write', done, total });
  }

  done = 0;
  opts.onProgress?.({ phase: 'verify', done, total });
  for (const block of blocks) {
    await client.setAddress(block.address);
    const got = await client.readFlashBlock(blockSize, block.address);
    const i = block.data.findIndex((b, k) => got[k] !== b);
    if (i >= 0) {
      const at = block.address + i;
      throw new LoaderError(
        'verify-failed',
        `verify failed at ${hex(at)}: wrote ${hex(block.data[i]!, 2)}, read back ${hex(got[i]!, 2)}`,
        at,
      );
    }
    done += blockSize;
    opts.onProgress?.({ phase: 'verify', done, total });
  }

  await client.leaveProgrammingMode();
  await client.exitBootloader();
  return { softwareId, softwareVersion, blockSize, blocksWritten: blocks.length, bytesWritten: total };
}

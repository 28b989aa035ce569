/**
 * End to end: the firmware's cycle-timed SPI bursts (firmware/src/isp_burst.S), used for flash loads and reads at
 * the 2 MHz SCK of a 16 MHz target. The harness counts every SPDR write the programmer makes while a byte is still
 * shifting (the SPI ignores it and sets WCOL); its `slow-master:<cycles>` fault makes the programmer's own SPI that
 * much slower per byte than the datasheet's 8 x prescaler, as a chip could be. Each case must end with exactly the
 * right bytes on the target and in what the host read back.
 */
import { MemoryImage } from '@ispkit/ihex';
import { startSim, type Fault, type Sim } from '@ispkit/sim';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../test-support/run-cli.js';
import { differs, seeded, tempDir, writeHex } from './fixtures.js';

const MINUTE = 60_000;
const FAST_TARGET = 'DE:99:F3'; // CKDIV8 unprogrammed: 16 MHz, so the firmware runs SCK at 2 MHz
let dir: string;
let image: MemoryImage;
let path: string;
let sims: Sim[] = [];

async function sim(board: 'teensy2' | 'pro-micro', faults: Fault[] = [], flashImage?: MemoryImage): Promise<Sim> {
  const s = await startSim({ board, fuses: FAST_TARGET, faults, maxSimSeconds: 120, ...(flashImage ? { flashImage } : {}) });
  sims.push(s);
  return s;
}

beforeAll(() => {
  dir = tempDir('bursts');
  image = MemoryImage.fromBinary(seeded(6144, 7), 0x0100); // not page-aligned at either end
  path = writeHex(dir, 'firmware-6k.hex', image);
});

afterEach(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  sims = [];
});

describe.each(['teensy2', 'pro-micro'] as const)('cycle-timed SPI bursts on %s', (board) => {
  test('a datasheet-timed SPI: flash and verify without a single collision, exact data', async () => {
    const s = await sim(board);
    const r = await runCli(['flash', path, '--no-backup', '-P', s.port, '--json']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.find((e) => e.event === 'result')).toMatchObject({ data: { sck: 'SCK 2 MHz', verified: true } });
    expect(differs(image, await s.targetImage())).toBeUndefined();
    const stats = await s.stats();
    expect(stats.spiCollisions).toBe(0);
    expect(stats.violations).toMatchObject({ busy: 0, sckTooFast: 0 });
  }, 3 * MINUTE);

  test.each([
    // [fault, collisions]: one cycle slower is absorbed by one cycle of slack after the first collision; far slower
    // uses up the slack (one collision per cycle, 3 at most) and the rest goes polled after the fourth.
    ['slow-master:1', 1],
    ['slow-master:3', 3],
    ['slow-master:40', 4],
  ] as const)('an SPI slower than the datasheet (%s): %i collision(s), recovered, exact data', async (fault, collisions) => {
    const s = await sim(board, [fault]);
    const r = await runCli(['flash', path, '--no-backup', '-P', s.port]);
    expect(r.code, r.stderr).toBe(0);
    expect(differs(image, await s.targetImage())).toBeUndefined();
    expect((await s.stats()).spiCollisions).toBe(collisions);
  }, 3 * MINUTE);
});

describe('USB link events while bursts run (teensy2)', () => {
  // Fired after that many more programmer SPI bytes. The write phase alternates one page of loads (a 512-byte burst)
  // with ~460 bytes of RDY/BSY polls, so each of the first four lands in a burst about half the time; past ~48 000
  // bytes the verify reads run almost entirely in bursts.
  const cases = [
    ['reset', 10_000],
    ['set-config', 20_500],
    ['clear-halt:out', 31_000],
    ['reset', 41_500],
    ['reset', 52_000],
    ['set-config', 60_000],
    ['clear-halt:in', 68_000],
  ] as const;
  test.each(cases)('%s after %i more SPI bytes: a named error or exact data, nothing written after it, a fresh session works', async (event, bytes) => {
    const s = await sim('teensy2');
    const before = await s.stats();
    await s.usbEvent(`${event}@spi:+${bytes}`);
    const r = await runCli(['flash', path, '--no-backup', '-P', s.port]);
    const after = await s.stats();
    expect(after.usb.events, r.stderr).toBe(before.usb.events + 1);
    expect(after.usb.staleTargetWrites).toBe(0);
    if (r.code === 0) expect(differs(image, await s.targetImage())).toBeUndefined();
    else expect(r.stderr).toMatch(/^ispkit: error: /m);
    const fresh = await runCli(['info', '-P', s.port]);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect((await s.stats()).progEnabled).toBe(false);
  }, 3 * MINUTE);
});

describe('a collision in a read burst (teensy2)', () => {
  test('verify and read of a written chip come back exact after the first read burst collides', async () => {
    const s = await sim('teensy2', ['slow-master:1'], image);
    const v = await runCli(['verify', path, '-P', s.port]);
    expect(v.code, v.stderr).toBe(0);
    expect((await s.stats()).spiCollisions).toBe(1);
    const out = `${dir}/read-back.hex`;
    const r = await runCli(['read', 'flash', '-o', out, '-P', s.port]);
    expect(r.code, r.stderr).toBe(0);
    const again = await runCli(['verify', out, '-P', s.port]);
    expect(again.code, again.stderr).toBe(0);
  }, 3 * MINUTE);

  test('a byte that differs is still found at its address when reads collide', async () => {
    const changed = seeded(6144, 7);
    changed[0x345] = changed[0x345]! ^ 0x40; // flash address 0x0445
    const s = await sim('teensy2', ['slow-master:40'], MemoryImage.fromBinary(changed, 0x0100));
    const v = await runCli(['verify', path, '-P', s.port]);
    expect(v.code).toBe(5);
    expect(v.stderr).toMatch(/verify failed: 1 byte of flash differs, the first at 0x0445/);
    expect((await s.stats()).spiCollisions).toBe(4);
  }, 3 * MINUTE);
});

import { beforeAll, describe, expect, test } from 'vitest';
import { buildFixture, startHarness } from './harness.js';

/*
 * __fixtures__/spi-probe.c checks the SPI master model the firmware's cycle-timed bursts rely on (see the fixture
 * for the four checks). Without a fault all four hold and the one deliberate collision is counted; with
 * slow-master:1 (the programmer's SPI a cycle slower than 8 x prescaler) the write 64 cycles after the previous one
 * collides too, so the target never sees a whole programming enable and does not echo.
 */
describe('the programmer SPI master model (WCOL, SPIF clearing, receive buffer, byte time)', () => {
  let probe: string;
  beforeAll(() => {
    probe = buildFixture('spi-probe');
  }, 30000);

  async function run(fault?: string): Promise<{ port: number; collisions: number }> {
    // A 16 MHz target (CKDIV8 unprogrammed), so that 2 MHz SCK is within its limit.
    const args = ['run', '--firmware', probe, '--reset-pin', 'B0', '--fuses', 'DE:99:F3', '--no-usb', '--max-sim-seconds', '1'];
    if (fault) args.push('--fault', fault);
    const h = startHarness(args);
    const exit = await h.next('exit', 20000);
    expect(await h.exited).toBe(0);
    expect(exit.reason).toBe('firmware-halted');
    return { port: (exit.ispLines as { port: number }).port, collisions: exit.spiCollisions as number };
  }

  test('as the datasheet says: all four checks hold, one collision (the deliberate one)', async () => {
    expect(await run()).toEqual({ port: 0b1111, collisions: 1 });
  }, 30000);

  test('slow-master:1: a write 64 cycles after the last collides; flags and buffer behave the same', async () => {
    expect(await run('slow-master:1')).toEqual({ port: 0b0011, collisions: 2 });
  }, 30000);
});

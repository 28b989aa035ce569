import { beforeAll, describe, expect, test } from 'vitest';
import { buildFixture, startHarness } from './harness.js';

/*
 * __fixtures__/line-probe.c reads MISO with the pull-up on and RESET after releasing it, each once too early and
 * once after a settle time, and reports the four reads on the lines (see the fixture). The line model must not let
 * a pull-up lift a line at once, nor a clamp, nor a RESET that nothing is wired to.
 */
describe('ISP line levels the programmer reads as inputs', () => {
  let probe: string;
  beforeAll(() => {
    probe = buildFixture('line-probe');
  }, 30000);

  async function reads(fault?: string): Promise<number> {
    const args = ['run', '--firmware', probe, '--reset-pin', 'B0', '--no-usb', '--max-sim-seconds', '1'];
    if (fault) args.push('--fault', fault);
    const h = startHarness(args);
    const exit = await h.next('exit', 20000);
    expect(await h.exited).toBe(0);
    expect(exit.reason).toBe('firmware-halted');
    const lines = exit.ispLines as { ddr: number; port: number };
    expect(lines.ddr).toBe(0x0f);
    return lines.port;
  }

  test.each([
    // [fault, MISO early, MISO settled, RESET early, RESET settled]
    [undefined, 0, 1, 0, 1],
    ['sck-mosi-swapped', 0, 1, 0, 1],
    ['miso-open', 0, 1, 0, 1],
    ['reset-open', 0, 1, 0, 0],
    ['unpowered', 0, 0, 0, 0],
    ['no-target-low', 0, 0, 0, 1],
    ['no-target-high', 1, 1, 0, 1],
  ] as const)('%s', async (fault, misoEarly, miso, resetEarly, reset) => {
    expect(await reads(fault)).toBe(misoEarly | (miso << 1) | (resetEarly << 2) | (reset << 3));
  }, 30000);
});

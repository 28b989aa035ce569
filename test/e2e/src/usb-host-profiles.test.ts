import { afterAll, expect, test } from 'vitest';
import { startSim } from '@ispkit/sim';
import { fixtureDir, firstDifference, writeRandomHex } from './fixtures.js';
import { runIspkit } from './usb-events.js';

/*
 * Issue 10: the Windows (usbser) and macOS request orders — a port reset after the first descriptor read, the
 * configuration read with wLength 255, the device qualifier that a full-speed device must stall, the Microsoft OS
 * string, GET_STATUS, strings read with wLength 2 first — enumerate the committed hex with no wrongly answered
 * request, and a whole 32 KB flash goes through afterwards.
 */
const fx = fixtureDir('usb-profiles');
afterAll(() => fx.remove());

test.concurrent.each(['windows', 'macos'] as const)('%s host: zero conformance errors, then 32 KB flashed and verified', async (usbProfile) => {
  const { path, data } = writeRandomHex(fx.dir, `${usbProfile}-32k.hex`, 32768, usbProfile === 'windows' ? 0x3a : 0x3b);
  const sim = await startSim({ board: 'teensy2', usbProfile, fuses: 'DE:99:F3', maxSimSeconds: 600 });
  try {
    const enumerated = await sim.stats();
    expect(enumerated.usb.profile).toBe(usbProfile);
    expect(enumerated.usb.conformanceErrors, enumerated.usb.conformance.join('\n')).toBe(0);
    const run = await runIspkit(['-P', sim.port, 'flash', '--backup-dir', fx.dir, path], 120_000);
    expect(run.code, run.output).toBe(0);
    expect(firstDifference((await sim.targetImage()).read(0, 32768), data)).toBe('equal');
    const after = await sim.stats();
    expect(after.usb.conformanceErrors, after.usb.conformance.join('\n')).toBe(0);
    expect(after.usb.toggleDrops).toBe(0);
  } finally {
    await sim.stop();
  }
});

import { afterAll, expect, test } from 'vitest';
import { startSim, type Sim, type SimStats } from '@ispkit/sim';
import { fixtureDir } from './fixtures.js';
import { eepromBytes, eepromImage, expectDarkWhileSuspended, freshSession, writeEeprom } from './usb-events.js';

/*
 * Issue 10 item 8: on SUSPI the programmer freezes its USB clock and goes quiet — every LED of the board off — and
 * a session carries on after resume. The harness reads the board table's LED pins from the AVR's port registers
 * throughout. First a suspend inside a multi-page EEPROM write from the ispkit host: the status LED is steady on for
 * programming mode and the command goes on while suspended (the firmware used to keep both LEDs lit until the
 * command ended). The suspend is short (30 ms) because the client's own reply timeout runs on wall time while the
 * bus is suspended, which no real host does to an open port. Then a suspend of 1.5 s while idle, longer than the
 * heartbeat's 1 s period, waited out before the next session.
 */
const fx = fixtureDir('usb-suspend-leds');
afterAll(() => fx.remove());

const EEPROM_BYTES = 64;

/** Stats once the bus has resumed (the harness runs simulated time on its own while the bus is suspended). */
async function statsResumed(sim: Sim): Promise<SimStats> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const s = await sim.stats();
    if (!s.usb.suspended || Date.now() > deadline) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test.concurrent.each(['teensy2', 'pro-micro'] as const)('%s: every LED dark while suspended, mid-write and idle; sessions go on after resume', async (board) => {
  const sim = await startSim({ board, maxSimSeconds: 600 });
  try {
    const { path, data } = eepromImage(fx.dir, `${board}.hex`, EEPROM_BYTES, board === 'teensy2' ? 0x51 : 0x52);
    const before = await sim.stats();
    await sim.usbEvent('suspend:30@write:+2');
    const run = await writeEeprom('ispkit', sim.port, path);
    const after = await sim.stats();
    expect(after.usb.suspends, `${board}: the suspend ran during the write`).toBe(before.usb.suspends + 1);
    expectDarkWhileSuspended(`${board} mid-write`, before, after);
    expect(run.code, `${board}: the write goes on after resume:\n${run.output}`).toBe(0);
    expect(await eepromBytes(sim, EEPROM_BYTES), `${board}: exactly the data`).toEqual(data);

    const idle = await sim.stats();
    await sim.usbEvent('suspend:1500');
    const resumed = await statsResumed(sim);
    expect(resumed.usb.suspended, `${board}: the bus resumed`).toBe(false);
    expect(resumed.usb.suspends).toBe(idle.usb.suspends + 1);
    expect(resumed.simSeconds, 'the harness ran through the suspend').toBeGreaterThanOrEqual(idle.simSeconds + 1.5);
    for (const [role, led] of Object.entries(resumed.leds)) {
      expect(led.litWhileSuspendedMs - idle.leds[role]!.litWhileSuspendedMs, `${board}: ${role} LED lit during the idle suspend, ms`).toBe(0);
    }
    const fresh = await freshSession('ispkit', sim.port);
    expect(fresh.code, `${board}: a session after the idle suspend:\n${fresh.output}`).toBe(0);
    expect((await sim.stats()).usb.conformanceErrors).toBe(0);
  } finally {
    await sim.stop();
  }
});

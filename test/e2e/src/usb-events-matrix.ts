import { afterAll, expect, test } from 'vitest';
import { startSim, usbProfiles, type BoardId } from '@ispkit/sim';
import { fixtureDir } from './fixtures.js';
import {
  clients,
  eepromBytes,
  expectDarkWhileSuspended,
  eepromImage,
  freshSession,
  midSessionEvents,
  namedError,
  writeEeprom,
} from './usb-events.js';

const EEPROM_BYTES = 64; // 16 page writes of 9 ms: long enough for an event to land inside

/**
 * Every host profile × every mid-session event × both clients (avrdude and the ispkit host) on one board's committed
 * hex. Each case ends in a clean named error or exactly the right data, never in a success with wrong data; the
 * target is never written after the event before the host sends something new; a fresh session with the same client
 * then works without a replug; and the strict host found no wrongly answered request and no packet lost to a data
 * toggle.
 */
export function usbEventMatrix(board: BoardId): void {
  const fixtures = fixtureDir(`usb-${board}`);
  afterAll(() => fixtures.remove());

  // One harness per host profile, its 16 cases one after another in it (each case is a session of its own, and the
  // fresh session that follows it proves the next case starts clean); the three profiles run concurrently (most of
  // their wall time is the clients' own reply timeouts after an event, not simulation).
  test.concurrent.each(usbProfiles)(`${board}: %s host, every event × both clients during a long EEPROM write`, { timeout: 900_000 }, async (profile) => {
    const sim = await startSim({ board, usbProfile: profile, maxSimSeconds: 1200 });
    try {
      for (const event of midSessionEvents) {
        for (const client of clients) {
          const what = `${profile}/${client}/${event}`;
          const seed = midSessionEvents.indexOf(event) + (client === 'ispkit' ? 100 : 0) + usbProfiles.indexOf(profile) * 1000;
          const { path, data } = eepromImage(fixtures.dir, `${board}-${profile}-${client}-${event.replace(':', '-')}.hex`, EEPROM_BYTES, seed);
          const before = await sim.stats();
          await sim.usbEvent(`${event}@write:+3`);
          const run = await writeEeprom(client, sim.port, path);
          const after = await sim.stats();
          expect(after.usb.events, `${what}: the event ran during the write:\n${run.output}`).toBe(before.usb.events + 1);
          expect(after.usb.staleTargetWrites, `${what}: target writes after the event with no new host byte`).toBe(0);
          expect(after.usb.conformanceErrors, `${what}: ${after.usb.conformance.join('; ')}`).toBe(0);
          expect(after.usb.toggleDrops, `${what}: packets lost to a data toggle mismatch`).toBe(0);
          if (run.code === 0) expect(await eepromBytes(sim, EEPROM_BYTES), `${what}: success means exactly the data`).toEqual(data);
          else expect(run.output, `${what}: a named error`).toMatch(namedError[client]);
          if (event.startsWith('suspend')) {
            expect(run.code, `${what}: a session continues after resume:\n${run.output}`).toBe(0);
            expect(after.usb.suspends, `${what}: one suspend`).toBe(before.usb.suspends + 1);
            expectDarkWhileSuspended(what, before, after);
          }
          const fresh = await freshSession(client, sim.port);
          expect(fresh.code, `${what}: fresh session:\n${fresh.output}`).toBe(0);
          expect((await sim.stats()).progEnabled, `${what}: target released`).toBe(false);
        }
      }
    } finally {
      await sim.stop();
    }
  });
}

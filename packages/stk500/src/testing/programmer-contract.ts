import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ByteStream } from '../byte-stream.js';
import type { IspTarget } from '../isp-target.js';
import { IspSession } from '../isp-session.js';

/** A programmer with a target wired to it, reachable through `stream` (the fake, or the simulator's pty). */
export interface ContractSubject {
  stream: ByteStream;
  /** What is wired to the programmer. */
  target: IspTarget;
  close(): Promise<void>;
}

function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = (x >>> 16) & 0xff;
  }
  return out;
}

/**
 * The behaviour every programmer the host supports must show, as one suite that runs on the in-memory fake and on
 * the simulator harness pty alike. `open` gives a fresh programmer + target per test.
 */
export function programmerContract(name: string, open: () => Promise<ContractSubject>, options: { timeoutMs?: number } = {}): void {
  const timeout = options.timeoutMs ?? 5000;
  describe(`STK500v1 programmer contract: ${name}`, () => {
    let subject: ContractSubject;
    let session: IspSession;
    beforeEach(async () => {
      subject = await open();
      session = await IspSession.open(subject.stream);
    }, timeout);
    afterEach(async () => {
      await subject?.close();
    }, timeout);

    test('signs on as "AVR ISP" and reports ArduinoISP 1.18-compatible versions', () => {
      expect(session.info.signOn).toBe('AVR ISP');
      expect(session.info.swMajor).toBe(1);
      expect(session.info.swMinor).toBe(18);
      expect(session.info.maxBlock).toBeGreaterThanOrEqual(subject.target.flash.pageSize);
    }, timeout);

    test('enters programming mode and reads the target signature', async () => {
      await session.configure(subject.target);
      await session.enterProgmode();
      expect(Array.from(await session.readSignature())).toEqual(Array.from(subject.target.signature));
      await session.leaveProgmode();
    }, timeout);

    test('erases, writes two separate page runs and reads them back byte for byte', async () => {
      const t = subject.target;
      await session.configure(t);
      await session.enterProgmode();
      await session.chipErase(t);
      const first = pattern(t.flash.pageSize * 3, 1);
      const second = pattern(t.flash.pageSize, 2);
      const secondAt = t.flash.size - t.flash.pageSize * 2;
      const pages = [
        ...[0, 1, 2].map((i) => ({ address: i * t.flash.pageSize, data: first.slice(i * t.flash.pageSize, (i + 1) * t.flash.pageSize) })),
        { address: secondAt, data: second },
      ];
      await session.writeFlash(t, pages);
      expect(await session.readFlash(t, 0, first.length)).toEqual(first);
      expect(await session.readFlash(t, secondAt, second.length)).toEqual(second);
      expect(await session.readFlash(t, first.length, t.flash.pageSize)).toEqual(new Uint8Array(t.flash.pageSize).fill(0xff));
      await session.leaveProgmode();
    }, timeout);

    test('writes EEPROM bytes at the byte address given and reads them back', async () => {
      const t = subject.target;
      await session.configure(t);
      await session.enterProgmode();
      const data = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
      await session.writeEeprom(t, 0x10, data);
      expect(await session.readEeprom(t, 0x10, 8)).toEqual(data);
      expect(await session.readEeprom(t, 0x0c, 4)).toEqual(new Uint8Array(4).fill(0xff));
      await session.leaveProgmode();
    }, timeout);

    test('reads the fuses', async () => {
      await session.configure(subject.target);
      await session.enterProgmode();
      const fuses = await session.readFuses(subject.target);
      for (const v of [fuses.low, fuses.high, fuses.ext]) expect(v).toBeGreaterThanOrEqual(0);
      expect(fuses.high & 0x20).toBe(0); // SPIEN is programmed, or we could not be talking ISP
      await session.leaveProgmode();
    }, timeout);
  });
}

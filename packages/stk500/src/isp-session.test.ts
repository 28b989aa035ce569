import { describe, expect, test } from 'vitest';
import { Cmnd, Parm } from './constants.js';
import { NoTargetError, TargetBusyError } from './errors.js';
import { IspSession, TransferError, isNoTargetSignature } from './isp-session.js';
import { FakeProgrammer, FakeTarget, atmega32u4TestTarget, programmerContract } from './testing/index.js';

const target = atmega32u4TestTarget();
const noSleep = async (): Promise<void> => undefined;

programmerContract('in-memory fake, ispkit firmware', async () => {
  const fake = new FakeProgrammer({ flavor: 'ispkit', target: { fuses: { low: 0xde, high: 0x99, ext: 0xf3 } } });
  return { stream: fake.stream, target, close: () => fake.stream.close() };
});

programmerContract('in-memory fake, stock ArduinoISP', async () => {
  const fake = new FakeProgrammer({ flavor: 'arduinoisp' });
  return { stream: fake.stream, target, close: () => fake.stream.close() };
});

function pages(count: number, start = 0): { address: number; data: Uint8Array }[] {
  return Array.from({ length: count }, (_, i) => ({ address: start + i * 128, data: new Uint8Array(128).fill((i * 7 + 1) & 0xff) }));
}

async function openSession(fake: FakeProgrammer, options: { pipelineDepth?: number } = {}): Promise<IspSession> {
  const session = await IspSession.open(fake.stream, { sleep: noSleep, ...options });
  await session.configure(target);
  await session.enterProgmode();
  return session;
}

describe('IspSession against the ispkit flavour', () => {
  test('probes the extension: block size, SCK parameter, byte EEPROM addressing', async () => {
    const fake = new FakeProgrammer({ maxBlock: 512 });
    const session = await IspSession.open(fake.stream);
    expect(session.info).toMatchObject({ kind: 'ispkit', extVersion: 1, maxBlock: 512, canSetSck: true, sckDuration: 4, eepromAddressing: 'byte' });
  });

  test('writes in the largest blocks and keeps the next block in flight before the previous reply', async () => {
    const fake = new FakeProgrammer({ maxBlock: 256, progPageDelayMs: 5, target: { fuses: { low: 0xde, high: 0x99, ext: 0xf3 } } });
    const session = await openSession(fake);
    const seen: number[] = [];
    await session.writeFlash(target, pages(8), (done) => seen.push(done));
    expect(fake.stats.largestBlock).toBe(256);
    expect(fake.stats.maxQueuedFrames).toBe(2); // U + d of block k+1 arrived before block k's reply
    expect(seen).toEqual([0, 256, 512, 768, 1024]);
    expect(Array.from(fake.target.flash.subarray(0, 1024))).toEqual(pages(8).flatMap((p) => Array.from(p.data)));
  });

  test('pipelineDepth 1 waits for every reply before sending the next block', async () => {
    const fake = new FakeProgrammer({ maxBlock: 128, progPageDelayMs: 2 });
    const session = await openSession(fake, { pipelineDepth: 1 });
    await session.writeFlash(target, pages(3));
    expect(fake.stats.maxQueuedFrames).toBe(1);
  });

  test('a target that does not answer programming enable is NoTargetError', async () => {
    const fake = new FakeProgrammer({ target: { presence: 'absent-high' } });
    const session = await IspSession.open(fake.stream);
    await expect(session.enterProgmode()).rejects.toBeInstanceOf(NoTargetError);
  });

  test('SCK selection falls back to a slower clock when the signature reads wrong (CKDIV8 target)', async () => {
    const fake = new FakeProgrammer({ sckDuration: 4 }); // factory fuses: 2 MHz core
    const notes: string[] = [];
    const session = await IspSession.open(fake.stream, { onLog: (m) => notes.push(m) });
    await session.configure(target);
    await session.enterProgmode();
    const chosen = await session.selectSck([0, 1, 2, 4], target.signature);
    expect(chosen).toBe(4);
    expect(fake.sckDuration).toBe(4);
    expect(notes[0]).toMatch(/^SCK duration 0: signature read A5 A5 A5 \/ A5 A5 A5, trying a slower clock$/);
    expect(fake.stats.setParameters.map((p) => p.value)).toEqual([0, 1, 2, 4]);
  });

  test('chip erase waits for RDY/BSY, so nothing is sent while the target is busy', async () => {
    const fake = new FakeProgrammer({ target: { busyPolls: 3, fuses: { low: 0xde, high: 0x99, ext: 0xf3 } } });
    const session = await openSession(fake);
    fake.target.flash.fill(0);
    await session.chipErase(target);
    await session.writeFuse(target, 'high', 0xd8);
    expect(fake.target.flash.every((b) => b === 0xff)).toBe(true);
    expect(fake.target.fuses.high).toBe(0xd8);
    expect(fake.target.stats.busyViolations).toBe(0);
  });

  test('a target that stays busy is reported, not waited on forever', async () => {
    const fake = new FakeProgrammer({ target: { busyPolls: 1_000_000 } });
    const session = await openSession(fake);
    await expect(session.chipErase(target)).rejects.toBeInstanceOf(TargetBusyError);
  });

  test('unplugging mid-write fails fast with the block address and what was done', async () => {
    const fake = new FakeProgrammer({ disconnectAfterBytes: 2000, target: { fuses: { low: 0xde, high: 0x99, ext: 0xf3 } } });
    const session = await openSession(fake);
    const started = Date.now();
    const err = await session.writeFlash(target, pages(32)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransferError);
    expect((err as TransferError).code).toBe('closed');
    expect((err as TransferError).completedBytes).toBeLessThan(2000);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('reads flash in blocks and returns the target bytes', async () => {
    const fake = new FakeProgrammer({ maxBlock: 256, target: { fuses: { low: 0xde, high: 0x99, ext: 0xf3 } } });
    fake.target.flash.forEach((_, i, a) => (a[i] = (i * 31) & 0xff));
    const session = await openSession(fake);
    const bytes = await session.readFlash(target, 1000, 1000);
    expect(bytes).toEqual(fake.target.flash.slice(1000, 2000));
  });
});

describe('IspSession against stock ArduinoISP', () => {
  test('sends nothing ArduinoISP does not know and never exceeds its 256-byte buffer', async () => {
    const fake = new FakeProgrammer({ flavor: 'arduinoisp' });
    const session = await openSession(fake);
    expect(session.info).toMatchObject({ kind: 'arduinoisp', maxBlock: 256, canSetSck: false, eepromAddressing: 'word' });
    await session.writeFlash(target, pages(16));
    await expect(session.setSckDuration(0)).rejects.toThrow(/cannot change its SCK/);
    expect(fake.stats.commands).not.toContain(Cmnd.STK_SET_PARAMETER);
    expect(fake.stats.largestBlock).toBe(256);
    expect(fake.stats.bufferOverflows).toBe(0);
    expect(fake.stats.nosync + fake.stats.unknown).toBe(0);
  });

  test('EEPROM goes to the right byte address although ArduinoISP doubles the loaded address', async () => {
    const fake = new FakeProgrammer({ flavor: 'arduinoisp' });
    const session = await openSession(fake);
    await session.writeEeprom(target, 0x40, Uint8Array.from([9, 8, 7, 6]));
    expect(Array.from(fake.target.eeprom.subarray(0x40, 0x44))).toEqual([9, 8, 7, 6]);
    await expect(session.writeEeprom(target, 0x41, Uint8Array.of(1))).rejects.toThrow(/odd address/);
  });

  test('no target reads as an all-FF or all-00 signature', async () => {
    const fake = new FakeProgrammer({ flavor: 'arduinoisp', target: { presence: 'absent-low' } });
    const session = await openSession(fake); // stock P never fails
    const sig = await session.readSignature();
    expect(Array.from(sig)).toEqual([0, 0, 0]);
    expect(isNoTargetSignature(sig)).toBe(true);
    expect(isNoTargetSignature([0x1e, 0x95, 0x87])).toBe(false);
  });

  test('SCK parameter and the ispkit extension are never probed beyond A 0xE0', async () => {
    const fake = new FakeProgrammer({ flavor: 'arduinoisp' });
    await IspSession.open(fake.stream);
    expect(fake.stats.commands.filter((c) => c === Cmnd.STK_GET_PARAMETER).length).toBe(4);
    expect(Parm.Parm_STK_SCK_DURATION).toBe(0x89);
  });
});

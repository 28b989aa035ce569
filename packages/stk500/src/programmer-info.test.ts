import { describe, expect, test } from 'vitest';
import { IspkitLine } from './constants.js';
import { NoTargetError } from './errors.js';
import { IspSession } from './isp-session.js';
import { decodeIspLines, readEnableFailure } from './programmer-info.js';
import { FakeProgrammer, type FakeProgrammerOptions } from './testing/index.js';

describe('ISPKIT_LINES decoding', () => {
  test('one bit per line, RESET as "rises once released"', () => {
    expect(decodeIspLines(0x0f)).toEqual({ sck: true, mosi: true, miso: true, resetRises: true });
    expect(decodeIspLines(IspkitLine.SCK | IspkitLine.MOSI | IspkitLine.MISO)).toEqual({ sck: true, mosi: true, miso: true, resetRises: false });
    expect(decodeIspLines(IspkitLine.MISO)).toEqual({ sck: false, mosi: false, miso: true, resetRises: false });
    expect(decodeIspLines(0x00)).toEqual({ sck: false, mosi: false, miso: false, resetRises: false });
  });

  test('a programmer in programming mode did not measure', () => {
    expect(decodeIspLines(IspkitLine.NOT_MEASURED)).toBeUndefined();
  });
});

describe('readEnableFailure', () => {
  async function refused(options: FakeProgrammerOptions) {
    const fake = new FakeProgrammer(options);
    const session = await IspSession.open(fake.stream);
    await expect(session.enterProgmode()).rejects.toBeInstanceOf(NoTargetError);
    return { fake, session, facts: await readEnableFailure(session.client, session.info) };
  }

  test('extension v2: the echo the target sent and the lines measured afterwards', async () => {
    const low = await refused({ extVersion: 2, lines: 0x00, target: { presence: 'absent-low' } });
    expect(low.facts).toEqual({ echo: 0x00, lines: { sck: false, mosi: false, miso: false, resetRises: false } });
    const high = await refused({ extVersion: 2, lines: 0x07, target: { presence: 'absent-high' } });
    expect(high.facts).toEqual({ echo: 0xff, lines: { sck: true, mosi: true, miso: true, resetRises: false } });
    expect(high.fake.stats.commands.filter((c) => c === 0x41).length).toBeGreaterThanOrEqual(2);
  });

  test('extension v1 and stock ArduinoISP are not asked (their answers would be 0)', async () => {
    const v1 = await refused({ extVersion: 1, target: { presence: 'absent-low' } });
    expect(v1.facts).toBeUndefined();
    const fake = new FakeProgrammer({ flavor: 'arduinoisp', target: { presence: 'absent-low' } });
    const session = await IspSession.open(fake.stream);
    const before = fake.stats.commands.length;
    expect(await readEnableFailure(session.client, session.info)).toBeUndefined();
    expect(fake.stats.commands.length).toBe(before);
  });
});

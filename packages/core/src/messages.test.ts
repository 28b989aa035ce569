import { getPart } from '@ispkit/parts';
import { describe, expect, test } from 'vitest';
import { cliWords, frontEndWords, messages } from './messages.js';

const pageWords = frontEndWords({
  forceDangerousFuses: 'tick "Write dangerous fuses anyway" if you really mean it',
  choosePart: (id) => `choose ${id} as the part`,
  partControl: 'the Part menu',
  wiring: 'the wiring diagram',
  rerun: 'press Flash again',
});

describe('message catalogue', () => {
  test('the CLI words name its flags', () => {
    const e = messages.dangerousFuses([{ fuse: 'high', field: 'SPIEN', message: 'SPIEN unprogrammed disables serial programming' }], cliWords);
    expect([e.message, e.hint, e.exitCode, e.code]).toEqual([
      'refusing to write the high fuse: SPIEN unprogrammed disables serial programming',
      'if you really mean it, add --force-dangerous-fuses',
      6,
      'dangerous-fuses',
    ]);
    expect(messages.wrongSignature({ name: 'ATmega328P', id: 'atmega328p' }, '1E 95 0F', { name: 'ATmega32U4', signature: '1E 95 87' }, cliWords).hint).toBe(
      'if ATmega328P is right, use -p atmega328p; otherwise check which chip the programmer is wired to',
    );
  });

  test('another front end changes only the words for its controls, never what happened or the exit code', () => {
    const part = getPart('atmega32u4');
    const pairs = [
      [messages.outsideFlash('fw.hex', 0x9000, part, cliWords), messages.outsideFlash('fw.hex', 0x9000, part, pageWords)],
      [messages.noTarget('the signature reads 00 00 00', cliWords), messages.noTarget('the signature reads 00 00 00', pageWords)],
      [messages.disconnected('/dev/ttyACM0', 'writing flash', cliWords), messages.disconnected('/dev/ttyACM0', 'writing flash', pageWords)],
    ] as const;
    for (const [cli, page] of pairs) {
      expect(page.message).toBe(cli.message);
      expect(page.exitCode).toBe(cli.exitCode);
      expect(page.code).toBe(cli.code);
      expect(page.hint).not.toBe(cli.hint);
    }
    expect(pairs[0][1].hint).toBe('check the part (the Part menu) and that the file is built for it');
    expect(pairs[1][1].hint).toMatch(/^check the wiring \(the wiring diagram\)/);
    expect(pairs[2][1].hint).toBe('reconnect it and press Flash again');
  });

  test('verify mismatch counts and names the first address', () => {
    const one = messages.verifyMismatch('flash', { count: 1, first: 0x123, expected: 0x12, actual: 0x13 });
    expect(one.message).toBe('verify failed: 1 byte of flash differs, the first at 0x0123 (expected 12, read 13)');
    expect(messages.verifyMismatch('eeprom', { count: 3, first: 0x10, expected: 0, actual: 1 }).message).toMatch(/^verify failed: 3 bytes of eeprom differ, /);
  });
});

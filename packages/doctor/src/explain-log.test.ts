import { describe, expect, test } from 'vitest';
import { errorFamilies, explainLog, formatExplanation } from './explain-log.js';

/** Logs as the tools print them (shapes from the tools' sources and the logs users post). */
const logs: Record<string, string> = {
  'dfu-etimedout': [
    '>>> dfu-programmer atmega32u4 erase --force',
    'Erasing flash...  dfu.c:844: -ETIMEDOUT',
    'Error erasing chip.',
  ].join('\n'),
  'dfu-epipe': ['dfu-programmer atmega32u4 get bootloader-version', 'dfu.c:250: -EPIPE', 'Error (-2)'].join('\n'),
  'dfu-write-protected': [
    '>>> dfu-programmer atmega32u4 flash kb.hex',
    'Checking memory from 0x0 to 0x6FFF...  Empty.',
    'Device is write protected.',
    'Error while flashing.',
  ].join('\r\n'),
  'dfu-message-length': ['dfu-programmer atmega32u4 erase', 'Expected message length of 6, got -7.', 'Error erasing chip.'].join('\n'),
  'avrdude-not-in-sync': [
    'avrdude: stk500_getsync() attempt 1 of 10: not in sync: resp=0x00',
    'avrdude: stk500_getsync() attempt 2 of 10: not in sync: resp=0x00',
  ].join('\n'),
  'avrdude-not-responding': ['avrdude: stk500_recv(): programmer is not responding', 'avrdude done.  Thank you.'].join('\n'),
  'avrdude-invalid-signature': [
    'avrdude: Device signature = 0x3c2b0e',
    'avrdude: Expected signature for ATmega32U4 is 1E 95 87',
    'avrdude: Yikes!  Invalid device signature.',
    '         Double check connections and try again, or use -F to override',
  ].join('\n'),
  'avrdude-signature-zero': ['avrdude: AVR device initialized and ready to accept instructions', 'avrdude: Device signature = 0x000000'].join('\n'),
};

describe('each error family is recognised and gets its advice', () => {
  test.each(errorFamilies.map((f) => [f.id]))('%s', (id) => {
    const findings = explainLog(logs[id]!);
    const mine = findings.find((f) => f.family.id === id);
    expect(mine, `${id} in ${JSON.stringify(findings.map((f) => f.family.id))}`).toBeDefined();
    const lines = formatExplanation(findings);
    expect(lines.join('\n')).toContain(`${mine!.family.tool}: ${mine!.family.title}`);
    expect(lines.join('\n')).toContain(`  1. ${mine!.family.tryThis[0]}`);
  });
});

test('cheaper fixes come before ISP: write protection needs only an erase', () => {
  const [f] = explainLog(logs['dfu-write-protected']!);
  expect(f!.family.tryThis[0]).toMatch(/^erase, then flash/);
  expect(f!.family.tryThis.join(' ')).not.toContain('ispkit flash');
  const [t] = explainLog(logs['dfu-etimedout']!);
  expect(t!.family.tryThis.at(-1)).toMatch(/^only if it fails the same way every time/);
});

test('line numbers, repeat counts and the signature read are reported; CRLF logs work', () => {
  const sync = explainLog(logs['avrdude-not-in-sync']!);
  expect(sync).toHaveLength(1);
  expect(sync[0]).toMatchObject({ line: 1, count: 2 });
  const zero = explainLog(logs['avrdude-signature-zero']!);
  expect(zero[0]).toMatchObject({ line: 2, detail: 'signature read: 0x000000' });
  expect(explainLog(logs['dfu-write-protected']!)[0]).toMatchObject({ line: 3, text: 'Device is write protected.' });
  const yikes = explainLog(logs['avrdude-invalid-signature']!).map((f) => f.family.id);
  expect(yikes).toEqual(['avrdude-invalid-signature']);
});

test('nothing recognised says so and what to paste', () => {
  expect(explainLog('all good\nFlashing complete')).toEqual([]);
  expect(formatExplanation([])[0]).toBe('no dfu-programmer or avrdude error recognised in that text');
});

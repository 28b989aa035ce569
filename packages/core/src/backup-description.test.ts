import type { ChipBackup } from '@ispkit/ihex';
import { expect, test } from 'vitest';
import { describeBackup } from './backup-description.js';

function backup(eeprom: Uint8Array, flash = new Uint8Array(32768).fill(0xff)): ChipBackup {
  return {
    part: 'atmega32u4',
    partName: 'ATmega32U4',
    signature: [0x1e, 0x95, 0x87],
    date: '2026-12-04T03:00:00.000Z',
    tool: 'ispkit 0.1.0',
    flash,
    eeprom,
    fuses: { low: 0xff, high: 0xd8, ext: 0xfb },
    lock: 0xfe,
  };
}

test('names the part, signature, date and tool, how much of each memory is used, fuses and lock bits', () => {
  const flash = new Uint8Array(32768).fill(0xff);
  flash.fill(0x0c, 0, 3072);
  expect(describeBackup(backup(new Uint8Array(1024).fill(0xff), flash))).toEqual([
    'backup of ATmega32U4 (signature 1E 95 87) made 2026-12-04T03:00:00.000Z by ispkit 0.1.0; its checksums are good',
    'it holds 32 KB of flash (3 KB not blank), 1 KB of EEPROM (all blank), fuses low FF high D8 ext FB and lock bits FE',
  ]);
});

test("QMK's settings and the split handedness are shown when the EEPROM holds them", () => {
  const eeprom = new Uint8Array(1024).fill(0xff);
  eeprom.set([0xe7, 0xfe], 0);
  eeprom[14] = 0x01;
  const lines = describeBackup(backup(eeprom));
  expect(lines[1]).toContain('1 KB of EEPROM (3 B not blank)');
  expect(lines[2]).toBe('EEPROM: QMK settings (magic FEE7); split handedness left (byte 14 = 01)');
  eeprom[14] = 0x00;
  expect(describeBackup(backup(eeprom))[2]).toMatch(/split handedness right \(byte 14 = 00\)$/);
});

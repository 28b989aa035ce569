import { expect, test } from 'vitest';
import { diagnoseTarget } from './diagnose-target.js';
import type { DoctorReport } from './doctor-flow.js';
import { doctorReportLines, formatDoctorReport } from './doctor-report.js';
import { cliDoctorWords, type DoctorWords } from './doctor-words.js';

const refused = (sckHz: number) => ({ sckHz, entered: false, enableEcho: 0xff, signatures: [], fuses: [] });
const report = (words?: DoctorWords): DoctorReport => ({
  programmer: { kind: 'arduinoisp', description: 'ArduinoISP', signOn: 'AVR ISP', version: '1.18' },
  diagnosis: diagnoseTarget({ programmer: 'ispkit', attempts: [refused(250e3), refused(125e3)], lines: { sck: true, mosi: true, miso: true, resetRises: true } }, words),
  wiring: ['wiring (programmer → keyboard ISP header):', '  Teensy 2.0: B0 → RESET'],
});

test("the CLI's columns: verdicts in ok/FAIL, details indented under them, the wiring table as it is", () => {
  const lines = formatDoctorReport(report());
  expect(lines[0]).toBe('ok   programmer: ArduinoISP');
  expect(lines[1]).toMatch(/^ {5}note: not the ispkit firmware: .* so doctor reads the raw bytes; `ispkit programmer install` puts ours on it$/);
  expect(lines[2]).toBe('FAIL target: MISO is not connected: the keyboard is powered and its RESET is wired, but the programmer reads only FF');
  expect(lines).toContain('     most likely: MISO not connected (programmer MISO to keyboard MISO; MISO is not crossed like a UART)');
  expect(lines).toContain('     1. connect programmer MISO to keyboard MISO (MISO to MISO, not crossed like a UART), then run `ispkit doctor` again');
  expect(lines.slice(-2)).toEqual(['wiring (programmer → keyboard ISP header):', '  Teensy 2.0: B0 → RESET']);
  expect(formatDoctorReport(report(), cliDoctorWords)).toEqual(lines);
});

test("a front end's words replace the CLI's names, and the lines keep their kinds", () => {
  const words: DoctorWords = { ...cliDoctorWords, again: 'AGAIN', checker: 'CHECKER', install: 'INSTALL' };
  const lines = doctorReportLines(report(words), words);
  expect(lines.map((l) => l.kind)).toEqual(['ok', 'detail', 'fail', 'detail', 'detail', 'detail', 'detail', 'detail', 'wiring', 'wiring']);
  expect(lines[1]!.text).toMatch(/so CHECKER reads the raw bytes; INSTALL puts ours on it$/);
  expect(lines.find((l) => l.text.startsWith('1. '))!.text).toMatch(/, then AGAIN$/);
  expect(lines.map((l) => l.text).join('\n')).not.toContain('ispkit doctor');
});

import { cliDoctorWords, diagnoseTarget, diagnosisIds, formatDoctorReport, type SckAttempt, type TargetObservations } from '@ispkit/doctor';
import { wiringLines } from '@ispkit/core';
import { expect, test } from 'vitest';
import { pageDoctorWords } from './doctor-words.js';

const sig = [0x1e, 0x95, 0x87];
const factory = { low: 0x5e, high: 0x99, ext: 0xf3 };
const crystal = { low: 0xff, high: 0xd8, ext: 0xfb };
const at = (sckHz: number, over: Partial<SckAttempt> = {}): SckAttempt => ({ sckHz, entered: true, signatures: [sig, sig, sig], fuses: [factory, factory, factory], ...over });
const none = (sckHz: number, enableEcho?: number): SckAttempt => ({ sckHz, entered: false, signatures: [], fuses: [], ...(enableEcho !== undefined ? { enableEcho } : {}) });
const raw = (signatures: number[][], echo: number): TargetObservations => ({ programmer: 'arduinoisp', attempts: [at(166e3, { signatures, echo })] });
const v2 = (echo: number, sck: boolean, mosi: boolean, miso: boolean, resetRises: boolean): TargetObservations => ({
  programmer: 'ispkit',
  boardVoltage: 5,
  attempts: [none(250e3, echo), none(125e3, echo)],
  lines: { sck, mosi, miso, resetRises },
});

/** What the programmer and target can answer, at least one observation per diagnosis (several where the words differ). */
const observations: TargetObservations[] = [
  { programmer: 'ispkit', boardVoltage: 5, attempts: [at(250e3)] },
  { programmer: 'ispkit', attempts: [none(250e3), at(125e3)] },
  { programmer: 'ispkit', attempts: [none(250e3), at(125e3, { fuses: [crystal, crystal, crystal] })] },
  raw([[0x3d, 0x2b, 0x0e], [0x3d, 0x2b, 0x0e]], 0xaa),
  { programmer: 'ispkit', boardVoltage: 3.3, attempts: [at(250e3, { fuses: [crystal, crystal, crystal] })] },
  { programmer: 'ispkit', boardVoltage: 3.3, attempts: [at(250e3, { signatures: [sig, [0x1e, 0x95, 0x83], sig] })] },
  raw([sig, [0x1e, 0x95, 0x83], sig], 0x55),
  raw([[0, 0, 0]], 0),
  raw([[0xff, 0xff, 0xff]], 0xff),
  { programmer: 'ispkit', attempts: [none(250e3), none(125e3)] },
  v2(0x5a, true, true, true, true),
  v2(0x00, false, false, false, false),
  v2(0x00, true, true, true, true),
  v2(0xff, true, true, true, true),
  v2(0xff, true, true, true, false),
  raw([[0x12, 0x34, 0x56], [0x12, 0x34, 0x57], [0x12, 0x34, 0x56]], 0x55),
  raw([[0x12, 0x34, 0x56], [0x12, 0x34, 0x56]], 0x55),
];

/** A CLI command, a flag (`-B 8`, `--no-backup`, `-P`), a quoted command, or the tool's name. */
const CLI = /ispkit|--|-P\b|(^|\s)-[A-Za-z]\b|`/;

test('in the page words, no diagnosis names a CLI command, flag or the ispkit tool, for every DiagnosisId', () => {
  const seen = new Set<string>();
  for (const obs of observations) {
    const d = diagnoseTarget(obs, pageDoctorWords);
    seen.add(d.id);
    for (const text of [d.title, ...d.suspects, ...d.evidence, ...d.fix]) expect(text, d.id).not.toMatch(CLI);
    // the words reach the texts: a fix that asks to check again names the page's button
    if (d.fix.some((f) => / again$/.test(f))) expect(d.fix.join(' '), d.id).toContain('press "Check the wiring" again');
  }
  expect([...seen].sort()).toEqual([...diagnosisIds].sort());
});

test("the CLI's words are still the default, and differ where the page's do", () => {
  for (const obs of observations) {
    const cli = diagnoseTarget(obs);
    expect(diagnoseTarget(obs, cliDoctorWords)).toEqual(cli);
    const page = diagnoseTarget(obs, pageDoctorWords);
    expect([page.id, page.title.length > 0]).toEqual([cli.id, true]);
  }
  expect(diagnoseTarget({ programmer: 'ispkit', attempts: [none(250e3), none(125e3)] }).fix.join(' ')).toContain('`ispkit programmer install`');
});

test("the page's report of a stock ArduinoISP says what installs ours in the page's terms", () => {
  const diagnosis = diagnoseTarget(raw([[0, 0, 0]], 0), pageDoctorWords);
  const lines = formatDoctorReport(
    { programmer: { kind: 'arduinoisp', description: 'an ArduinoISP', signOn: 'AVR ISP', version: '1.18' }, diagnosis, wiring: wiringLines() },
    pageDoctorWords,
  );
  const note = lines.find((l) => l.includes('note:'));
  expect(note).toMatch(/so the wiring check reads the raw bytes; step 1 \(Make a programmer\) puts ours on it$/);
  for (const l of lines) expect(l).not.toMatch(/`|--|-P\b|ispkit (doctor|flash|programmer install)/);
  // every word the CLI has, the page has too (a new one must be worded for the page as well)
  expect(Object.keys(pageDoctorWords).sort()).toEqual(Object.keys(cliDoctorWords).sort());
});

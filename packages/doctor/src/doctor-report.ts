/**
 * What `ispkit doctor` shows for the programmer and target stages, as lines a front end renders its own way: the
 * CLI prints them with its "ok   " / "FAIL " / indent columns (formatDoctorReport), the web page puts each in its
 * log with the line's kind as its colour. The content (and its order) is decided here once.
 */
import type { DoctorReport } from './doctor-flow.js';
import { cliDoctorWords, type DoctorWords } from './doctor-words.js';

/** `ok`/`fail`: a stage's verdict; `detail`: evidence, suspects and fix under it; `wiring`: the wiring table. */
export type DoctorLineKind = 'ok' | 'fail' | 'detail' | 'wiring';

export interface DoctorLine {
  kind: DoctorLineKind;
  text: string;
}

/** The report's lines: the programmer, the target's verdict, what it answered, the wires most likely at fault, the fix. */
export function doctorReportLines(r: DoctorReport, words: DoctorWords = cliDoctorWords): DoctorLine[] {
  const p = r.programmer;
  const lines: DoctorLine[] = [
    { kind: 'ok', text: `programmer: ${p.description}${p.board ? `; board ${p.board.name}, drives the keyboard's RESET from ${p.board.resetPin}, ${p.board.voltage} V` : ''}` },
  ];
  if (p.kind !== 'ispkit') {
    lines.push({
      kind: 'detail',
      text: `note: not the ispkit firmware: it enters programming mode without checking the target's answer, so ${words.checker} reads the raw bytes; ${words.install} puts ours on it`,
    });
  }
  const d = r.diagnosis;
  lines.push({ kind: d.ok ? 'ok' : 'fail', text: `target: ${d.title}` });
  for (const e of d.evidence) lines.push({ kind: 'detail', text: e });
  if (!d.ok) {
    d.suspects.forEach((s, i) => lines.push({ kind: 'detail', text: `${i === 0 ? 'most likely' : 'or'}: ${s}` }));
    d.fix.forEach((f, i) => lines.push({ kind: 'detail', text: `${i + 1}. ${f}` }));
  }
  for (const w of r.wiring) lines.push({ kind: 'wiring', text: w });
  return lines;
}

const COLUMN: Record<DoctorLineKind, string> = { ok: 'ok   ', fail: 'FAIL ', detail: '     ', wiring: '' };

/** The lines `ispkit doctor` prints for the programmer and target stages. */
export function formatDoctorReport(r: DoctorReport, words: DoctorWords = cliDoctorWords): string[] {
  return doctorReportLines(r, words).map((l) => `${COLUMN[l.kind]}${l.text}`);
}

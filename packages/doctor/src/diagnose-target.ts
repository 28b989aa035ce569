/**
 * The wiring diagnosis: from what the target answered (programming-enable echo, signature and fuse reads, at one
 * or more SCK speeds) and, with an ispkit programmer, the raw levels of the ISP lines, the most likely fault and
 * what to do. Pure: observations in, one diagnosis out.
 *
 * What each fault looks like at the programmer (the simulator's target and line models behave the same, faults.h):
 * - target without power (VCC open): its pins' protection diodes clamp MISO, SCK and MOSI to its dead supply:
 *   everything reads 00, and the lines read low even with the programmer's pull-ups on;
 * - SCK and MOSI swapped: the target is clocked by MOSI and samples SCK, which is low at every MOSI edge, so it
 *   shifts out zeros: everything reads 00, like no power, but the lines read high (the pins are powered and
 *   tri-stated in reset);
 * - MISO open: the programmer's input floats high: everything reads FF; the lines read high and RESET, released,
 *   is lifted by the target's pull-up;
 * - RESET open: the target keeps running and never listens; its MISO is an input: everything reads FF, like MISO;
 *   but nothing lifts the released RESET line;
 * - SCK too fast for the target clock: bits arrive shifted; a slower SCK works;
 * - a 3.3 V programmer powering a target whose fuses run a crystal undivided (16 MHz on keyboards): out of the
 *   chip's speed grade (16 MHz needs 4.5 V), reads come back with flipped bits now and then.
 * An ispkit programmer refuses programming mode when the echo is wrong and reports no bytes; since extension v2
 * it reports the echo byte and the line levels instead (ISPKIT_LAST_ECHO, ISPKIT_LINES), which tell all four "no
 * answer" faults apart: lines low → power; echo 00, lines high → SCK/MOSI; echo FF, RESET stays low → RESET;
 * echo FF, RESET rises → MISO. A RESET with a large capacitor (far beyond AVR042's 4.7 nF) would also stay low,
 * so the RESET diagnosis still names MISO second. Anything else (a v1 programmer, lines that disagree) gets the
 * ranked list. An ArduinoISP-style programmer (stock sketch, QMK's ISP hex) enters regardless and lets the echo and
 * signature bytes tell 00 from FF.
 */
import { formatSignature, parts, type FuseValues } from '@ispkit/parts';
import type { IspLineLevels } from '@ispkit/stk500';
import { cliDoctorWords, type DoctorWords } from './doctor-words.js';

export interface SckAttempt {
  /** SCK in Hz (approximate). */
  sckHz: number;
  /** Programming mode accepted (ispkit: the target echoed 53). */
  entered: boolean;
  /** 4th reply byte of `AC 53 55 00` sent in programming mode: 55 from a target in sync (ArduinoISP-style only). */
  echo?: number;
  /** ispkit (extension v2), programming mode refused: third reply byte of the last `AC 53 00 00` (53 in sync). */
  enableEcho?: number;
  /** Signature reads (each 3 bytes), in order. */
  signatures: number[][];
  /** Fuse reads, in order. */
  fuses: FuseValues[];
}

export interface TargetObservations {
  /** 'ispkit' checks the echo itself; 'arduinoisp' (stock sketch, QMK ISP hex) does not. */
  programmer: 'ispkit' | 'arduinoisp';
  /** Supply of the programmer board (and so of a target it powers), when known. */
  boardVoltage?: number;
  /** Attempts, fastest SCK first; the flow stops at the first that gives a steady signature. */
  attempts: SckAttempt[];
  /** ispkit (extension v2): the ISP lines measured with the target held in reset after the last refusal. */
  lines?: IspLineLevels;
}

/** Every diagnosis there is (a front end that words them checks each). */
export const diagnosisIds = [
  'ok',
  'sck-too-fast',
  'supply-too-low',
  'unstable-reads',
  'reads-zero',
  'reads-ones',
  'no-answer',
  'no-power',
  'sck-mosi-swapped',
  'miso-open',
  'reset-open',
  'garbled',
  'unknown-chip',
] as const;

export type DiagnosisId = (typeof diagnosisIds)[number];

export interface Diagnosis {
  id: DiagnosisId;
  ok: boolean;
  /** One line: what is wrong (or that all is well). */
  title: string;
  /** The wires or conditions to check, most likely first. */
  suspects: string[];
  /** What the target answered, for people. */
  evidence: string[];
  /** What to do, in order. */
  fix: string[];
  /** Part found, when the signature was read. */
  part?: string;
  /** Majority signature and fuses, when read. */
  signature?: number[];
  fusesRead?: FuseValues;
}

const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
const sigText = (s: readonly number[]) => s.map(hex).join(' ');

function formatHzShort(hz: number): string {
  return hz >= 1e6 ? `${+(hz / 1e6).toFixed(2)} MHz` : `${+(hz / 1e3).toFixed(1)} kHz`;
}

function majority<T>(items: readonly T[], key: (t: T) => string): T | undefined {
  const counts = new Map<string, { n: number; item: T }>();
  for (const it of items) {
    const k = key(it);
    const c = counts.get(k) ?? { n: 0, item: it };
    c.n++;
    counts.set(k, c);
  }
  let best: { n: number; item: T } | undefined;
  for (const c of counts.values()) if (!best || c.n > best.n) best = c;
  return best?.item;
}

const allSame = (reads: number[][]) => reads.every((r) => sigText(r) === sigText(reads[0] ?? []));

/** A known signature shifted left or right by one bit across the three bytes. */
function shiftedKnown(sig: readonly number[]): string | undefined {
  const value = (sig[0]! << 16) | (sig[1]! << 8) | sig[2]!;
  for (const p of parts) {
    const v = (p.signature[0]! << 16) | (p.signature[1]! << 8) | p.signature[2]!;
    if (((v << 1) & 0xffffff) === value || (v >> 1) === value || ((v >> 1) | 0x800000) === value || (((v << 1) | 1) & 0xffffff) === value) {
      return p.name;
    }
  }
  return undefined;
}

/** Low fuse selects a crystal (CKSEL 1xxx on the U4 parts) and CKDIV8 is unprogrammed: the crystal runs undivided. */
function crystalUndivided(f: FuseValues): boolean {
  return (f.low & 0x80) !== 0 && (f.low & 0x08) !== 0;
}

const POWER = 'VCC/GND: the keyboard has no power (wire VCC and GND from the programmer, or plug in its own USB cable)';
const SWAP = 'SCK and MOSI swapped (programmer SCK must go to the keyboard SCK, MOSI to MOSI)';
const MISO = 'MISO not connected (programmer MISO to keyboard MISO; MISO is not crossed like a UART)';
const reset = (w: DoctorWords) => `RESET not connected (${w.resetPin} to the keyboard's RESET, not to the programmer's own RST)`;
const SLOW = 'SCK too fast for the keyboard\'s clock';

/** `words` name the front end's controls in the fix and suspect texts (default: the CLI's). */
export function diagnoseTarget(obs: TargetObservations, words: DoctorWords = cliDoctorWords): Diagnosis {
  const RESET = reset(words);
  const evidence: string[] = [];
  for (const a of obs.attempts) {
    const parts: string[] = [`at SCK ${formatHzShort(a.sckHz)}:`];
    parts.push(a.entered ? 'programming mode entered' : 'no programming-enable echo (AC 53)');
    if (a.echo !== undefined) parts.push(`echo ${hex(a.echo)}${a.echo === 0x55 ? ' (in sync)' : ' (expected 55)'}`);
    if (a.enableEcho !== undefined) parts.push(`(the target sent ${hex(a.enableEcho)} where 53 belongs)`);
    if (a.signatures.length) parts.push(`signature ${[...new Set(a.signatures.map(sigText))].join(' / ')}`);
    evidence.push(parts.join(' '));
  }
  if (obs.lines) evidence.push(linesText(obs.lines));
  const first = obs.attempts[0];
  const good = obs.attempts.find((a) => a.entered && a.signatures.length > 0 && allSame(a.signatures) && findPart(a.signatures[0]!));
  const base = { evidence };

  if (good) {
    const signature = good.signatures[0]!;
    const fusesRead = majority(good.fuses, (f) => `${f.low}:${f.high}:${f.ext}`);
    const partName = findPart(signature)!;
    const fusesSteady = good.fuses.every((f) => fusesRead && f.low === fusesRead.low && f.high === fusesRead.high && f.ext === fusesRead.ext);
    const found = { part: partName, signature, ...(fusesRead ? { fusesRead } : {}) };
    if (obs.boardVoltage !== undefined && obs.boardVoltage < 4.5 && fusesRead && crystalUndivided(fusesRead)) {
      return {
        ...base,
        ...found,
        id: 'supply-too-low',
        ok: false,
        title: `a ${obs.boardVoltage} V programmer is powering a keyboard whose fuses run its crystal undivided (16 MHz on keyboards): out of the chip's speed grade (16 MHz needs 4.5 V)${fusesSteady ? '' : '; the fuse reads already disagree'}`,
        suspects: ['the programmer board\'s supply voltage'],
        fix: [
          'use a 5 V programmer (Teensy 2.0 or a 5 V Pro Micro)',
          'or power the keyboard from its own USB cable and connect only GND, RESET, SCK, MOSI and MISO (not VCC) — only if the programmer tolerates 5 V on MISO (a 3.3 V Pro Micro does not without a level shifter)',
          `do not let ${words.flash} write at this voltage: writes may corrupt`,
        ],
      };
    }
    if (first && first !== good) {
      return {
        ...base,
        ...found,
        id: 'sck-too-fast',
        ok: false,
        title: `${SLOW}: it answers at ${formatHzShort(good.sckHz)} but not at ${formatHzShort(first.sckHz)}`,
        suspects: [SLOW],
        fix: [
          words.clockPicked(Math.ceil(1e6 / good.sckHz / 1.085)),
          fusesRead && (fusesRead.low & 0x80) === 0
            ? 'the fuses divide the clock by 8 (CKDIV8); a keyboard firmware normally clears it at start-up, ISP cannot'
            : 'the keyboard runs from a slow clock; check its crystal',
        ],
      };
    }
    return {
      ...base,
      ...found,
      id: 'ok',
      ok: true,
      title: `the wiring works: ${partName}, signature ${sigText(signature)}${fusesRead ? `, fuses ${hex(fusesRead.low)} ${hex(fusesRead.high)} ${hex(fusesRead.ext)}` : ''}`,
      suspects: [],
      fix: [],
    };
  }

  const entered = obs.attempts.filter((a) => a.entered && a.signatures.length > 0);
  const reads = entered.flatMap((a) => a.signatures);
  if (reads.length > 0) {
    const known = reads.map((r) => findPart(r)).filter(Boolean);
    if (known.length > 0 && known.length < reads.length) {
      const board3v3 = obs.boardVoltage !== undefined && obs.boardVoltage < 4.5;
      return {
        ...base,
        id: board3v3 ? 'supply-too-low' : 'unstable-reads',
        ok: false,
        title: board3v3
          ? `reads disagree from one try to the next and the programmer is a ${obs.boardVoltage} V board: the keyboard's clock is probably too fast for that supply`
          : 'the target answers, but reads disagree from one try to the next',
        suspects: board3v3 ? ['the programmer board\'s supply voltage'] : ['loose or long wires (keep them under 20 cm)', SLOW, 'a weak supply'],
        fix: board3v3 ? ['use a 5 V programmer, or power the keyboard from its own USB'] : ['reseat the six wires, shorten them, and try again; a slower SCK helps long wires'],
      };
    }
    const sig = majority(reads, sigText)!;
    const echoes = entered.map((a) => a.echo).filter((e): e is number => e !== undefined);
    if (sig.every((b) => b === 0x00) && echoes.every((e) => e === 0x00)) {
      return { ...base, id: 'reads-zero', ok: false, title: 'everything reads 00: the keyboard is not powered, or SCK and MOSI are swapped', suspects: [POWER, SWAP], fix: ['check power first (a LED on the keyboard, or its USB cable plugged in), then swap SCK and MOSI if they are crossed', `then ${words.again}`] };
    }
    if (sig.every((b) => b === 0xff) && echoes.every((e) => e === 0xff)) {
      return { ...base, id: 'reads-ones', ok: false, title: 'everything reads FF: MISO is not connected, or RESET does not reach the keyboard', suspects: [MISO, RESET], fix: ['check the MISO wire first, then the RESET wire', `then ${words.again}`] };
    }
    const shifted = shiftedKnown(sig);
    if (shifted) {
      return { ...base, id: 'sck-too-fast', ok: false, title: `the signature ${sigText(sig)} is ${shifted}'s shifted by one bit: ${SLOW}`, suspects: [SLOW], fix: [words.slowClock] };
    }
    if (!findPart(sig) && allSame(reads)) {
      return { ...base, id: 'unknown-chip', ok: false, title: `the target answers steadily with signature ${sigText(sig)}, which is no part ${words.knower} knows`, suspects: ['another chip than an ATmega32U4 on the pins'], fix: ['check which chip the keyboard has'] };
    }
    return { ...base, id: 'garbled', ok: false, title: `the target answers garbage (${sigText(sig)})`, suspects: [SWAP, SLOW, 'loose wires'], fix: [`check SCK and MOSI, reseat the wires, and ${words.again}`] };
  }

  // An ispkit programmer refused programming mode at every SCK: the echo byte and the line levels (v2) name the wire.
  const named = namedWire(obs, words);
  if (named) return { ...base, ...named, ok: false };
  return {
    ...base,
    id: 'no-answer',
    ok: false,
    title: `no answer to programming enable (AC 53) at any SCK down to ${formatHzShort(Math.min(...obs.attempts.map((a) => a.sckHz)))}`,
    suspects: [POWER, RESET, MISO, SWAP],
    fix: [
      `check the wires in this order: power (VCC/GND), RESET, MISO, then SCK and MOSI not swapped, against ${words.wiring}`,
      `then ${words.again}`,
      // an ispkit programmer that reported neither echo nor lines runs a firmware from before extension v2
      ...(obs.programmer === 'ispkit' && !obs.lines && obs.attempts.every((a) => a.enableEcho === undefined)
        ? [`this programmer's firmware is older than the one that lets ${words.checker} name the wire: ${words.install} updates it`]
        : []),
    ],
  };
}

function linesText(l: IspLineLevels): string {
  const level = (high: boolean) => (high ? 'high' : 'low');
  return `lines with the keyboard held in reset: SCK ${level(l.sck)}, MOSI ${level(l.mosi)}, MISO ${level(l.miso)} (with pull-ups); `
    + `RESET ${l.resetRises ? 'rises' : 'stays low'} when released`;
}

/** The one echo byte every refused attempt reported, if they agree. */
function commonEnableEcho(attempts: readonly SckAttempt[]): number | undefined {
  const echoes = attempts.map((a) => a.enableEcho);
  const e = echoes[0];
  return e !== undefined && echoes.every((x) => x === e) ? e : undefined;
}

/** An ispkit v2 programmer's refusal: the fault its echo byte and line levels point at, when they agree on one. */
function namedWire(obs: TargetObservations, words: DoctorWords): Omit<Diagnosis, 'ok' | 'evidence'> | undefined {
  const l = obs.lines;
  if (!l) return undefined;
  const echo = commonEnableEcho(obs.attempts);
  if (!l.sck && !l.mosi && !l.miso && !l.resetRises && (echo === undefined || echo === 0x00)) {
    return {
      id: 'no-power',
      title: 'the keyboard is not powered: SCK, MOSI and MISO read low even with the programmer\'s pull-ups (its pins clamp them to a dead supply)',
      suspects: [POWER],
      fix: [`wire VCC and GND from the programmer (or plug in the keyboard\'s own USB cable, but not both), then ${words.again}`],
    };
  }
  if (!(l.sck && l.mosi && l.miso)) return undefined;
  if (echo === 0x00 && l.resetRises) {
    return {
      id: 'sck-mosi-swapped',
      title: 'SCK and MOSI are swapped: the keyboard is powered and its lines are free, but it answers programming enable with 00',
      suspects: [SWAP],
      fix: [`swap the SCK and MOSI wires at one end (programmer SCK to keyboard SCK, MOSI to MOSI), then ${words.again}`],
    };
  }
  if (echo === 0xff && !l.resetRises) {
    return {
      id: 'reset-open',
      title: 'RESET does not reach the keyboard: nothing pulls the RESET line up when the programmer lets go, and the keyboard never answers (FF)',
      suspects: [reset(words), MISO],
      fix: [`connect ${words.resetPin} to the keyboard's RESET (not to the programmer's own RST), then ${words.again}`],
    };
  }
  if (echo === 0xff && l.resetRises) {
    return {
      id: 'miso-open',
      title: 'MISO is not connected: the keyboard is powered and its RESET is wired, but the programmer reads only FF',
      suspects: [MISO],
      fix: [`connect programmer MISO to keyboard MISO (MISO to MISO, not crossed like a UART), then ${words.again}`],
    };
  }
  return undefined;
}

/** The part with this signature, by name. */
export function findPart(sig: readonly number[]): string | undefined {
  const p = parts.find((x) => x.signature.every((b, i) => b === sig[i]));
  return p ? p.name : undefined;
}

export function formatSig(sig: readonly number[]): string {
  return formatSignature(new Uint8Array(sig));
}

/**
 * `ispkit doctor`'s talk with the programmer and the target, free of I/O beyond the ByteStream the front end
 * opened: sign on, say which programmer it is (ours, QMK's ISP hex, another ArduinoISP) and which RESET pin it
 * drives, then probe the target at a fast and a slow SCK and hand the observations to diagnoseTarget. When an
 * ispkit programmer (extension v2) refuses programming mode, its echo byte and line levels go with them.
 */
import { boards, pinLabel, type BoardDefinition } from '@ispkit/boards';
import { SAFE_SCK_DURATION, SLOW_SCK_DURATION, boardByCode, connect, say, targetFromPart, wiringLines, type FlowContext, type ProgrammerLink } from '@ispkit/core';
import { getPart, type FuseValues } from '@ispkit/parts';
import { IspkitParm, NoTargetError, describeProgrammer, ispkitSckHz, readEnableFailure, type IspLineLevels, type IspSession } from '@ispkit/stk500';
import { diagnoseTarget, type Diagnosis, type SckAttempt } from './diagnose-target.js';
import type { DoctorWords } from './doctor-words.js';

/**
 * SCK durations tried, fastest first: the 250 kHz every session starts with, then the programmer's slowest
 * hardware SPI rate, 125 kHz (enough for a target on the 8 MHz RC divided by 8, 1 MHz).
 */
export const DOCTOR_SCK_DURATIONS = [SAFE_SCK_DURATION, SLOW_SCK_DURATION] as const;
/** Signature and fuse reads per attempt (a flaky link disagrees within three). */
export const DOCTOR_READS = 3;

/** QMK's prebuilt ISP hex files and ispkit both enumerate as 16C0:0483; only ispkit answers its extension. */
export const QMK_ISP_USB = { vid: 0x16c0, pid: 0x0483 } as const;

export interface DoctorFlowOptions {
  /** USB id of the port, when the front end knows it (tells QMK's ISP hex from other ArduinoISPs). */
  usb?: { vid: number; pid: number };
  /** The front end's words in the diagnosis (default: the CLI's). */
  words?: DoctorWords;
}

export interface ProgrammerFacts {
  kind: 'ispkit' | 'qmk-isp' | 'arduinoisp';
  description: string;
  signOn: string;
  version: string;
  board?: { id: string; name: string; voltage: number; resetPin: string };
}

export interface DoctorReport {
  programmer: ProgrammerFacts;
  diagnosis: Diagnosis;
  /** The wiring table for the programmer's board (all boards when unknown). */
  wiring: string[];
}

async function readThree(session: IspSession, op: (i: number) => number[]): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < 3; i++) out.push(await session.client.universal(op(i)));
  return out;
}

interface Probe {
  attempt: SckAttempt;
  /** ispkit v2, programming mode refused: the lines measured right after. */
  lines?: IspLineLevels;
}

async function probeAt(session: IspSession, sckHz: number): Promise<Probe> {
  const attempt: SckAttempt = { sckHz, entered: false, signatures: [], fuses: [] };
  try {
    await session.enterProgmode();
  } catch (err) {
    if (!(err instanceof NoTargetError)) throw err;
    // an ispkit programmer (extension v2) says what the target sent instead of 53, and how its lines read
    const facts = await readEnableFailure(session.client, session.info);
    if (!facts) return { attempt };
    attempt.enableEcho = facts.echo;
    return { attempt, ...(facts.lines ? { lines: facts.lines } : {}) };
  }
  attempt.entered = true;
  if (session.info.kind !== 'ispkit') attempt.echo = await session.client.universal([0xac, 0x53, 0x55, 0x00]);
  for (let r = 0; r < DOCTOR_READS; r++) attempt.signatures.push(await readThree(session, (i) => [0x30, 0x00, i, 0x00]));
  for (let r = 0; r < DOCTOR_READS; r++) {
    const [low, high, ext] = [
      await session.client.universal([0x50, 0x00, 0x00, 0x00]),
      await session.client.universal([0x58, 0x08, 0x00, 0x00]),
      await session.client.universal([0x50, 0x08, 0x00, 0x00]),
    ] as [number, number, number];
    attempt.fuses.push({ low, high, ext } satisfies FuseValues);
  }
  await session.leaveProgmode();
  return { attempt };
}

function boardFacts(b: BoardDefinition): NonNullable<ProgrammerFacts['board']> {
  const label = pinLabel(b, b.targetReset);
  return { id: b.id, name: b.name, voltage: b.voltage, resetPin: label === b.targetReset ? b.targetReset : `${label} (${b.targetReset})` };
}

/** Connect, identify the programmer, probe the target, diagnose. Throws (IspkitError) only when the programmer fails. */
export async function doctorFlow(ctx: FlowContext, link: ProgrammerLink, options: DoctorFlowOptions = {}): Promise<DoctorReport> {
  const conn = await connect(ctx, link);
  const { session } = conn;
  const info = session.info;
  let board: BoardDefinition | undefined;
  if (info.kind === 'ispkit') board = boardByCode(await session.client.getParameter(IspkitParm.ISPKIT_BOARD));
  const qmk = info.kind !== 'ispkit' && options.usb?.vid === QMK_ISP_USB.vid && options.usb.pid === QMK_ISP_USB.pid;
  const programmer: ProgrammerFacts = {
    kind: info.kind === 'ispkit' ? 'ispkit' : qmk ? 'qmk-isp' : 'arduinoisp',
    description: qmk ? `QMK's ISP hex (an ArduinoISP build; sign-on "${info.signOn}", version ${info.swMajor}.${info.swMinor})` : describeProgrammer(info),
    signOn: info.signOn,
    version: `${info.swMajor}.${info.swMinor}`,
    ...(board ? { board: boardFacts(board) } : {}),
  };
  say.step(ctx, 'identify', 'probing the target');
  await session.configure(targetFromPart(getPart('atmega32u4')));
  const attempts: SckAttempt[] = [];
  let lines: IspLineLevels | undefined;
  if (info.canSetSck) {
    for (const d of DOCTOR_SCK_DURATIONS) {
      await session.setSckDuration(d);
      const probe = await probeAt(session, ispkitSckHz(d));
      const a = probe.attempt;
      lines = probe.lines;
      attempts.push(a);
      say.notice(ctx, `SCK ${Math.round(a.sckHz)} Hz: ${a.entered ? `signature ${a.signatures.map((s) => s.map((b) => b.toString(16).padStart(2, '0')).join('')).join(' ')}` : 'no echo'}`);
      if (a.entered && a.signatures.every((s) => s.join() === a.signatures[0]!.join())) break;
    }
  } else {
    // a stock ArduinoISP runs SPI at about 1 MHz / 6 (its SPI_CLOCK) and cannot change it
    attempts.push((await probeAt(session, 1e6 / 6)).attempt);
  }
  const diagnosis = diagnoseTarget({
    programmer: info.kind === 'ispkit' ? 'ispkit' : 'arduinoisp',
    ...(board ? { boardVoltage: board.voltage } : {}),
    attempts,
    ...(lines && !attempts.some((a) => a.entered) ? { lines } : {}),
  }, options.words);
  return { programmer, diagnosis, wiring: wiringLines(board ? [board] : boards) };
}

import { findPartBySignature, formatSignature, getPart, type FuseValues, type Part } from '@ispkit/parts';
import { IspkitParm, NoTargetError, formatHz, hexBytes, ispkitSckHz, isNoTargetSignature, type IspSession, type IspTarget } from '@ispkit/stk500';
import { CliError, ExitCode } from '../cli-error.js';
import type { RunContext } from '../command.js';
import type { ClockPlan } from './clock-plan.js';
import { programmerError, type Connection } from './connect.js';
import { targetFromPart } from './part-target.js';
import { boardByCode, wiringLines } from './wiring.js';

/** SCK duration every session starts with: 250 kHz, safe for a factory-fused (2 MHz) target. */
export const SAFE_SCK_DURATION = 4;
/** Slower still, for targets on the 8 MHz RC oscillator divided by 8. */
export const SLOW_SCK_DURATION = 5;

export interface TargetHandle {
  conn: Connection;
  session: IspSession;
  part: Part;
  target: IspTarget;
  signature: Uint8Array;
  /** Human description of the SCK in use. */
  sck: string;
}

async function noTarget(ctx: RunContext, conn: Connection, what: string): Promise<CliError> {
  let board;
  if (conn.session.info.kind === 'ispkit') {
    try {
      board = boardByCode(await conn.session.client.getParameter(IspkitParm.ISPKIT_BOARD));
    } catch {
      board = undefined;
    }
  }
  for (const line of wiringLines(board ? [board] : undefined)) ctx.out.info(line);
  return new CliError(`no target answered: ${what}`, {
    exitCode: ExitCode.TARGET,
    code: 'no-target',
    hint: 'check the wiring (table above), that the keyboard is powered (VCC and GND connected), and that nothing else drives RESET',
  });
}

/**
 * Enter programming mode at a safe SCK, read the signature and settle the part: `-p` must match what is found;
 * without `-p` the signature decides. Wrong chip, no chip and unknown chip are exit code 4.
 */
export async function openTarget(ctx: RunContext, conn: Connection): Promise<TargetHandle> {
  const { session } = conn;
  const wanted = ctx.global.part ? getPart(ctx.global.part) : undefined;
  const guess = wanted ?? getPart('atmega32u4');
  let signature: Uint8Array;
  let sckDuration: number | undefined;
  try {
    if (session.info.canSetSck) {
      sckDuration = SAFE_SCK_DURATION;
      await session.setSckDuration(sckDuration);
    }
    await session.configure(targetFromPart(guess));
    try {
      await session.enterProgmode();
    } catch (err) {
      if (!(err instanceof NoTargetError) || !session.info.canSetSck) throw err;
      // a target on the 8 MHz RC /8 needs an even slower clock
      ctx.out.notice(`no answer at ${formatHz(ispkitSckHz(SAFE_SCK_DURATION))}; retrying at ${formatHz(ispkitSckHz(SLOW_SCK_DURATION))}`);
      sckDuration = SLOW_SCK_DURATION;
      await session.setSckDuration(sckDuration);
      await session.enterProgmode();
    }
    signature = await session.readSignature();
  } catch (err) {
    if (err instanceof NoTargetError) throw await noTarget(ctx, conn, 'the programmer could not enter programming mode (no AC 53 echo)');
    throw programmerError(conn.path, err, 'entering programming mode');
  }
  if (isNoTargetSignature(signature)) {
    throw await noTarget(ctx, conn, `the signature reads ${hexBytes(signature)}`);
  }
  const found = findPartBySignature(signature);
  if (wanted && formatSignature(signature) !== formatSignature(wanted.signature)) {
    throw new CliError(`found ${found ? `${found.name} (${formatSignature(signature)})` : `an unknown chip (signature ${formatSignature(signature)})`}, expected ${wanted.name} (${formatSignature(wanted.signature)})`, {
      exitCode: ExitCode.TARGET,
      code: 'wrong-signature',
      hint: found ? `if ${found.name} is right, use -p ${found.id}; otherwise check which chip the programmer is wired to` : 'check the wiring; a flaky connection also garbles the signature',
      details: { signature: formatSignature(signature), expected: formatSignature(wanted.signature) },
    });
  }
  if (!found) {
    throw new CliError(`the target's signature ${formatSignature(signature)} is not a part ispkit knows`, {
      exitCode: ExitCode.TARGET,
      code: 'unknown-signature',
      hint: 'check the wiring (a flaky connection garbles the signature); ispkit knows: atmega32u4, atmega16u4, at90usb646, at90usb1286, atmega328p, atmega2560',
    });
  }
  const part = found;
  const target = targetFromPart(part);
  try {
    if (part.id !== guess.id) await session.configure(target);
  } catch (err) {
    throw programmerError(conn.path, err, 'configuring the programmer');
  }
  const sck = sckDuration === undefined ? 'programmer default SCK' : `SCK ${formatHz(ispkitSckHz(sckDuration))}`;
  ctx.out.info(`target: ${part.name} (signature ${formatSignature(signature)}) on ${conn.path}, ${sck}`);
  return { conn, session, part, target, signature, sck };
}

export async function readFuses(t: TargetHandle): Promise<FuseValues> {
  try {
    return await t.session.readFuses(t.target);
  } catch (err) {
    throw programmerError(t.conn.path, err, 'reading fuses');
  }
}

/**
 * Switch to the fastest SCK the plan allows, verified by reading the signature; slower candidates on failure.
 * (The CKDIV8 step, if planned, must already have been done.)
 */
export async function applySpeed(ctx: RunContext, t: TargetHandle, plan: ClockPlan): Promise<void> {
  if (plan.candidates.length === 0) return;
  try {
    const chosen = await t.session.selectSck(plan.candidates, t.part.signature);
    t.sck = `SCK ${formatHz(ispkitSckHz(chosen))}`;
    ctx.out.notice(`programming at ${t.sck}`);
  } catch (err) {
    if (err instanceof NoTargetError) {
      // fall back to the safe clock rather than fail: it worked for the signature
      await t.session.setSckDuration(SAFE_SCK_DURATION);
      ctx.out.warning(`no faster SCK read the signature right; staying at ${formatHz(ispkitSckHz(SAFE_SCK_DURATION))}`);
      return;
    }
    throw programmerError(t.conn.path, err, 'choosing the SCK speed');
  }
}

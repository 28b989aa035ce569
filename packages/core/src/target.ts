import { findPartBySignature, formatSignature, getPart, parts, type FuseValues, type Part } from '@ispkit/parts';
import { IspkitParm, NoTargetError, formatHz, hexBytes, ispkitSckHz, isNoTargetSignature, type IspSession, type IspTarget } from '@ispkit/stk500';
import { planClock, type ClockPlan } from './clock-plan.js';
import type { IspkitError } from './errors.js';
import { say, wordsOf, type FlowContext } from './events.js';
import { messages, type FrontEndWords } from './messages.js';
import { connect, programmerError, type Connection, type ProgrammerLink } from './link.js';
import { targetFromPart } from './part-target.js';
import { boardByCode, wiringLines } from './wiring.js';

/** SCK duration every session starts with: 250 kHz, safe for a factory-fused (2 MHz) target. */
export const SAFE_SCK_DURATION = 4;
/** Slower still, for targets on the 8 MHz RC oscillator divided by 8. */
export const SLOW_SCK_DURATION = 5;

/** A target in programming mode, identified. */
export interface TargetHandle {
  conn: Connection;
  session: IspSession;
  part: Part;
  target: IspTarget;
  signature: Uint8Array;
  /** Human description of the SCK in use. */
  sck: string;
  /** The front end's words for hints. */
  words: FrontEndWords;
}

export interface TargetOptions {
  /** The part the user expects (`-p`); the signature must match it. Without it the signature decides. */
  part?: string;
}

async function noTarget(ctx: FlowContext, conn: Connection, what: string): Promise<IspkitError> {
  let board;
  if (conn.session.info.kind === 'ispkit') {
    try {
      board = boardByCode(await conn.session.client.getParameter(IspkitParm.ISPKIT_BOARD));
    } catch {
      board = undefined;
    }
  }
  for (const line of wiringLines(board ? [board] : undefined)) say.info(ctx, line);
  return messages.noTarget(what, wordsOf(ctx));
}

/**
 * Enter programming mode at a safe SCK, read the signature and settle the part: `part` must match what is found;
 * without it the signature decides. Wrong chip, no chip and unknown chip are exit code 4.
 */
export async function openTarget(ctx: FlowContext, conn: Connection, options: TargetOptions = {}): Promise<TargetHandle> {
  const { session } = conn;
  const path = conn.link.path;
  const wanted = options.part ? getPart(options.part) : undefined;
  const guess = wanted ?? getPart('atmega32u4');
  say.step(ctx, 'identify', 'reading the target signature');
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
      say.notice(ctx, `no answer at ${formatHz(ispkitSckHz(SAFE_SCK_DURATION))}; retrying at ${formatHz(ispkitSckHz(SLOW_SCK_DURATION))}`);
      sckDuration = SLOW_SCK_DURATION;
      await session.setSckDuration(sckDuration);
      await session.enterProgmode();
    }
    signature = await session.readSignature();
  } catch (err) {
    if (err instanceof NoTargetError) throw await noTarget(ctx, conn, 'the programmer could not enter programming mode (no AC 53 echo)');
    throw programmerError(path, err, 'entering programming mode', wordsOf(ctx));
  }
  if (isNoTargetSignature(signature)) {
    throw await noTarget(ctx, conn, `the signature reads ${hexBytes(signature)}`);
  }
  const found = findPartBySignature(signature);
  if (wanted && formatSignature(signature) !== formatSignature(wanted.signature)) {
    throw messages.wrongSignature(found, formatSignature(signature), { name: wanted.name, signature: formatSignature(wanted.signature) }, wordsOf(ctx));
  }
  if (!found) {
    throw messages.unknownSignature(formatSignature(signature), parts.map((p) => p.id));
  }
  const part = found;
  const target = targetFromPart(part);
  try {
    if (part.id !== guess.id) await session.configure(target);
  } catch (err) {
    throw programmerError(path, err, 'configuring the programmer', wordsOf(ctx));
  }
  const sck = sckDuration === undefined ? 'programmer default SCK' : `SCK ${formatHz(ispkitSckHz(sckDuration))}`;
  say.info(ctx, `target: ${part.name} (signature ${formatSignature(signature)}) on ${path}, ${sck}`);
  return { conn, session, part, target, signature, sck, words: wordsOf(ctx) };
}

/**
 * Connect, enter programming mode, run `fn`, then leave programming mode (the target runs again). The front end
 * opened the link and closes it afterwards, whatever happens.
 */
export async function withTarget<T>(ctx: FlowContext, link: ProgrammerLink, options: TargetOptions, fn: (t: TargetHandle) => Promise<T>): Promise<T> {
  const conn = await connect(ctx, link);
  const t = await openTarget(ctx, conn, options);
  const result = await fn(t);
  try {
    await t.session.leaveProgmode();
  } catch (err) {
    throw programmerError(link.path, err, 'leaving programming mode', wordsOf(ctx));
  }
  return result;
}

export async function readFuses(t: TargetHandle): Promise<FuseValues> {
  try {
    return await t.session.readFuses(t.target);
  } catch (err) {
    throw programmerError(t.conn.link.path, err, 'reading fuses', t.words);
  }
}

/**
 * Switch to the fastest SCK the plan allows, verified by reading the signature; slower candidates on failure.
 * (The CKDIV8 step, if planned, must already have been done.)
 */
export async function applySpeed(ctx: FlowContext, t: TargetHandle, plan: ClockPlan): Promise<void> {
  if (plan.candidates.length === 0) return;
  try {
    const chosen = await t.session.selectSck(plan.candidates, t.part.signature);
    t.sck = `SCK ${formatHz(ispkitSckHz(chosen))}`;
    say.notice(ctx, `programming at ${t.sck}`);
  } catch (err) {
    if (err instanceof NoTargetError) {
      // fall back to the safe clock rather than fail: it worked for the signature
      await t.session.setSckDuration(SAFE_SCK_DURATION);
      say.warning(ctx, `no faster SCK read the signature right; staying at ${formatHz(ispkitSckHz(SAFE_SCK_DURATION))}`);
      return;
    }
    throw programmerError(t.conn.link.path, err, 'choosing the SCK speed', wordsOf(ctx));
  }
}

/** For flows that do not change fuses: read them at the safe SCK, then go as fast as the target's clock allows. */
export async function speedUpWithoutFuseChanges(ctx: FlowContext, t: TargetHandle): Promise<FuseValues> {
  const fuses = await readFuses(t);
  const plan = planClock(t.part, fuses, t.session.info, { allowCkdiv8Trick: false });
  say.step(ctx, 'speed', 'choosing the SCK speed');
  say.notice(ctx, `speed: ${plan.explanation}`);
  await applySpeed(ctx, t, plan);
  return fuses;
}

/**
 * The page's programmer + target session: open the port, sign on, enter programming mode at a safe SCK, identify
 * the chip. The same steps and words as the CLI's `ispkit info`.
 */
import { encodeIsp, findPartBySignature, formatSignature, getPart, type Part } from '@ispkit/parts';
import {
  IspSession,
  NoTargetError,
  Stk500Error,
  formatHz,
  hexBytes,
  isNoTargetSignature,
  ispkitSckHz,
  streamErrorCode,
  type IspTarget,
} from '@ispkit/stk500';
import { WebSerialStream } from './web-serial-stream.js';

/** SCK duration every session starts with: 250 kHz, safe for a factory-fused (2 MHz) target. */
const SAFE_SCK_DURATION = 4;
/** Slower still, for targets on the 8 MHz RC oscillator divided by 8. */
const SLOW_SCK_DURATION = 5;
/** The page revives 32U4 keyboards. */
export const EXPECTED_PART = 'atmega32u4';

/** A failure shown as one line: what happened, then what to do. */
export class PageError extends Error {
  override readonly name = 'PageError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
  get line(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }
}

export function targetFromPart(part: Part): IspTarget {
  return {
    name: part.name,
    signature: part.signature,
    flash: { size: part.flash.size, pageSize: part.flash.pageSize },
    eeprom: { size: part.eeprom.size, pageSize: part.eeprom.pageSize },
    timing: part.timing,
    fuseMasks: part.fuseMasks,
    encode: (op, args) => encodeIsp(part, op, args ?? {}),
  };
}

export function isDisconnect(err: unknown): boolean {
  return streamErrorCode(err) === 'closed' || (err instanceof Stk500Error && err.code === 'closed');
}

/** A failure talking to the programmer itself (not the target). */
export function programmerError(err: unknown, doing: string): PageError {
  if (err instanceof PageError) return err;
  if (isDisconnect(err)) return new PageError(`the programmer disconnected while ${doing}`, 'reconnect it and run this step again');
  if (err instanceof Stk500Error) {
    return new PageError(
      `the programmer is not responding while ${doing} (${err.message})`,
      'check that it runs the ispkit (or ArduinoISP) firmware, then unplug and replug it',
    );
  }
  return new PageError(`${doing} failed: ${(err as Error).message ?? String(err)}`);
}

export interface TargetHandle {
  stream: WebSerialStream;
  session: IspSession;
  part: Part;
  target: IspTarget;
  signature: Uint8Array;
  sck: string;
}

export type Say = (line: string) => void;

/** Open the programmer on `port` and identify the target; closes the port again on failure. */
export async function openTarget(port: SerialPort, say: Say, onLost?: (reason: string) => void): Promise<TargetHandle> {
  const stream = await WebSerialStream.open(port, { baudRate: 115200, ...(onLost ? { onLost } : {}) });
  try {
    let session: IspSession;
    try {
      session = await IspSession.open(stream);
    } catch (err) {
      throw programmerError(err, 'connecting');
    }
    say(`programmer: ${session.info.signOn}, ${session.info.kind}, STK500v1 ${session.info.swMajor}.${session.info.swMinor}`);
    const expected = getPart(EXPECTED_PART);
    let sckDuration: number | undefined;
    let signature: Uint8Array;
    try {
      if (session.info.canSetSck) {
        sckDuration = SAFE_SCK_DURATION;
        await session.setSckDuration(sckDuration);
      }
      await session.configure(targetFromPart(expected));
      try {
        await session.enterProgmode();
      } catch (err) {
        if (!(err instanceof NoTargetError) || !session.info.canSetSck) throw err;
        say(`no answer at ${formatHz(ispkitSckHz(SAFE_SCK_DURATION))}; retrying at ${formatHz(ispkitSckHz(SLOW_SCK_DURATION))}`);
        sckDuration = SLOW_SCK_DURATION;
        await session.setSckDuration(sckDuration);
        await session.enterProgmode();
      }
      signature = await session.readSignature();
    } catch (err) {
      if (err instanceof NoTargetError) throw noTarget('the programmer could not enter programming mode (no AC 53 echo)');
      throw programmerError(err, 'entering programming mode');
    }
    if (isNoTargetSignature(signature)) throw noTarget(`the signature reads ${hexBytes(signature)}`);
    const found = findPartBySignature(signature);
    if (formatSignature(signature) !== formatSignature(expected.signature)) {
      throw new PageError(
        `found ${found ? `${found.name} (${formatSignature(signature)})` : `an unknown chip (signature ${formatSignature(signature)})`}, expected ${expected.name} (${formatSignature(expected.signature)})`,
        found
          ? `this page revives ${expected.name} keyboards; check which chip the programmer is wired to (the CLI handles ${found.name} with -p ${found.id})`
          : 'check the wiring; a flaky connection also garbles the signature',
      );
    }
    const sck = sckDuration === undefined ? 'programmer default SCK' : `SCK ${formatHz(ispkitSckHz(sckDuration))}`;
    return { stream, session, part: expected, target: targetFromPart(expected), signature, sck };
  } catch (err) {
    await stream.close();
    throw err;
  }
}

function noTarget(what: string): PageError {
  return new PageError(
    `no target answered: ${what}`,
    'check the wiring (step 2), that the keyboard is powered (VCC and GND connected), and that nothing else drives RESET',
  );
}

/** Leave programming mode (the target runs again) and close the port; never throws. */
export async function closeTarget(t: TargetHandle): Promise<void> {
  try {
    await t.session.leaveProgmode();
  } catch {
    // the port may be gone; closing is all that is left
  }
  await t.stream.close();
}

import { ArduinoIspVersion, IspkitLine, IspkitParm, Parm } from './constants.js';
import type { Stk500Client } from './stk500-client.js';

/** What a programmer can do, learned at sign-on. Quirks of a programmer family live here, not in protocol code. */
export interface ProgrammerInfo {
  /** STK_GET_SIGN_ON answer ("AVR ISP"). */
  signOn: string;
  hwVersion: number;
  swMajor: number;
  swMinor: number;
  /** 'ispkit' when the extension answered, else a stock ArduinoISP-style programmer. */
  kind: 'ispkit' | 'arduinoisp';
  /** ispkit extension version (0 = none). */
  extVersion: number;
  /** Largest STK_PROG_PAGE / STK_READ_PAGE block in bytes. */
  maxBlock: number;
  /**
   * How STK_LOAD_ADDRESS addresses EEPROM. ispkit firmware takes bytes (as avrdude 7.1 `-c avrisp` sends them);
   * stock ArduinoISP 1.18 doubles the loaded address for EEPROM, so it needs a word address.
   */
  eepromAddressing: 'byte' | 'word';
  /** Whether `@ 0x89` (Parm_STK_SCK_DURATION) may be sent. Stock ArduinoISP loses sync on `@`. */
  canSetSck: boolean;
  /** Current SCK duration as the programmer reports it (ispkit only). */
  sckDuration: number | undefined;
  /** Whether the programmer polls RDY/BSY itself; if not the host waits the datasheet times. */
  pollsReady: boolean;
}

/** Block size of stock ArduinoISP: its buffer is 256 bytes and it does not check bounds. */
export const ARDUINOISP_MAX_BLOCK = 256;

/**
 * Sign-on and capability probe. Stock ArduinoISP answers 0 to unknown parameters, so a zero extension
 * version means "plain STK500v1 / ArduinoISP" and nothing beyond the ArduinoISP subset is sent.
 */
export async function probeProgrammer(client: Stk500Client): Promise<ProgrammerInfo> {
  const signOn = await client.signOn();
  const hwVersion = await client.getParameter(Parm.Parm_STK_HW_VER);
  const swMajor = await client.getParameter(Parm.Parm_STK_SW_MAJOR);
  const swMinor = await client.getParameter(Parm.Parm_STK_SW_MINOR);
  const extVersion = await client.getParameter(IspkitParm.ISPKIT_EXT_VERSION);
  if (extVersion === 0) {
    return {
      signOn,
      hwVersion,
      swMajor,
      swMinor,
      kind: 'arduinoisp',
      extVersion,
      maxBlock: ARDUINOISP_MAX_BLOCK,
      eepromAddressing: 'word',
      canSetSck: false,
      sckDuration: undefined,
      pollsReady: false,
    };
  }
  const units = await client.getParameter(IspkitParm.ISPKIT_MAX_BLOCK_64);
  const sckDuration = await client.getParameter(Parm.Parm_STK_SCK_DURATION);
  return {
    signOn,
    hwVersion,
    swMajor,
    swMinor,
    kind: 'ispkit',
    extVersion,
    maxBlock: units > 0 ? units * 64 : ARDUINOISP_MAX_BLOCK,
    eepromAddressing: 'byte',
    canSetSck: true,
    sckDuration,
    pollsReady: true,
  };
}

export function describeProgrammer(info: ProgrammerInfo): string {
  const version = `${info.swMajor}.${info.swMinor}`;
  if (info.kind === 'ispkit') return `ispkit programmer (extension v${info.extVersion}, STK500v1 ${version}, blocks of ${info.maxBlock} B)`;
  const stock = info.swMajor === ArduinoIspVersion.SW_MAJOR && info.swMinor === ArduinoIspVersion.SW_MINOR;
  return `${stock ? 'ArduinoISP' : 'STK500v1 programmer'} (sign-on "${info.signOn}", version ${version}, blocks of ${info.maxBlock} B)`;
}

/** The ISPKIT_LINES answer (extension v2), decoded: which ISP lines read high. */
export interface IspLineLevels {
  /** SCK read high with the programmer's pull-up while the target was held in reset. */
  sck: boolean;
  /** MOSI, likewise. */
  mosi: boolean;
  /** MISO, likewise. */
  miso: boolean;
  /** RESET rose by itself once released: something (the target's pull-up) is wired to it. */
  resetRises: boolean;
}

/** Decodes an ISPKIT_LINES byte; undefined when the programmer did not measure (it was in programming mode). */
export function decodeIspLines(value: number): IspLineLevels | undefined {
  if (value & IspkitLine.NOT_MEASURED) return undefined;
  return {
    sck: (value & IspkitLine.SCK) !== 0,
    mosi: (value & IspkitLine.MOSI) !== 0,
    miso: (value & IspkitLine.MISO) !== 0,
    resetRises: (value & IspkitLine.RESET) !== 0,
  };
}

/** What an ispkit programmer (extension v2) tells about the programming enable it just refused. */
export interface EnableFailureFacts {
  /** Third reply byte of the last `AC 53 00 00` (53 in sync): 00, FF or another byte. */
  echo: number;
  /** The ISP lines measured with the target held in reset; undefined if the programmer was still in programming mode. */
  lines: IspLineLevels | undefined;
}

/** Whether the programmer reports the programming-enable echo and the ISP line levels (ispkit extension v2). */
export function reportsLineLevels(info: ProgrammerInfo): boolean {
  return info.kind === 'ispkit' && info.extVersion >= 2;
}

/**
 * After STK_ENTER_PROGMODE failed: the echo byte and the raw line levels, or undefined when the programmer does
 * not report them (stock ArduinoISP, ispkit extension v1: those parameters would read 0). Reading the lines holds
 * the target in reset for about 120 µs (it restarts, as after programming enable).
 */
export async function readEnableFailure(client: Stk500Client, info: ProgrammerInfo): Promise<EnableFailureFacts | undefined> {
  if (!reportsLineLevels(info)) return undefined;
  const echo = await client.getParameter(IspkitParm.ISPKIT_LAST_ECHO);
  const lines = decodeIspLines(await client.getParameter(IspkitParm.ISPKIT_LINES));
  return { echo, lines };
}

import { ArduinoIspVersion, IspkitParm, Parm } from './constants.js';
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

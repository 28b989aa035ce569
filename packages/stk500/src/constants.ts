/**
 * STK500 communication protocol, version 1 (Atmel application note AVR061), as spoken by ArduinoISP.
 * Names follow the note's command.h so they can be looked up there. The firmware's C header is generated
 * from this table (see @ispkit/boards); never retype these values in C.
 */

/** Response and framing bytes. */
export const Resp = {
  STK_OK: 0x10,
  STK_FAILED: 0x11,
  STK_UNKNOWN: 0x12,
  STK_NODEVICE: 0x13,
  STK_INSYNC: 0x14,
  STK_NOSYNC: 0x15,
  CRC_EOP: 0x20,
} as const;

/** Command bytes (the first byte of every request). */
export const Cmnd = {
  STK_GET_SYNC: 0x30,
  STK_GET_SIGN_ON: 0x31,
  STK_SET_PARAMETER: 0x40,
  STK_GET_PARAMETER: 0x41,
  STK_SET_DEVICE: 0x42,
  STK_SET_DEVICE_EXT: 0x45,
  STK_ENTER_PROGMODE: 0x50,
  STK_LEAVE_PROGMODE: 0x51,
  STK_CHIP_ERASE: 0x52,
  STK_CHECK_AUTOINC: 0x53,
  STK_LOAD_ADDRESS: 0x55,
  STK_UNIVERSAL: 0x56,
  STK_UNIVERSAL_MULTI: 0x57,
  STK_PROG_FLASH: 0x60,
  STK_PROG_DATA: 0x61,
  STK_PROG_FUSE: 0x62,
  STK_PROG_LOCK: 0x63,
  STK_PROG_PAGE: 0x64,
  STK_PROG_FUSE_EXT: 0x65,
  STK_READ_FLASH: 0x70,
  STK_READ_DATA: 0x71,
  STK_READ_FUSE: 0x72,
  STK_READ_LOCK: 0x73,
  STK_READ_PAGE: 0x74,
  STK_READ_SIGN: 0x75,
  STK_READ_OSCCAL: 0x76,
  STK_READ_FUSE_EXT: 0x77,
  STK_READ_OSCCAL_EXT: 0x78,
} as const;

/** Parameters for STK_GET_PARAMETER / STK_SET_PARAMETER. */
export const Parm = {
  Parm_STK_HW_VER: 0x80,
  Parm_STK_SW_MAJOR: 0x81,
  Parm_STK_SW_MINOR: 0x82,
  Parm_STK_LEDS: 0x83,
  Parm_STK_VTARGET: 0x84,
  Parm_STK_VADJUST: 0x85,
  Parm_STK_OSC_PSCALE: 0x86,
  Parm_STK_OSC_CMATCH: 0x87,
  Parm_STK_RESET_DURATION: 0x88,
  Parm_STK_SCK_DURATION: 0x89,
  Parm_STK_BUFSIZEL: 0x90,
  Parm_STK_BUFSIZEH: 0x91,
  Parm_STK_DEVICE: 0x92,
  Parm_STK_PROGMODE: 0x93,
  Parm_STK_PARAMODE: 0x94,
  Parm_STK_POLLING: 0x95,
  Parm_STK_SELFTIMED: 0x96,
  Param_STK500_TOPCARD_DETECT: 0x98,
} as const;

/** Memory type letters in STK_PROG_PAGE / STK_READ_PAGE. */
export const Memtype = {
  FLASH: 0x46, // 'F'
  EEPROM: 0x45, // 'E'
} as const;

/**
 * ispkit extension, negotiated through STK_GET_PARAMETER so that plain STK500v1 clients (avrdude) never see
 * it. Stock ArduinoISP answers 0 to every parameter it does not know, so a non-zero ISPKIT_EXT_VERSION
 * identifies an ispkit programmer.
 */
export const IspkitParm = {
  /**
   * Extension protocol version. 0 = not an ispkit programmer; 1 = the parameters up to ISPKIT_LAST_ERROR;
   * 2 adds ISPKIT_LAST_ECHO and ISPKIT_LINES.
   */
  ISPKIT_EXT_VERSION: 0xe0,
  /** Largest STK_PROG_PAGE / STK_READ_PAGE block in bytes, divided by 64 (low byte). */
  ISPKIT_MAX_BLOCK_64: 0xe1,
  /** Board id from the board table (index into the generated board list). */
  ISPKIT_BOARD: 0xe2,
  /** Reason the last STK_ENTER_PROGMODE failed: 0 none, 1 no echo (no target / wrong wiring / SCK too fast). */
  ISPKIT_LAST_ERROR: 0xe3,
  /**
   * (v2) The byte the target sent in the echo position (third byte of `AC 53 00 00`) at the last programming
   * enable attempt: 53 when it entered; after a failed STK_ENTER_PROGMODE, 00 (nothing drives MISO high: an
   * unpowered target, or SCK and MOSI swapped), FF (MISO floats: MISO or RESET not connected) or another byte.
   */
  ISPKIT_LAST_ECHO: 0xe4,
  /**
   * (v2) Raw ISP line levels (bits in IspkitLine), measured when asked, outside programming mode only: the target
   * is held in reset, SCK/MOSI/MISO read with the programmer's pull-ups, RESET read after it is released.
   * Reading it resets the keyboard (as programming enable does); the lines end released, as before.
   */
  ISPKIT_LINES: 0xe5,
} as const;

/** Bits of the ISPKIT_LINES answer (1 = the line read high). */
export const IspkitLine = {
  /** SCK high with the programmer's pull-up while the target is held in reset. */
  SCK: 0x01,
  /** MOSI high, likewise. */
  MOSI: 0x02,
  /** MISO high, likewise. */
  MISO: 0x04,
  /** RESET rose by itself within 100 µs of being released (no programmer pull-up: only the target's lifts it). */
  RESET: 0x08,
  /** Not measured: the programmer was in programming mode (all other bits 0). */
  NOT_MEASURED: 0x80,
} as const;

/** What ArduinoISP 1.18 reports; ispkit reports the same versions so avrdude takes its ArduinoISP paths. */
export const ArduinoIspVersion = { HW: 2, SW_MAJOR: 1, SW_MINOR: 18 } as const;

/*
 * stk500.h - STK500 version 1 as ArduinoISP 1.18 speaks it, plus the ispkit extension.
 *
 * stk500_task() runs one complete command from the CDC receive ring when one is there. A command is executed
 * only after all its bytes, including the closing CRC_EOP, have arrived: a request whose EOP is missing is
 * answered STK_NOSYNC and has no effect (nothing half-written). Replies are flushed as soon as they are
 * complete.
 *
 * Differences from the stock sketch (all compatible with avrdude -c avrisp / stk500v1 / arduino):
 * - bounded: STK_PROG_PAGE takes at most STK500_MAX_BLOCK bytes; a longer block is read and discarded and
 *   answered STK_FAILED; an incomplete request is dropped after STK500_PARTIAL_TIMEOUT_MS with STK_NOSYNC.
 * - STK_ENTER_PROGMODE checks the target's 0x53 echo, retries with RESET pulses and answers
 *   STK_INSYNC STK_FAILED when no target answers (avrdude: "unable to enter programming mode").
 * - Commands that need the target outside programming mode keep their reply length, with STK_FAILED as the
 *   last byte and 0x00 (STK_UNIVERSAL, STK_READ_SIGN) or 0xFF (STK_READ_PAGE) in place of target data.
 * - RDY/BSY polling instead of fixed delays, after every write (also writes sent through STK_UNIVERSAL).
 * - STK_SET_PARAMETER / STK_GET_PARAMETER Parm_STK_SCK_DURATION set and report the SPI clock (see isp_spi.h).
 * - STK_CHIP_ERASE ('R') erases and waits for the target (the sketch has no 'R'; avrdude erases through 'V').
 * - STK_LOAD_ADDRESS is a WORD address for flash. For EEPROM it is a BYTE address, as avrdude 7.1 -c avrisp
 *   and -c stk500v1 send it. avrdude -c arduino sends EEPROM WORD addresses (it takes the programmer for a
 *   bootloader); it is recognised by reading the signature with STK_READ_SIGN ('u'), which -c avrisp/stk500v1
 *   never send: after 'u', EEPROM addresses are words for the rest of the session, unless the host read
 *   ISPKIT_EXT_VERSION (an ispkit host always uses bytes). A session starts at an STK_GET_SYNC received outside
 *   programming mode. STK_PROG_PAGE / STK_READ_PAGE advance the loaded address past the block.
 * - EEPROM is written in page mode (page size from STK_SET_DEVICE_EXT) instead of byte by byte.
 *
 * ispkit extension (STK_GET_PARAMETER): ISPKIT_EXT_VERSION -> 2; ISPKIT_MAX_BLOCK_64 -> STK500_MAX_BLOCK / 64
 * (STK_PROG_PAGE blocks up to that size, flash pages written as each one completes; STK_READ_PAGE of any
 * length is streamed); ISPKIT_BOARD -> board code; ISPKIT_LAST_ERROR -> enum isp_error; since version 2:
 * ISPKIT_LAST_ECHO -> the target's third reply byte at the last programming enable (isp_last_echo());
 * ISPKIT_LINES -> ISPKIT_LINE_* bits measured now (isp_lines.h), or ISPKIT_LINE_NOT_MEASURED in programming mode.
 * Any other parameter reads 0 with STK_OK, as in ArduinoISP (avrdude asks none of these).
 */
#ifndef STK500_H
#define STK500_H

#define STK500_MAX_BLOCK 1024U
#define STK500_PARTIAL_TIMEOUT_MS 300U
#define STK500_EXT_VERSION 2U

void stk500_init(void);
void stk500_task(void);

#endif /* STK500_H */

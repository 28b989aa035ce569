/*
 * isp_lines.h - the raw levels of the ISP lines, read with the target held in reset (the ISPKIT_LINES parameter),
 * so a host can tell the wiring faults apart that all leave programming enable unanswered.
 *
 * Contract:
 * - Call only outside programming mode (!isp_active()): the lines are then released (inputs, no pull-ups, SPI
 *   off, RESET released) and isp_lines_measure() leaves them exactly so.
 * - It drives RESET low, which resets the keyboard (as programming enable does), makes SCK, MOSI and MISO inputs
 *   with the programmer's pull-ups, reads them after ISP_LINES_SETTLE_US, switches the pull-ups off, releases RESET
 *   and reads it after ISP_LINES_RESET_RISE_US. It blocks for about 120 us and does not call isp_idle().
 * - Returns ISPKIT_LINE_* bits (protocol.h): 1 = the line read high.
 *
 * The physics (ATmega32U4 datasheet: all I/O pins are tri-stated while RESET is low; I/O pull-ups 20-50 kOhm,
 * RESET pull-up 30-60 kOhm; a pin reads 1 above 0.6 VCC):
 * - wired and powered: SCK, MOSI and MISO face tri-stated pins and our pull-ups lift them (50 kOhm and about 50 pF
 *   of wire and pins: 2.5 us per time constant); RESET, released, is lifted by the target's pull-up: all four high.
 * - target unpowered: the protection diodes of its pins clamp SCK, MOSI and MISO to its 0 V supply, which a
 *   pull-up cannot lift: all three low; its RESET pull-up has no supply, so RESET stays low too.
 * - SCK and MOSI swapped, MISO open: every line still ends at a tri-stated pin or at nothing: like wired. The
 *   programming-enable echo (ISPKIT_LAST_ECHO) tells them apart: 00 swapped (the target shifts out zeros), FF open.
 * - RESET open: nothing lifts the released RESET pin; the wire keeps the low level just driven (input leakage is
 *   nanoamps against tens of picofarads: well under a volt in 100 us): RESET low, the others high.
 * ISP_LINES_RESET_RISE_US is long enough for a keyboard with a 10 kOhm pull-up and a 4.7 nF capacitor on RESET
 * (AVR042's filter, 47 us per time constant); a much larger capacitor there reads as RESET open.
 */
#ifndef ISP_LINES_H
#define ISP_LINES_H

#include <stdint.h>

#define ISP_LINES_SETTLE_US 20U
#define ISP_LINES_RESET_RISE_US 100U

uint8_t isp_lines_measure(void);

#endif /* ISP_LINES_H */

/*
 * signature_row: the programmer chip's signature row as LPM reads it after SPMCSR = SIGRD | SPMEN (ATmega32U4
 * datasheet, "Reading the Signature Row from Software"): signature at 0x00/0x02/0x04, OSCCAL at 0x01 and the
 * ten serial-number bytes at 0x0E..0x17. simavr 1.6 does not model SIGRD (LPM reads the flash), so for the
 * next few cycles after that SPMCSR write the first 32 flash bytes read as the row. The firmware must read it
 * with interrupts off (a vector fetched in those cycles would see the row), as real code does anyway.
 */
#ifndef SIGNATURE_ROW_H
#define SIGNATURE_ROW_H
#include <stdint.h>

#include "sim_avr.h"

#define SIGNATURE_ROW_SERIAL_BYTES 10

/* serial: the ten serial bytes the chip reports. */
void signature_row_attach(avr_t *avr, const uint8_t serial[SIGNATURE_ROW_SERIAL_BYTES]);

#endif

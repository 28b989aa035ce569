/*
 * spi_timing: gives the programmer's hardware SPI its real byte time. simavr 1.6 completes every SPI byte after a
 * fixed 100 µs; this replaces the SPDR write handler with one that completes after prescaler × 8 CPU cycles, the
 * prescaler taken from SPCR.SPR1..0 and SPSR.SPI2X when the byte is written.
 */
#ifndef SPI_TIMING_H
#define SPI_TIMING_H
#include <stddef.h>
#include <stdint.h>
#include "sim_avr.h"

typedef struct spi_timing spi_timing_t;

/* Takes over SPDR writes of the AVR's SPI module. Returns NULL (with err) if the core has no SPI. */
spi_timing_t *spi_timing_attach(avr_t *avr, char *err, size_t err_len);
/* Prescaler (2..128) of the byte in flight, or of the last byte sent. */
uint32_t spi_timing_prescaler(const spi_timing_t *t);
/* Bytes completed since attach. */
uint64_t spi_timing_bytes(const spi_timing_t *t);
/* Cycle at which the last byte completed (0 if none). */
avr_cycle_count_t spi_timing_last_cycle(const spi_timing_t *t);
void spi_timing_free(spi_timing_t *t);

#endif

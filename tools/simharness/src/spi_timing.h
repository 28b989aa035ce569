/*
 * spi_timing: gives the programmer's hardware SPI its real byte time and the datasheet's flag rules. simavr 1.6
 * completes every SPI byte after a fixed 100 µs, clears SPIF on any SPDR access and forgets the received byte once
 * read; this replaces the SPDR and SPSR handlers with ones that
 * - complete a byte after prescaler × 8 CPU cycles (the prescaler from SPCR.SPR1..0 and SPSR.SPI2X when the byte is
 *   written), plus `extra` cycles when a test asks for a slower master (silicon that takes longer than the clock
 *   table says: code that writes SPDR on a cycle count must notice the collision);
 * - ignore a write while a byte is shifting and set WCOL (counted);
 * - clear SPIF, and WCOL, only as the datasheet says: by an SPDR access (read or write) after an SPSR read that saw
 *   the flag set (an SPSR write leaves both alone);
 * - keep the received byte readable until the next byte completes (the receive buffer), however often it is read.
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
/* SPDR writes ignored because a byte was still shifting (each set WCOL). */
uint64_t spi_timing_collisions(const spi_timing_t *t);
/* Makes every later byte take `extra` CPU cycles more than prescaler × 8. */
void spi_timing_set_extra_cycles(spi_timing_t *t, uint32_t extra);
/* Cycle at which the last byte completed (0 if none). */
avr_cycle_count_t spi_timing_last_cycle(const spi_timing_t *t);
void spi_timing_free(spi_timing_t *t);

#endif

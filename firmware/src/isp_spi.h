/*
 * isp_spi.h - the SPI link to the target: clock selection and byte transfer.
 *
 * The clock is chosen by an STK500 SCK duration `d` (what `avrdude -B <period>` sends as Parm_STK_SCK_DURATION):
 * d >= 1 asks for an SCK period of about d x 8 / 7.3728 MHz (1.085 us). avrdude rounds, so any period from
 * (d - 0.5) x 1.085 us up was meant; the firmware picks the fastest hardware SPI rate whose period is at least
 * that, and bit-bangs (same timing rule) for periods beyond SPI's slowest rate (F_CPU/128).
 * d = 0 (never sent by avrdude) selects the fastest rate allowed for a 16 MHz target: 2 MHz.
 * The default, ISP_SPI_DEFAULT_DURATION (4 = 250 kHz), is safe for a factory-fused target (CKDIV8: 2 MHz core).
 * ISP_SPI_8MHZ_DURATION (1 = 1 MHz) is safe for any target running at 8 MHz or more (SCK below fck/4).
 *
 * Transfers are split so that the next byte can be prepared while one is shifting: isp_spi_put() starts a byte
 * (waiting first for the previous one), isp_spi_get() waits for the last started byte and returns what the target
 * sent back during it. isp_spi_begin() drives SCK/MOSI (SS must already be an output or pulled high);
 * isp_spi_end() switches SPI off and releases SCK, MOSI and MISO (hi-Z).
 */
#ifndef ISP_SPI_H
#define ISP_SPI_H

#include <avr/io.h>
#include <stdbool.h>
#include <stdint.h>

#define ISP_SPI_DEFAULT_DURATION 4U
#define ISP_SPI_8MHZ_DURATION 1U

void isp_spi_set_duration(uint8_t duration);
uint8_t isp_spi_duration(void);
/* The hardware SPI divider in use (2..128), 0 while bit-banging. */
uint8_t isp_spi_divider(void);
/*
 * After an SPDR write collided (WCOL) in code that writes on a cycle count: waits out the byte that may still be
 * shifting without trusting SPIF, then leaves the link idle with SPIF and WCOL clear. Returns that byte's reply.
 */
uint8_t isp_spi_hw_settle(void);
void isp_spi_begin(void);
void isp_spi_end(void);

/* Internal state shared with the inline fast path. */
extern bool isp_spi_soft;
extern bool isp_spi_busy;
extern uint8_t isp_spi_soft_in;
uint8_t isp_spi_soft_transfer(uint8_t out);

static inline void isp_spi_put(uint8_t out)
{
	if (isp_spi_soft) {
		isp_spi_soft_in = isp_spi_soft_transfer(out);
		return;
	}
	if (isp_spi_busy)
		while (!(SPSR & (1 << SPIF)))
			;
	SPDR = out;
	isp_spi_busy = true;
}

static inline uint8_t isp_spi_get(void)
{
	if (isp_spi_soft)
		return isp_spi_soft_in;
	if (isp_spi_busy) {
		while (!(SPSR & (1 << SPIF)))
			;
		isp_spi_busy = false;
	}
	return SPDR;
}

/*
 * Hardware-only fast path for tight loops (callers check !isp_spi_soft first and call isp_spi_get() before):
 * isp_spi_hw_start() starts a byte on an idle link, isp_spi_hw_next() waits for the byte in flight and starts
 * the next one, isp_spi_hw_finish() waits for the byte in flight and returns what came back. The link is idle
 * again after isp_spi_hw_finish().
 */
static inline __attribute__((always_inline)) void isp_spi_hw_start(uint8_t out)
{
	SPDR = out;
}

static inline __attribute__((always_inline)) void isp_spi_hw_next(uint8_t out)
{
	while (!(SPSR & (1 << SPIF)))
		;
	SPDR = out;
}

static inline __attribute__((always_inline)) uint8_t isp_spi_hw_finish(void)
{
	while (!(SPSR & (1 << SPIF)))
		;
	return SPDR;
}

static inline uint8_t isp_spi_transfer(uint8_t out)
{
	isp_spi_put(out);
	return isp_spi_get();
}

#endif /* ISP_SPI_H */

/*
 * spi_timing: SPI master byte timing and status flags for simavr 1.6.
 * Leaves out: slave mode timing (simavr's own handling stays), SS-driven demotion from master mode, clearing SPIF
 * by taking the SPI interrupt vector, and clock phase/polarity or bit order (the target model only sees whole
 * bytes).
 */
#include "spi_timing.h"

#include <stdio.h>
#include <stdlib.h>

#include "avr_spi.h"

#define SPI_TIMING_SPSR 0x4D
#define SPI_TIMING_SPDR 0x4E
#define SPI_TIMING_WCOL 6
#define SPI_TIMING_SPIF 7

struct spi_timing {
	avr_io_t io;          /* registered so an AVR reset (watchdog) ends a transfer in flight */
	avr_t *avr;
	avr_spi_t *spi;       /* simavr's module: its IRQs, vector and register bits */
	uint8_t in_flight;    /* a byte is being shifted */
	uint8_t byte;         /* the byte written to SPDR */
	uint8_t armed;        /* SPIF/WCOL as the last SPSR read saw them: the next SPDR access clears those */
	uint32_t prescaler;
	uint32_t extra;       /* cycles added to every byte (a slower master, on request) */
	uint64_t bytes;
	uint64_t collisions;
	avr_cycle_count_t last_cycle;
};

static uint32_t spi_timing_read_prescaler(spi_timing_t *t)
{
	static const uint32_t div[4] = { 4, 16, 64, 128 };
	avr_t *avr = t->avr;
	unsigned spr = (unsigned)avr_regbit_get(avr, t->spi->spr[0]) | (unsigned)avr_regbit_get(avr, t->spi->spr[1]) << 1;
	uint32_t p = div[spr];
	if (avr_regbit_get(avr, t->spi->spr[2]))
		p /= 2;
	return p;
}

static avr_cycle_count_t spi_timing_done(avr_t *avr, avr_cycle_count_t when, void *param)
{
	spi_timing_t *t = param;
	(void)when;
	t->in_flight = 0;
	if (avr_regbit_get(avr, t->spi->spe) && avr_regbit_get(avr, t->spi->mstr)) {
		t->bytes++;
		t->last_cycle = avr->cycle;
		avr_raise_interrupt(avr, &t->spi->spi);
		/* The target's reply comes back through SPI_IRQ_INPUT from within this call. */
		avr_raise_irq(t->spi->io.irq + SPI_IRQ_OUTPUT, t->byte);
	}
	return 0;
}

/* SPSR read: remembers which flags were seen set, for the SPDR access that clears them. */
static uint8_t spi_timing_read_status(avr_t *avr, avr_io_addr_t addr, void *param)
{
	spi_timing_t *t = param;
	uint8_t v = avr->data[addr];
	t->armed = v & (uint8_t)((1 << SPI_TIMING_SPIF) | (1 << SPI_TIMING_WCOL));
	return v;
}

/* Any SPDR access: "SPIF is cleared by first reading SPSR with SPIF set, then accessing SPDR"; the same for WCOL,
 * which takes SPIF with it. */
static void spi_timing_access(spi_timing_t *t)
{
	avr_t *avr = t->avr;
	if (t->armed & (1 << SPI_TIMING_WCOL))
		avr->data[t->spi->r_spsr] &= (uint8_t)~((1 << SPI_TIMING_WCOL) | (1 << SPI_TIMING_SPIF));
	if (t->armed & (1 << SPI_TIMING_SPIF))
		avr_regbit_clear(avr, t->spi->spi.raised);
	t->armed = 0;
}

/* SPDR read: the receive buffer, which holds the last completed byte's reply until the next one completes. */
static uint8_t spi_timing_read_data(avr_t *avr, avr_io_addr_t addr, void *param)
{
	spi_timing_t *t = param;
	(void)avr;
	(void)addr;
	spi_timing_access(t);
	return t->spi->input_data_register;
}

/* SPSR write: SPIF and WCOL are read-only; only SPI2X (and the reserved bits) take the value. */
static void spi_timing_write_status(avr_t *avr, avr_io_addr_t addr, uint8_t v, void *param)
{
	const uint8_t flags = (1 << SPI_TIMING_SPIF) | (1 << SPI_TIMING_WCOL);
	(void)param;
	avr_core_watch_write(avr, addr, (uint8_t)((v & (uint8_t)~flags) | (avr->data[addr] & flags)));
}

static void spi_timing_write(avr_t *avr, avr_io_addr_t addr, uint8_t v, void *param)
{
	spi_timing_t *t = param;
	spi_timing_access(t);
	if (t->in_flight) {
		avr->data[t->spi->r_spsr] |= 1 << SPI_TIMING_WCOL;
		t->collisions++;
		return;
	}
	avr_core_watch_write(avr, addr, v);
	if (!avr_regbit_get(avr, t->spi->spe) || !avr_regbit_get(avr, t->spi->mstr))
		return; /* slave mode or disabled: simavr 1.6 sends nothing either */
	t->byte = v;
	t->prescaler = spi_timing_read_prescaler(t);
	t->in_flight = 1;
	avr_cycle_timer_register(avr, (avr_cycle_count_t)t->prescaler * 8 + t->extra, spi_timing_done, t);
}

static void spi_timing_reset(avr_io_t *io)
{
	spi_timing_t *t = (spi_timing_t *)io;
	t->in_flight = 0; /* avr_reset() dropped the cycle timer */
	t->armed = 0;
}

spi_timing_t *spi_timing_attach(avr_t *avr, char *err, size_t err_len)
{
	avr_io_addr_t io = AVR_DATA_TO_IO(SPI_TIMING_SPDR);
	if (!avr->io[io].w.c || !avr->io[io].w.param) {
		snprintf(err, err_len, "this simavr core has no SPI data register at 0x%02X", SPI_TIMING_SPDR);
		return NULL;
	}
	spi_timing_t *t = calloc(1, sizeof *t);
	if (!t) {
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	t->avr = avr;
	t->spi = avr->io[io].w.param;
	t->prescaler = 4;
	t->io.kind = "spi-timing";
	t->io.reset = spi_timing_reset;
	avr_register_io(avr, &t->io);
	avr->io[io].w.c = spi_timing_write;
	avr->io[io].w.param = t;
	avr->io[io].r.c = spi_timing_read_data;
	avr->io[io].r.param = t;
	avr_io_addr_t status = AVR_DATA_TO_IO(SPI_TIMING_SPSR);
	avr->io[status].r.c = spi_timing_read_status;
	avr->io[status].r.param = t;
	avr->io[status].w.c = spi_timing_write_status;
	avr->io[status].w.param = t;
	return t;
}

uint32_t spi_timing_prescaler(const spi_timing_t *t) { return t->prescaler; }
uint64_t spi_timing_bytes(const spi_timing_t *t) { return t->bytes; }
uint64_t spi_timing_collisions(const spi_timing_t *t) { return t->collisions; }
void spi_timing_set_extra_cycles(spi_timing_t *t, uint32_t extra) { t->extra = extra; }
avr_cycle_count_t spi_timing_last_cycle(const spi_timing_t *t) { return t->last_cycle; }
void spi_timing_free(spi_timing_t *t) { free(t); }

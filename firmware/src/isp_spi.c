#include "board.h"

#include <avr/io.h>
#include <util/delay_basic.h>

#include "isp_spi.h"

/* One STK500 duration unit in picoseconds: 8 / 7.3728 MHz. */
#define ISP_SPI_UNIT_PS 1085069UL
#define ISP_SPI_PS_PER_CYCLE (1000000000000ULL / F_CPU)

struct isp_spi_rate {
	uint8_t divider;
	uint8_t spcr;  /* SPR1:0 */
	uint8_t spsr;  /* SPI2X */
};

/* Every hardware SPI divider, fast to slow. */
static const struct isp_spi_rate isp_spi_rates[] = {
	{ 2, 0, (1 << SPI2X) },
	{ 4, 0, 0 },
	{ 8, (1 << SPR0), (1 << SPI2X) },
	{ 16, (1 << SPR0), 0 },
	{ 32, (1 << SPR1), (1 << SPI2X) },
	{ 64, (1 << SPR1), 0 },
	{ 128, (1 << SPR1) | (1 << SPR0), 0 },
};
/* The fastest SCK ever used: 2 MHz, the limit for a 16 MHz target (SCK below fck/6 at >= 12 MHz). */
#define ISP_SPI_MAX_HZ 2000000UL
#define ISP_SPI_MIN_DIVIDER (F_CPU / ISP_SPI_MAX_HZ)

bool isp_spi_soft;
bool isp_spi_busy;
uint8_t isp_spi_soft_in;

static uint8_t isp_spi_dur = ISP_SPI_DEFAULT_DURATION;
static bool isp_spi_running; /* between isp_spi_begin() and isp_spi_end() */
static uint8_t isp_spi_spcr;
static uint8_t isp_spi_spsr;
static uint8_t isp_spi_div; /* hardware divider in use, 0 when bit-banging */
static uint16_t isp_spi_half_loops; /* bit-bang half period in _delay_loop_2 units (4 cycles) */

static void isp_spi_apply(void);

void isp_spi_set_duration(uint8_t duration)
{
	/* The shortest period the host could have meant: (d - 0.5) units; 0 = the fastest rate. */
	uint32_t min_ps = duration == 0 ? 0 : (uint32_t)(2U * duration - 1U) * (ISP_SPI_UNIT_PS / 2U);
	isp_spi_dur = duration;
	for (uint8_t i = 0; i < sizeof(isp_spi_rates) / sizeof(isp_spi_rates[0]); i++) {
		const struct isp_spi_rate *r = &isp_spi_rates[i];
		if (r->divider < ISP_SPI_MIN_DIVIDER || (uint32_t)(r->divider * ISP_SPI_PS_PER_CYCLE) < min_ps)
			continue;
		isp_spi_spcr = r->spcr;
		isp_spi_spsr = r->spsr;
		isp_spi_div = r->divider;
		isp_spi_soft = false;
		isp_spi_apply();
		return;
	}
	/* Slower than hardware SPI can go: bit-bang with half the period per clock phase. */
	isp_spi_soft = true;
	isp_spi_div = 0;
	isp_spi_half_loops = (uint16_t)((min_ps / 2U) / (4U * ISP_SPI_PS_PER_CYCLE) + 1U);
	isp_spi_apply();
}

uint8_t isp_spi_duration(void)
{
	return isp_spi_dur;
}

uint8_t isp_spi_divider(void)
{
	return isp_spi_div;
}

uint8_t isp_spi_hw_settle(void)
{
	/* The byte that may be shifting started before the write that collided, so it ends within one byte time of
	 * the slowest SPI; SPIF shows it unless the collision's flag clearing took it with WCOL. 255 polls (about
	 * 1500 cycles) outlast either case. */
	for (uint8_t n = 255; n && !(SPSR & (1 << SPIF)); n--)
		;
	(void)SPSR;
	return SPDR;
}

/* Switches a running link to the selected clock (SCK stays low between bytes in both modes). */
static void isp_spi_apply(void)
{
	if (!isp_spi_running)
		return;
	if (isp_spi_busy)
		(void)isp_spi_get();
	if (isp_spi_soft) {
		SPCR = 0;
		return;
	}
	/* SS (PB0) is an output or pulled high before this point (see isp.c / board table). */
	SPCR = (1 << SPE) | (1 << MSTR) | isp_spi_spcr;
	SPSR = isp_spi_spsr;
	(void)SPSR;
	(void)SPDR;
}

void isp_spi_begin(void)
{
	BOARD_SPI_SCK_PORT &= (uint8_t)~(1 << BOARD_SPI_SCK_BIT);
	BOARD_SPI_MOSI_PORT &= (uint8_t)~(1 << BOARD_SPI_MOSI_BIT);
	BOARD_SPI_MISO_PORT &= (uint8_t)~(1 << BOARD_SPI_MISO_BIT);
	BOARD_SPI_MISO_DDR &= (uint8_t)~(1 << BOARD_SPI_MISO_BIT);
	BOARD_SPI_SCK_DDR |= (1 << BOARD_SPI_SCK_BIT);
	BOARD_SPI_MOSI_DDR |= (1 << BOARD_SPI_MOSI_BIT);
	isp_spi_busy = false;
	isp_spi_running = true;
	isp_spi_apply();
}

void isp_spi_end(void)
{
	if (isp_spi_busy)
		(void)isp_spi_get();
	SPCR = 0;
	isp_spi_running = false;
	BOARD_SPI_SCK_DDR &= (uint8_t)~(1 << BOARD_SPI_SCK_BIT);
	BOARD_SPI_MOSI_DDR &= (uint8_t)~(1 << BOARD_SPI_MOSI_BIT);
	BOARD_SPI_SCK_PORT &= (uint8_t)~(1 << BOARD_SPI_SCK_BIT);
	BOARD_SPI_MOSI_PORT &= (uint8_t)~(1 << BOARD_SPI_MOSI_BIT);
	isp_spi_busy = false;
}

uint8_t isp_spi_soft_transfer(uint8_t out)
{
	uint8_t in = 0;
	for (uint8_t bit = 0; bit < 8; bit++) {
		if (out & 0x80U)
			BOARD_SPI_MOSI_PORT |= (1 << BOARD_SPI_MOSI_BIT);
		else
			BOARD_SPI_MOSI_PORT &= (uint8_t)~(1 << BOARD_SPI_MOSI_BIT);
		out <<= 1;
		_delay_loop_2(isp_spi_half_loops);
		BOARD_SPI_SCK_PORT |= (1 << BOARD_SPI_SCK_BIT);
		in = (uint8_t)(in << 1) | ((BOARD_SPI_MISO_PIN >> BOARD_SPI_MISO_BIT) & 1U);
		_delay_loop_2(isp_spi_half_loops);
		BOARD_SPI_SCK_PORT &= (uint8_t)~(1 << BOARD_SPI_SCK_BIT);
	}
	return in;
}

#include "board.h"

#include <avr/io.h>
#include <util/delay.h>

#include "isp_lines.h"

#define ISP_LINES_BIT(name) (1 << BOARD_##name##_BIT)
#define ISP_LINES_HIGH(name) ((BOARD_##name##_PIN & ISP_LINES_BIT(name)) != 0)

uint8_t isp_lines_measure(void)
{
	uint8_t lines = 0;

	/* RESET active: the target's pins go tri-state. */
	BOARD_RESET_PORT &= (uint8_t)~ISP_LINES_BIT(RESET);
	BOARD_RESET_DDR |= ISP_LINES_BIT(RESET);
	/* Inputs first (already so when released), then the pull-ups: no line is ever driven high. */
	BOARD_SPI_SCK_DDR &= (uint8_t)~ISP_LINES_BIT(SPI_SCK);
	BOARD_SPI_MOSI_DDR &= (uint8_t)~ISP_LINES_BIT(SPI_MOSI);
	BOARD_SPI_MISO_DDR &= (uint8_t)~ISP_LINES_BIT(SPI_MISO);
	BOARD_SPI_SCK_PORT |= ISP_LINES_BIT(SPI_SCK);
	BOARD_SPI_MOSI_PORT |= ISP_LINES_BIT(SPI_MOSI);
	BOARD_SPI_MISO_PORT |= ISP_LINES_BIT(SPI_MISO);
	_delay_us(ISP_LINES_SETTLE_US);
	if (ISP_LINES_HIGH(SPI_SCK))
		lines |= ISPKIT_LINE_SCK;
	if (ISP_LINES_HIGH(SPI_MOSI))
		lines |= ISPKIT_LINE_MOSI;
	if (ISP_LINES_HIGH(SPI_MISO))
		lines |= ISPKIT_LINE_MISO;

	/* Released again, as isp_leave() leaves them: pull-ups off, RESET an input without pull-up. */
	BOARD_SPI_SCK_PORT &= (uint8_t)~ISP_LINES_BIT(SPI_SCK);
	BOARD_SPI_MOSI_PORT &= (uint8_t)~ISP_LINES_BIT(SPI_MOSI);
	BOARD_SPI_MISO_PORT &= (uint8_t)~ISP_LINES_BIT(SPI_MISO);
	BOARD_RESET_DDR &= (uint8_t)~ISP_LINES_BIT(RESET);
	_delay_us(ISP_LINES_RESET_RISE_US);
	if (ISP_LINES_HIGH(RESET))
		lines |= ISPKIT_LINE_RESET;
	return lines;
}

/*
 * isp-probe: a test firmware (no USB) that drives the harness's target model over hardware SPI with RESET on PB0
 * and leaves what it saw in the target's flash page 255 (byte address 0x7F80), then halts (cli; sleep).
 * Each step exercises one datasheet rule; isp-target.test.ts checks the dumps and the violation counters.
 */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <stdint.h>
#include <util/delay.h>

#define PROBE_SLOW ((1 << SPE) | (1 << MSTR) | (1 << SPR1) | (1 << SPR0)) /* 16 MHz / 128 = 125 kHz */
#define PROBE_FAST ((1 << SPE) | (1 << MSTR))                            /* 16 MHz / 4 = 4 MHz: too fast for 2 MHz */

static uint8_t probe_result[16];

static uint8_t probe_byte(uint8_t b)
{
	SPDR = b;
	while (!(SPSR & (1 << SPIF)))
		;
	return SPDR;
}

/* Sends four bytes; returns the reply to byte `which` (1..4). */
static uint8_t probe_cmd(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t which)
{
	uint8_t r[4];
	r[0] = probe_byte(a);
	r[1] = probe_byte(b);
	r[2] = probe_byte(c);
	r[3] = probe_byte(d);
	return r[which - 1];
}

static void probe_wait_ready(void)
{
	while (probe_cmd(0xF0, 0, 0, 0, 4) & 1)
		;
}

static void probe_reset(uint8_t low)
{
	if (low)
		DDRB |= 1 << PB0; /* PORTB0 is 0: drives RESET low */
	else
		DDRB &= ~(1 << PB0); /* released: the target's pull-up */
}

static void probe_fill_page(uint16_t word_page, uint8_t value)
{
	for (uint8_t w = 0; w < 64; w++) {
		probe_cmd(0x40, 0, w, value, 4);
		probe_cmd(0x48, 0, w, value, 4);
	}
	probe_cmd(0x4C, word_page >> 8, word_page & 0xFF, 0, 4);
}

int main(void)
{
	PORTB = 0;
	DDRB = (1 << PB1) | (1 << PB2); /* SCK, MOSI out; RESET (PB0) released */
	SPCR = PROBE_SLOW;

	/* 1. Programming Enable too soon after RESET goes low: not accepted, no 53 echo. */
	probe_reset(1);
	probe_result[0] = probe_cmd(0xAC, 0x53, 0, 0, 3);
	/* 2. After 25 ms and a RESET pulse: in sync, the third byte echoes 53. */
	_delay_ms(25);
	probe_reset(0);
	_delay_us(100);
	probe_reset(1);
	_delay_ms(25);
	probe_result[1] = probe_cmd(0xAC, 0x53, 0, 0, 3);
	/* 3. AND without erase: 0xF0 then 0x3C into page 0 leaves 0x30. */
	probe_fill_page(0x0000, 0xF0);
	probe_wait_ready();
	probe_fill_page(0x0000, 0x3C);
	probe_wait_ready();
	/* 4. An instruction while busy is ignored (and counted): the read returns no data. */
	probe_fill_page(0x0040, 0x00);
	probe_result[2] = probe_cmd(0x20, 0x00, 0x40, 0x00, 4); /* reply while busy */
	probe_result[3] = probe_cmd(0xF0, 0, 0, 0, 4);          /* poll says busy */
	probe_wait_ready();
	probe_result[4] = probe_cmd(0x20, 0x00, 0x40, 0x00, 4); /* 0x00 once written */
	/* 5. EEPROM page: only loaded bytes are written; byte write replaces. */
	probe_cmd(0xC1, 0, 0, 0x11, 4);
	probe_cmd(0xC1, 0, 1, 0x22, 4);
	probe_cmd(0xC2, 0, 0, 0, 4);
	probe_wait_ready();
	probe_cmd(0xC0, 0, 5, 0x55, 4);
	probe_wait_ready();
	probe_result[5] = probe_cmd(0xA0, 0, 1, 0, 4);
	/* 6. SCK too fast for the 2 MHz target (CKDIV8 programmed): garbled signature, counted. */
	SPCR = PROBE_FAST;
	probe_result[6] = probe_cmd(0x30, 0, 0, 0, 4);
	SPCR = PROBE_SLOW;
	probe_result[7] = probe_cmd(0x30, 0, 0, 0, 4);
	/* 7. RESET released: the target ignores everything, MISO reads high. */
	probe_reset(0);
	probe_fill_page(0x00C0, 0x00);
	probe_result[8] = probe_cmd(0x30, 0, 1, 0, 4);
	/* 8. Out of sync: a stray byte shifts the frame, so AC 53 is not seen as an instruction start. */
	probe_reset(1);
	_delay_ms(25);
	probe_byte(0x00);
	probe_result[9] = probe_cmd(0xAC, 0x53, 0, 0, 3);
	/* ... until RESET is pulsed. */
	probe_reset(0);
	_delay_us(100);
	probe_reset(1);
	_delay_ms(25);
	probe_result[10] = probe_cmd(0xAC, 0x53, 0, 0, 3);
	probe_result[11] = probe_cmd(0x30, 0, 2, 0, 4);
	/* 9. A page write, then a RESET pulse and a new Programming Enable: the enable frame runs nothing else. */
	probe_fill_page(0x0100, 0x5A);
	_delay_ms(10);
	probe_reset(0);
	_delay_us(100);
	probe_reset(1);
	_delay_ms(25);
	probe_result[12] = probe_cmd(0xAC, 0x53, 0, 0, 3);

	/* Leave the results in page 255 (byte 0x7F80). */
	for (uint8_t i = 0; i < 16; i += 2) {
		probe_cmd(0x40, 0, i / 2, probe_result[i], 4);
		probe_cmd(0x48, 0, i / 2, probe_result[i + 1], 4);
	}
	probe_cmd(0x4C, 0x3F, 0xC0, 0, 4);
	probe_wait_ready();
	cli();
	sleep_enable();
	sleep_cpu();
	return 0;
}

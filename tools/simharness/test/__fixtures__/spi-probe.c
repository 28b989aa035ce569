/*
 * spi-probe: a test firmware (no USB) that checks the harness's SPI master model against the datasheet, with RESET
 * on PB0 held low (the target listening) and SPI at F_CPU/8 (64 cycles per byte), then shows four results on the
 * ISP lines (driven as outputs, PORT bit = result, in the ispLines bit order SCK 0, MOSI 1, MISO 2, RESET 3) and
 * halts. spi-model.test.ts reads them from the exit event's ispLines.port.
 *   bit 0: an SPDR write while a byte is shifting sets WCOL at once
 *   bit 1: SPIF survives an SPDR read that no SPSR read saw it before, and clears after one that did
 *   bit 2: the target's echo of programming enable (0x53 in the third byte) reads the same twice from SPDR
 *   bit 3: AC and 53 written 64 cycles apart: the second write is taken (no WCOL), i.e. a byte takes 64 cycles
 */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <stdint.h>
#include <util/delay.h>

#define PROBE_SCK (1 << PB1)
#define PROBE_MOSI (1 << PB2)
#define PROBE_MISO (1 << PB3)
#define PROBE_RESET (1 << PB0)

static void probe_clear_flags(void)
{
	(void)SPSR;
	(void)SPDR;
}

/* Waits for the byte in flight by time, not by SPIF (the flags are what is being checked). */
static void probe_byte_time(void)
{
	__builtin_avr_delay_cycles(200);
}

static uint8_t probe_send(uint8_t b)
{
	SPDR = b;
	probe_byte_time();
	(void)SPSR;
	return SPDR;
}

int main(void)
{
	uint8_t seen = 0;
	cli();
	DDRB = PROBE_RESET | PROBE_SCK | PROBE_MOSI; /* RESET (and SS) low: the target in reset, listening */
	PORTB = 0;
	SPCR = (1 << SPE) | (1 << MSTR) | (1 << SPR0);
	SPSR = (1 << SPI2X); /* F_CPU / 8 */
	probe_clear_flags();
	_delay_ms(25);

	/* bit 3: the second byte of programming enable written exactly 64 cycles after the first. */
	uint8_t status;
	__asm__ volatile("out %[spdr], %[ac]\n\t"
	                 "ldi r24, 21\n\t" /* 1 + 3 x 21 - 1 = 63 cycles */
	                 "1: dec r24\n\t"
	                 "brne 1b\n\t"
	                 "out %[spdr], %[b53]\n\t"
	                 "in %[st], %[spsr]\n\t"
	                 : [st] "=r"(status)
	                 : [spdr] "I"(_SFR_IO_ADDR(SPDR)), [spsr] "I"(_SFR_IO_ADDR(SPSR)), [ac] "r"((uint8_t)0xAC),
	                   [b53] "r"((uint8_t)0x53)
	                 : "r24");
	if (!(status & (1 << WCOL)))
		seen |= 8;
	probe_byte_time();
	probe_clear_flags();
	/* bit 2: the third byte's reply, read twice. */
	uint8_t echo = probe_send(0x00);
	if (echo == 0x53 && SPDR == 0x53)
		seen |= 4;
	(void)probe_send(0x00);

	/* bit 0: a write 10 cycles into a byte. */
	probe_clear_flags();
	SPDR = 0xFF;
	__builtin_avr_delay_cycles(10);
	SPDR = 0x11;
	if (SPSR & (1 << WCOL))
		seen |= 1;
	probe_byte_time();
	probe_clear_flags(); /* the read saw WCOL (and now SPIF): both clear */

	/* bit 1: SPIF and an SPDR read with no SPSR read before it. */
	SPDR = 0x00;
	probe_byte_time();
	(void)SPDR;
	uint8_t after_plain_read = SPSR; /* SPIF still set; this read sees it */
	(void)SPDR;
	uint8_t after_cleared = SPSR;
	if ((after_plain_read & (1 << SPIF)) && !(after_cleared & ((1 << SPIF) | (1 << WCOL))))
		seen |= 2;

	/* Show the results: bit n of `seen` on line n (SCK, MOSI, MISO, RESET). */
	SPCR = 0;
	PORTB = (uint8_t)(((seen & 1) ? PROBE_SCK : 0) | ((seen & 2) ? PROBE_MOSI : 0) | ((seen & 4) ? PROBE_MISO : 0) |
	                  ((seen & 8) ? PROBE_RESET : 0));
	DDRB = PROBE_SCK | PROBE_MOSI | PROBE_MISO | PROBE_RESET;
	sleep_enable();
	sleep_cpu();
	return 0;
}

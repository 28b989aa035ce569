/*
 * line-probe: a test firmware (no USB) that reads the ISP lines as inputs the way a careless and a careful
 * programmer would, with RESET on PB0, then shows the four results on the lines themselves (all four driven as
 * outputs, PORT bit = result, in the ispLines bit order SCK 0, MOSI 1, MISO 2, RESET 3) and halts. isp-lines.test.ts
 * reads them from the exit event's ispLines.port.
 *   bit 0: MISO 1 us after its pull-up goes on (a floating line has not risen yet: 0)
 *   bit 1: MISO 20 us after (1, or 0 when the target clamps it)
 *   bit 2: RESET 10 us after it is released from low, no pull-up (the target's pull-up has not lifted it yet: 0)
 *   bit 3: RESET 100 us after (1 when the target's pull-up lifts it, 0 when nothing does)
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

int main(void)
{
	uint8_t seen = 0;
	DDRB = PROBE_RESET; /* RESET low: the target in reset; SCK, MOSI, MISO inputs without pull-ups */
	PORTB = 0;
	_delay_us(50);
	PORTB = PROBE_MISO;
	_delay_us(1);
	if (PINB & PROBE_MISO)
		seen |= 1;
	_delay_us(19);
	if (PINB & PROBE_MISO)
		seen |= 2;
	PORTB = 0;
	DDRB = 0; /* RESET released */
	_delay_us(10);
	if (PINB & PROBE_RESET)
		seen |= 4;
	_delay_us(90);
	if (PINB & PROBE_RESET)
		seen |= 8;
	/* Show the results: bit n of `seen` on line n (SCK, MOSI, MISO, RESET). */
	PORTB = (uint8_t)(((seen & 1) ? PROBE_SCK : 0) | ((seen & 2) ? PROBE_MOSI : 0) | ((seen & 4) ? PROBE_MISO : 0) |
	                  ((seen & 8) ? PROBE_RESET : 0));
	DDRB = PROBE_SCK | PROBE_MOSI | PROBE_MISO | PROBE_RESET;
	cli();
	sleep_enable();
	sleep_cpu();
	return 0;
}

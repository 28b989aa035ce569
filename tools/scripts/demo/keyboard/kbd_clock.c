#include "kbd_clock.h"

#include <avr/io.h>

#if F_CPU != 16000000UL
#error "the demo keyboard is built for a 16 MHz ATmega32U4 (KBD_CLOCK_MS and the USB PLL input assume it)"
#endif

void kbd_clock_init(void)
{
	TIMSK1 = 0;
	TCCR1B = 0; /* stop while reconfiguring */
	TCCR1A = 0; /* normal mode, output compare pins disconnected */
	TCCR1C = 0;
	TCNT1 = 0;
	TIFR1 = 0xFF; /* clear any stale flags (written as ones) */
	TCCR1B = (1 << CS12); /* clk / 256 */
}

uint16_t kbd_clock_now(void)
{
	return TCNT1;
}

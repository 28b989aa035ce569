#include "board.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/power.h>
#include <util/atomic.h>

#include "clock.h"

#define CLOCK_TIMER0_PRESCALE 64U
#define CLOCK_TIMER0_TOP ((F_CPU / CLOCK_TIMER0_PRESCALE / 1000U) - 1U)

_Static_assert(CLOCK_TIMER0_TOP < 256U, "Timer0 top must fit 8 bits");

volatile uint16_t clock_ticks;

ISR(TIMER0_COMPA_vect)
{
	clock_ticks++;
}

void clock_init(void)
{
	clock_prescale_set(clock_div_1);
	TCCR0A = (1 << WGM01); /* CTC */
	OCR0A = (uint8_t)CLOCK_TIMER0_TOP;
	TCNT0 = 0;
	TIFR0 = (1 << OCF0A);
	TIMSK0 = (1 << OCIE0A);
	TCCR0B = (1 << CS01) | (1 << CS00); /* clk/64 */
}

uint16_t clock_ms(void)
{
	uint16_t t;
	ATOMIC_BLOCK(ATOMIC_RESTORESTATE)
	{
		t = clock_ticks;
	}
	return t;
}

uint16_t clock_elapsed_ms(uint16_t since)
{
	return (uint16_t)(clock_ms() - since);
}

/*
 * clock.h - CPU clock setup and a millisecond tick.
 *
 * clock_init() runs the CPU at F_CPU (clears the clock prescaler a Teensy's CKDIV8 fuse leaves at /8) and starts
 * Timer0 as a 1 kHz tick. clock_ms() is a wrapping 16-bit millisecond counter: compare with
 * clock_elapsed_ms(since), which is correct across the wrap for intervals below 65 s. Needs interrupts on.
 */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

void clock_init(void);
uint16_t clock_ms(void);
uint16_t clock_elapsed_ms(uint16_t since);
/* Low byte of the millisecond counter: one atomic load, for "has a millisecond passed" checks in tight loops. */
extern volatile uint16_t clock_ticks;
static inline uint8_t clock_ms8(void) { return *(volatile uint8_t *)&clock_ticks; }

#endif /* CLOCK_H */

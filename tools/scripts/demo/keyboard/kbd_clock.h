/*
 * kbd_clock.h - a free-running time base for the demo keyboard, on Timer1, polled (no interrupt).
 *
 * Contract:
 * - kbd_clock_init() takes Timer1 from any state (a bootloader may have used it) to normal mode, prescaler 256:
 *   one tick is 16 us at 16 MHz and the counter wraps every 1.05 s. Call it before kbd_usb_init().
 * - kbd_clock_since() is wrap-safe for spans shorter than the wrap period; KBD_CLOCK_MS() converts ms to ticks
 *   (up to 1000 ms).
 */
#ifndef KBD_CLOCK_H
#define KBD_CLOCK_H

#include <stdint.h>

#define KBD_CLOCK_PRESCALER 256UL
#define KBD_CLOCK_MS(ms) ((uint16_t)((ms) * (F_CPU / KBD_CLOCK_PRESCALER) / 1000UL))

void kbd_clock_init(void);
uint16_t kbd_clock_now(void);

static inline uint16_t kbd_clock_since(uint16_t start) { return (uint16_t)(kbd_clock_now() - start); }

#endif /* KBD_CLOCK_H */

/*
 * led.h - what the board's LEDs say.
 *
 * Status LED: a short blink every second when idle (heartbeat), steady on while the target is in programming
 * mode, fast blinking for two seconds after an error (no target answered, a write timed out). The optional
 * activity LED is lit while the firmware talks to the target. led_task() must be called from the main loop.
 */
#ifndef LED_H
#define LED_H

#include <stdbool.h>

void led_init(void);
/* Steady on (true) or heartbeat (false). */
void led_set_programming(bool on);
/* Start the error pattern; it ends by itself. */
void led_show_error(void);
void led_set_activity(bool on);
void led_task(void);
/* Quiet (USB suspended): every LED off and kept off until quiet ends. */
void led_set_quiet(bool quiet);
/* All LEDs off and their pins released (before leaving for a bootloader). */
void led_release(void);

#endif /* LED_H */

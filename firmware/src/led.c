#include "board.h"

#include <avr/io.h>
#include <stdint.h>

#include "clock.h"
#include "led.h"

#define LED_HEARTBEAT_PERIOD_MS 1000U
#define LED_HEARTBEAT_ON_MS 60U
#define LED_ERROR_DURATION_MS 2000U
#define LED_ERROR_HALF_PERIOD_MS 80U

static bool led_programming;
static bool led_quiet;
static uint16_t led_last_ms;
static uint16_t led_phase_ms; /* position in the heartbeat period */
static bool led_error_active;
static uint16_t led_error_start;

static void led_status_write(bool lit)
{
#if BOARD_LED_STATUS_ACTIVE_LOW
	lit = !lit;
#endif
	if (lit)
		BOARD_LED_STATUS_PORT |= (1 << BOARD_LED_STATUS_BIT);
	else
		BOARD_LED_STATUS_PORT &= (uint8_t)~(1 << BOARD_LED_STATUS_BIT);
}

void led_set_activity(bool on)
{
	if (led_quiet)
		on = false;
#if BOARD_LED_ACTIVITY_PRESENT
#if BOARD_LED_ACTIVITY_ACTIVE_LOW
	on = !on;
#endif
	if (on)
		BOARD_LED_ACTIVITY_PORT |= (1 << BOARD_LED_ACTIVITY_BIT);
	else
		BOARD_LED_ACTIVITY_PORT &= (uint8_t)~(1 << BOARD_LED_ACTIVITY_BIT);
#else
	(void)on;
#endif
}

void led_init(void)
{
	led_status_write(false);
	BOARD_LED_STATUS_DDR |= (1 << BOARD_LED_STATUS_BIT);
#if BOARD_LED_ACTIVITY_PRESENT
	led_set_activity(false);
	BOARD_LED_ACTIVITY_DDR |= (1 << BOARD_LED_ACTIVITY_BIT);
#endif
}

void led_release(void)
{
	BOARD_LED_STATUS_DDR &= (uint8_t)~(1 << BOARD_LED_STATUS_BIT);
	BOARD_LED_STATUS_PORT &= (uint8_t)~(1 << BOARD_LED_STATUS_BIT);
#if BOARD_LED_ACTIVITY_PRESENT
	BOARD_LED_ACTIVITY_DDR &= (uint8_t)~(1 << BOARD_LED_ACTIVITY_BIT);
	BOARD_LED_ACTIVITY_PORT &= (uint8_t)~(1 << BOARD_LED_ACTIVITY_BIT);
#endif
}

static void led_update(uint16_t now)
{
	if (led_quiet) {
		led_status_write(false);
		return;
	}
	if (led_error_active) {
		uint16_t t = (uint16_t)(now - led_error_start);
		if (t < LED_ERROR_DURATION_MS) {
			led_status_write(((t / LED_ERROR_HALF_PERIOD_MS) & 1U) == 0);
			return;
		}
		led_error_active = false;
	}
	if (led_programming)
		led_status_write(true);
	else
		led_status_write(led_phase_ms < LED_HEARTBEAT_ON_MS);
}

void led_set_programming(bool on)
{
	led_programming = on;
	led_update(clock_ms());
}

void led_show_error(void)
{
	led_error_active = true;
	led_error_start = clock_ms();
}

void led_task(void)
{
	uint16_t now = clock_ms();
	if (now == led_last_ms)
		return; /* cheap when called in tight wait loops */
	led_phase_ms += (uint16_t)(now - led_last_ms);
	while (led_phase_ms >= LED_HEARTBEAT_PERIOD_MS)
		led_phase_ms -= LED_HEARTBEAT_PERIOD_MS;
	led_last_ms = now;
	led_update(now);
}

void led_set_quiet(bool quiet)
{
	if (quiet == led_quiet)
		return;
	led_quiet = quiet;
	led_set_activity(false);
	led_update(clock_ms());
}

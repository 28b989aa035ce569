/*
 * led_watch: a cycle timer reads each LED pin's DDR and PORT bits. Lit means the pin can pass current through the
 * LED: for an LED to ground (active high) the pin drives 1 or is an input with its pull-up on (dimly lit, but a
 * suspended device may not spend the current); for an LED to VCC (active low) the pin drives 0.
 * For the suspends it counts, per LED, whether it was lit the moment the bus went idle (the evidence
 * that the check had something to see) and for how long it was lit once the device's USB_HOST_SUSPEND_QUIET_MS to
 * go quiet had passed, until resume. Leaves out: brightness, PWM, and pins driven by a peripheral (timers' OCnx).
 */
#include "led_watch.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LED_WATCH_PINB 0x23 /* PINx, DDRx, PORTx for ports B..F are consecutive triples from here */
#define LED_WATCH_PER_MS 8u

struct led_watch {
	avr_t *avr;
	const usb_host_t *usb;
	led_watch_pin_t pins[LED_WATCH_MAX];
	unsigned count;
	avr_cycle_count_t period;
	uint64_t lit_at_suspend[LED_WATCH_MAX];
	uint64_t lit_suspended_cycles[LED_WATCH_MAX];
};

int led_watch_parse(const char *spec, led_watch_pin_t *pin, char *err, size_t err_len)
{
	const char *a = strchr(spec, ':'), *b = a ? strchr(a + 1, ':') : NULL;
	size_t role_len = a ? (size_t)(a - spec) : 0;
	if (!a || !b || !role_len || role_len >= sizeof pin->role || b - a != 3 ||
	    toupper((unsigned char)a[1]) < 'B' || toupper((unsigned char)a[1]) > 'F' || a[2] < '0' || a[2] > '7' ||
	    (strcmp(b + 1, "high") && strcmp(b + 1, "low"))) {
		snprintf(err, err_len, "--led '%s': expected ROLE:PIN:high|low, e.g. status:D6:high (Teensy 2.0)", spec);
		return -1;
	}
	memset(pin, 0, sizeof *pin);
	memcpy(pin->role, spec, role_len);
	pin->port = (char)toupper((unsigned char)a[1]);
	pin->bit = (uint8_t)(a[2] - '0');
	pin->active_low = !strcmp(b + 1, "low");
	return 0;
}

static int led_watch_lit(const led_watch_t *w, const led_watch_pin_t *p)
{
	unsigned pin_reg = LED_WATCH_PINB + 3u * (unsigned)(p->port - 'B');
	uint8_t mask = (uint8_t)(1u << p->bit);
	int output = (w->avr->data[pin_reg + 1] & mask) != 0;
	int high = (w->avr->data[pin_reg + 2] & mask) != 0;
	return p->active_low ? output && !high : high;
}

static void led_watch_suspend_begins(void *param)
{
	led_watch_t *w = param;
	for (unsigned i = 0; i < w->count; i++)
		if (led_watch_lit(w, &w->pins[i]))
			w->lit_at_suspend[i]++;
}

static avr_cycle_count_t led_watch_tick(avr_t *avr, avr_cycle_count_t when, void *param)
{
	led_watch_t *w = param;
	avr_cycle_count_t since;
	if (usb_host_suspend_active(w->usb, &since) &&
	    avr->cycle - since >= (avr_cycle_count_t)avr->frequency / 1000u * USB_HOST_SUSPEND_QUIET_MS) {
		for (unsigned i = 0; i < w->count; i++)
			if (led_watch_lit(w, &w->pins[i]))
				w->lit_suspended_cycles[i] += w->period;
	}
	return when + w->period;
}

led_watch_t *led_watch_attach(avr_t *avr, usb_host_t *usb, const led_watch_pin_t *pins, unsigned count)
{
	led_watch_t *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->avr = avr;
	w->usb = usb;
	w->count = count < LED_WATCH_MAX ? count : LED_WATCH_MAX;
	memcpy(w->pins, pins, w->count * sizeof pins[0]);
	w->period = avr->frequency / (1000u * LED_WATCH_PER_MS);
	if (w->count) {
		avr_cycle_timer_register(avr, w->period, led_watch_tick, w);
		usb_host_on_suspend(usb, led_watch_suspend_begins, w);
	}
	return w;
}

void led_watch_json(const led_watch_t *w, json_out_t *j)
{
	json_out_object(j, "leds");
	for (unsigned i = 0; i < w->count; i++) {
		const led_watch_pin_t *p = &w->pins[i];
		char pin[3] = { p->port, (char)('0' + p->bit), 0 };
		json_out_object(j, p->role);
		json_out_str(j, "pin", pin);
		json_out_str(j, "activeLevel", p->active_low ? "low" : "high");
		json_out_bool(j, "lit", led_watch_lit(w, p));
		json_out_u64(j, "litAtSuspendStart", w->lit_at_suspend[i]);
		json_out_num(j, "litWhileSuspendedMs", (double)w->lit_suspended_cycles[i] * 1e3 / w->avr->frequency);
		json_out_close(j);
	}
	json_out_close(j);
}

void led_watch_free(led_watch_t *w) { free(w); }

/*
 * led_watch: the programmer board's LEDs as its firmware drives them, read from the AVR's DDR and PORT registers,
 * and whether any of them is lit while the USB host has the bus suspended (a suspended device goes quiet: USB
 * clock frozen, LEDs off). The pins and their polarity come from the board table (@ispkit/boards) through --led;
 * nothing here is board-specific.
 */
#ifndef LED_WATCH_H
#define LED_WATCH_H
#include <stddef.h>
#include <stdint.h>

#include "json_out.h"
#include "sim_avr.h"
#include "usb_host.h"

#define LED_WATCH_MAX 4

typedef struct led_watch_pin {
	char role[16];   /* "status", "activity" */
	char port;       /* 'B'..'F' */
	uint8_t bit;
	int active_low;  /* lit when the pin drives 0 */
} led_watch_pin_t;

typedef struct led_watch led_watch_t;

/* Parses ROLE:PIN:high|low, e.g. "status:D6:high"; 0, or -1 with a one-line err. */
int led_watch_parse(const char *spec, led_watch_pin_t *pin, char *err, size_t err_len);
/* Samples the pins every 125 µs of simulated time; `usb` tells when a suspend is in effect. */
led_watch_t *led_watch_attach(avr_t *avr, usb_host_t *usb, const led_watch_pin_t *pins, unsigned count);
/* "leds": {ROLE: {pin, activeLevel, lit, litAtSuspendStart, litWhileSuspendedMs}, ...} */
void led_watch_json(const led_watch_t *w, json_out_t *j);
void led_watch_free(led_watch_t *w);

#endif

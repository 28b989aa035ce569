/* results: the stats JSON members (stdout events, --results file) and the target memory dumps (Intel HEX). */
#ifndef RESULTS_H
#define RESULTS_H
#include <stddef.h>

#include "isp_lines.h"
#include "isp_target.h"
#include "json_out.h"
#include "led_watch.h"
#include "sim_avr.h"
#include "spi_timing.h"
#include "usb_host.h"

typedef struct results_source {
	avr_t *avr;
	spi_timing_t *spi;
	isp_target_t *target;
	usb_host_t *usb;
	uint32_t flash_size, eeprom_size;
	const led_watch_t *leds;
	const isp_lines_t *lines;
} results_source_t;

/* Appends simSeconds, cycles, spiBytes, pageWrites, usbBytesOut/In, violations, fuses, lock, progEnabled, leds, ispLines. */
void results_stats(json_out_t *j, const results_source_t *src);
int results_dump_flash(const results_source_t *src, const char *path, char *err, size_t err_len);
int results_dump_eeprom(const results_source_t *src, const char *path, char *err, size_t err_len);
/* Writes the stats as one JSON object to path. */
int results_write(const results_source_t *src, const char *path, char *err, size_t err_len);

#endif

/* results: stats and dumps. Dumps skip 16-byte records that are all 0xFF (erased). */
#include "results.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hex_file.h"

void results_stats(json_out_t *j, const results_source_t *src)
{
	isp_target_stats_t ts;
	usb_host_stats_t us;
	uint8_t fuses[3], lock;
	isp_target_stats(src->target, &ts);
	usb_host_stats(src->usb, &us);
	isp_target_fuses(src->target, fuses, &lock);
	json_out_num(j, "simSeconds", (double)src->avr->cycle / (double)src->avr->frequency);
	json_out_u64(j, "cycles", src->avr->cycle);
	json_out_u64(j, "spiBytes", spi_timing_bytes(src->spi));
	json_out_u64(j, "spiCollisions", spi_timing_collisions(src->spi));
	json_out_u64(j, "pageWrites", ts.page_writes);
	json_out_u64(j, "usbBytesOut", us.bytes_out);
	json_out_u64(j, "usbBytesIn", us.bytes_in);
	json_out_object(j, "violations");
	json_out_u64(j, "busy", ts.busy_violations);
	json_out_u64(j, "sckTooFast", ts.sck_violations);
	json_out_u64(j, "enableTooEarly", ts.early_enable);
	json_out_close(j);
	json_out_object(j, "fuses");
	json_out_u64(j, "low", fuses[0]);
	json_out_u64(j, "high", fuses[1]);
	json_out_u64(j, "ext", fuses[2]);
	json_out_close(j);
	json_out_u64(j, "lock", lock);
	json_out_bool(j, "progEnabled", ts.prog_enabled);
	if (src->leds)
		led_watch_json(src->leds, j);
	if (src->lines)
		isp_lines_json(src->lines, j);
}

int results_dump_flash(const results_source_t *src, const char *path, char *err, size_t err_len)
{
	return hex_file_save(path, isp_target_flash(src->target), src->flash_size, err, err_len);
}

int results_dump_eeprom(const results_source_t *src, const char *path, char *err, size_t err_len)
{
	return hex_file_save(path, isp_target_eeprom(src->target), src->eeprom_size, err, err_len);
}

int results_write(const results_source_t *src, const char *path, char *err, size_t err_len)
{
	json_out_t j;
	json_out_begin(&j);
	results_stats(&j, src);
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, err_len, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	json_out_emit(&j, f);
	if (fclose(f)) {
		snprintf(err, err_len, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* cli: the simharness command line (`run` and `boot`), parsed into one configuration struct. */
#ifndef CLI_H
#define CLI_H
#include <stddef.h>
#include <stdint.h>

#include "faults.h"
#include "led_watch.h"
#include "part_facts.h"
#include "usb_event.h"

#define CLI_MAX_BOOTLOADERS 4
#define CLI_MAX_USB_EVENTS 16

typedef enum cli_mode { CLI_MODE_RUN = 1, CLI_MODE_BOOT } cli_mode_t;

typedef struct cli_config {
	cli_mode_t mode;
	/* programmer (run) */
	const char *firmware;
	uint32_t f_cpu;
	char reset_port;
	uint8_t reset_bit;
	uint32_t baud;
	int dtr, rts;
	int start_detached;          /* as Caterina leaves the chip: USB on, detached, interrupts enabled and pending */
	int usb_profile;             /* usb_profile_id_t */
	usb_event_t usb_events[CLI_MAX_USB_EVENTS];
	int usb_event_count;
	uint32_t usb_ping_ms;        /* GET_STATUS(device) every so many simulated ms (0: never) */
	uint8_t usb_serial[10];      /* the programmer chip's signature-row serial bytes */
	led_watch_pin_t leds[LED_WATCH_MAX]; /* the programmer board's LEDs (--led), watched while suspended */
	unsigned led_count;
	int no_usb; /* test firmwares without USB: ready at once, no enumeration deadline */
	uint32_t bootloaders[CLI_MAX_BOOTLOADERS]; /* byte addresses watched for a jump */
	int bootloader_count;
	int bootloader_given; /* --bootloader-address was used: bootloaders[0] is where a watchdog reset goes */
	/* target */
	const part_facts_t *part;
	uint8_t signature[3];
	uint32_t flash_size, flash_page, eeprom_size, eeprom_page;
	uint8_t fuses[3];
	uint8_t lock;
	uint8_t calibration;
	uint32_t target_clock;
	const char *flash_image, *eeprom_image;
	faults_t faults;
	/* serial side and results */
	const char *link;
	const char *dump_flash, *dump_eeprom, *results;
	double max_sim_seconds; /* 0 = no limit */
	unsigned host_wait_ms;
	/* boot */
	const char *image;
	double timeout_ms;
	int verbose;
} cli_config_t;

/*
 * Parses argv. Returns 0 when cfg is ready, 1 when usage was printed on request (exit 0), -1 on a bad command
 * line with a one-line err (exit 2).
 */
int cli_parse(int argc, char **argv, cli_config_t *cfg, char *err, size_t err_len);
/* Looks a part up by id or alias. */
const part_facts_t *cli_find_part(const char *id);

#endif

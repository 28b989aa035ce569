/* avr_board: simavr core creation and firmware loading. Leaves out: EEPROM/fuse contents of the programmer chip. */
#include "avr_board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex_file.h"

#define AVR_BOARD_MCU "atmega32u4"

avr_t *avr_board_create(const char *hex_path, uint32_t f_cpu, int verbose, char *err, size_t err_len)
{
	avr_t *avr = avr_make_mcu_by_name(AVR_BOARD_MCU);
	if (!avr) {
		snprintf(err, err_len, "libsimavr has no %s core", AVR_BOARD_MCU);
		return NULL;
	}
	avr_init(avr);
	avr->frequency = f_cpu;
	avr->log = verbose > 1 ? LOG_TRACE : LOG_ERROR;
	uint32_t size = avr->flashend + 1, lo, hi;
	uint8_t *image = malloc(size);
	if (!image) {
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	memset(image, 0xFF, size);
	if (hex_file_load(hex_path, image, size, &lo, &hi, err, err_len)) {
		free(image);
		return NULL;
	}
	if (hi == 0) {
		snprintf(err, err_len, "%s holds no data: not a firmware image", hex_path);
		free(image);
		return NULL;
	}
	memcpy(avr->flash, image, size);
	avr->codeend = hi;
	free(image);
	return avr;
}

void avr_board_set_reset_address(avr_t *avr, uint32_t byte_address)
{
	avr->reset_pc = byte_address;
	avr->pc = byte_address;
}

/* avr_board: one simulated ATmega32U4 with a firmware image loaded, shared by `run` (programmer) and `boot`. */
#ifndef AVR_BOARD_H
#define AVR_BOARD_H
#include <stddef.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_avr.h"

/* Creates the core at f_cpu and loads the Intel HEX at path into its flash. NULL with err on failure. */
avr_t *avr_board_create(const char *hex_path, uint32_t f_cpu, int verbose, char *err, size_t err_len);
/* Points both the current PC and the reset vector at a byte address (a programmed BOOTRST does this). */
void avr_board_set_reset_address(avr_t *avr, uint32_t byte_address);

#endif

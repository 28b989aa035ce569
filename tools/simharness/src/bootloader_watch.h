/*
 * bootloader_watch: notices the programmer firmware leaving for its bootloader — a jump to a watched address
 * (Caterina 0x7000, HalfKay 0x7E00, or --bootloader-address), or a watchdog reset, which on a board with BOOTRST
 * programmed starts the bootloader.
 */
#ifndef BOOTLOADER_WATCH_H
#define BOOTLOADER_WATCH_H
#include <stddef.h>
#include <stdint.h>

#include "sim_avr.h"

typedef enum bootloader_watch_via { BOOTLOADER_WATCH_NONE = 0, BOOTLOADER_WATCH_JUMP, BOOTLOADER_WATCH_WATCHDOG } bootloader_watch_via_t;

typedef struct bootloader_watch bootloader_watch_t;

bootloader_watch_t *bootloader_watch_attach(avr_t *avr, const uint32_t *addresses, int count);
/* Call after each instruction: non-zero once the firmware entered a bootloader. */
bootloader_watch_via_t bootloader_watch_check(bootloader_watch_t *w);
/* The address entered (for a watchdog reset: where a programmed BOOTRST goes, i.e. addresses[0]). */
uint32_t bootloader_watch_address(const bootloader_watch_t *w);
void bootloader_watch_free(bootloader_watch_t *w);

#endif

/*
 * bootloader_watch: PC comparison after each instruction, and a reset hook that looks at MCUSR.WDRF.
 * Leaves out: running the bootloader itself (the programmer's flash holds only the firmware), and jumps into the
 * middle of a bootloader (only its first instruction is watched).
 */
#include "bootloader_watch.h"

#include <stdlib.h>

#define BOOTLOADER_WATCH_MCUSR 0x54
#define BOOTLOADER_WATCH_WDRF 0x08
#define BOOTLOADER_WATCH_MAX 4

struct bootloader_watch {
	avr_io_t io;
	avr_t *avr;
	uint32_t addresses[BOOTLOADER_WATCH_MAX];
	int count;
	bootloader_watch_via_t via;
	uint32_t hit;
};

static avr_cycle_count_t bootloader_watch_after_reset(avr_t *avr, avr_cycle_count_t when, void *param)
{
	bootloader_watch_t *w = param;
	(void)when;
	if ((avr->data[BOOTLOADER_WATCH_MCUSR] & BOOTLOADER_WATCH_WDRF) && !w->via) {
		w->via = BOOTLOADER_WATCH_WATCHDOG;
		w->hit = w->count ? w->addresses[0] : 0;
	}
	return 0;
}

static void bootloader_watch_reset(avr_io_t *io)
{
	bootloader_watch_t *w = (bootloader_watch_t *)io;
	/* The watchdog module sets WDRF during the same reset, after this hook: look one cycle later. */
	avr_cycle_timer_register(w->avr, 1, bootloader_watch_after_reset, w);
}

bootloader_watch_t *bootloader_watch_attach(avr_t *avr, const uint32_t *addresses, int count)
{
	bootloader_watch_t *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->avr = avr;
	w->count = count > BOOTLOADER_WATCH_MAX ? BOOTLOADER_WATCH_MAX : count;
	for (int i = 0; i < w->count; i++)
		w->addresses[i] = addresses[i];
	w->io.kind = "bootloader-watch";
	w->io.reset = bootloader_watch_reset;
	avr_register_io(avr, &w->io);
	return w;
}

bootloader_watch_via_t bootloader_watch_check(bootloader_watch_t *w)
{
	if (w->via)
		return w->via;
	uint32_t pc = w->avr->pc;
	for (int i = 0; i < w->count; i++)
		if (pc == w->addresses[i]) {
			w->via = BOOTLOADER_WATCH_JUMP;
			w->hit = pc;
		}
	return w->via;
}

uint32_t bootloader_watch_address(const bootloader_watch_t *w) { return w->hit; }
void bootloader_watch_free(bootloader_watch_t *w) { free(w); }

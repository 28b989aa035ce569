#include "board.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/wdt.h>
#include <util/delay.h>

#include "bootloader.h"
#include "clock.h"
#include "usb_hw.h"
#include "usb_std.h"

#define BOOTLOADER_FINISH_MS 10U   /* let the status stage of the request complete */
#define BOOTLOADER_DETACHED_MS 10U /* stay off the bus long enough for the host to notice */

void bootloader_enter(void)
{
	uint16_t start = clock_ms();
	while (clock_elapsed_ms(start) < BOOTLOADER_FINISH_MS)
		usb_std_task();

	cli();
	usb_hw_stop();
	TIMSK0 = 0;
	TCCR0A = 0;
	TCCR0B = 0;
	SPCR = 0;
	_delay_ms(BOOTLOADER_DETACHED_MS);

#if BOARD_BOOTLOADER_CATERINA
	*(volatile uint16_t *)BOARD_BOOTKEY_ADDRESS = BOARD_BOOTKEY_VALUE;
	wdt_enable(WDTO_15MS);
	for (;;)
		;
#elif BOARD_BOOTLOADER_HALFKAY
	/* As if from reset: no pins driven, then into the bootloader. */
	DDRB = 0;
	DDRC = 0;
	DDRD = 0;
	DDRE = 0;
	DDRF = 0;
	PORTB = 0;
	PORTC = 0;
	PORTD = 0;
	PORTE = 0;
	PORTF = 0;
	__asm__ __volatile__("jmp %0" ::"i"(BOARD_BOOTLOADER_ADDRESS));
	__builtin_unreachable();
#else
	wdt_enable(WDTO_15MS);
	for (;;)
		;
#endif
}

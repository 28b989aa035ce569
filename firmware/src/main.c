/*
 * main.c - ispkit programmer firmware: wiring of the layers and the main loop.
 *
 * usb_hw (controller) -> usb_std (chapter 9, polled) -> cdc_acm (serial function) -> stk500 (protocol)
 * -> isp (target operations) -> isp_spi (SPI clock and bytes); led and clock on the side.
 * All board facts come from the generated board_config.h through board.h.
 */
#include "board.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/wdt.h>

#include "bootloader.h"
#include "cdc_acm.h"
#include "clock.h"
#include "isp.h"
#include "led.h"
#include "stk500.h"
#include "usb_hw.h"
#include "usb_std.h"

/* Runs before main: a watchdog reset leaves the watchdog on, which would reset us again. */
void main_early_init(void) __attribute__((naked, used, section(".init3")));
void main_early_init(void)
{
	MCUSR = 0;
	wdt_disable();
}

void isp_idle(void)
{
	usb_std_task();
	led_task();
}

int main(void)
{
	cli();
	/* Interrupt vectors in the application section, whatever a bootloader left. */
	MCUCR = (1 << IVCE);
	MCUCR = 0;
	clock_init();
	led_init();
	isp_init();
	stk500_init();
	sei();
	usb_hw_init();
	usb_std_init();

	for (;;) {
		usb_std_task();
		stk500_task();
		led_task();
		if (cdc_acm_reboot_requested()) {
			isp_leave();
			led_release();
			bootloader_enter();
		}
	}
}

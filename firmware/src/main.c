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
#include "descriptors.h"
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

/*
 * isp_idle() runs INSIDE a command that waits on the target (RDY/BSY, the 20 ms settle of programming enable)
 * and about once per millisecond of long block transfers (between cycle-timed bursts, at most 2.1 ms apart). It may:
 * - run usb_std_task(): endpoint 0, device registers and flags only (its contract is in usb_std.h);
 * - append whole OUT packets at the head of the receive ring (cdc_acm_poll_out()), which never moves a byte the
 *   command reads (a command only starts once all of its bytes are in the ring) and takes nothing while a link
 *   event is pending;
 * - step the LEDs, dark from the first poll that sees the bus suspended (a suspend may begin inside a long command,
 *   which goes on; a suspended device must go quiet within 10 ms, not when the command ends).
 * It must not touch the ring's read side, the send state, or the command's state. Link events are acted on only
 * between commands, in main_link_reset().
 */
void isp_idle(void)
{
	usb_std_task();
	cdc_acm_poll_out();
	led_set_quiet(usb_std_suspended());
	led_task();
}

bool isp_should_stop(void)
{
	return usb_std_link_check();
}

/*
 * After a bus reset, SET_CONFIGURATION, SET_INTERFACE or a data endpoint's halt cleared: the command that was
 * running has stopped (isp_should_stop()) and sent nothing; now every byte received before the event is dropped,
 * the target is released (programming mode left), and the protocol starts a fresh session.
 */
static void main_link_reset(void)
{
	isp_leave();
	led_set_programming(false);
	cdc_acm_link_reset();
	stk500_init();
	usb_std_link_clear();
}

int main(void)
{
	cli();
	/* Interrupt vectors in the application section, whatever a bootloader left. */
	MCUCR = (1 << IVCE);
	MCUCR = 0;
	/* USB first: a bootloader (Caterina) may leave USB interrupts enabled with flags pending, which must be
	 * switched off before interrupts are enabled. */
	usb_hw_init();
	descriptors_init(); /* reads the signature row: interrupts must be off */
	clock_init();
	led_init();
	isp_init();
	stk500_init();
	sei();
	usb_std_init();

	for (;;) {
		usb_std_task();
		if (usb_std_link_pending())
			main_link_reset();
		cdc_acm_poll_out();
		stk500_task();
		led_set_quiet(usb_std_suspended());
		led_task();
		/* A reboot request never abandons a target in programming mode: it is dropped (see README). */
		if (cdc_acm_reboot_armed() && isp_active())
			cdc_acm_reboot_cancel();
		if (cdc_acm_reboot_due()) {
			isp_leave();
			led_release();
			bootloader_enter();
		}
	}
}

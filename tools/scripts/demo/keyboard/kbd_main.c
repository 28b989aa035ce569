/*
 * kbd_main.c - the ispkit demo keyboard: a USB HID boot keyboard for a 16 MHz ATmega32U4, small enough to sit
 * below any bootloader. Written for the demo from the ATmega32U4 datasheet (USB controller chapter), USB 2.0
 * chapter 9 and HID 1.11; it has no key matrix yet: the scan is a placeholder that reports no key pressed.
 *
 * It starts cleanly however it is entered: from reset, or from a bootloader's jump to 0 with the USB controller
 * still running (see kbd_usb.h). Everything is polled; global interrupts stay off.
 */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/wdt.h>
#include <string.h>

#include "kbd_clock.h"
#include "kbd_descriptors.h"
#include "kbd_hid.h"
#include "kbd_usb.h"

#define KBD_MAIN_SCAN_MS KBD_DESCRIPTORS_KEYBOARD_INTERVAL_MS

/* Placeholder matrix scan: a real keyboard drives its rows and reads its columns here. */
static void kbd_main_scan(uint8_t report[KBD_HID_REPORT_SIZE])
{
	memset(report, 0, KBD_HID_REPORT_SIZE);
}

int main(void)
{
	uint8_t report[KBD_HID_REPORT_SIZE];

	cli();
	MCUSR &= (uint8_t)~(1 << WDRF); /* a watchdog a bootloader armed must not reset us */
	wdt_disable();
	kbd_clock_init();
	kbd_usb_init();

	uint16_t last_scan = kbd_clock_now();
	for (;;) {
		kbd_usb_task();
		if (kbd_clock_since(last_scan) >= KBD_CLOCK_MS(KBD_MAIN_SCAN_MS)) {
			last_scan = kbd_clock_now();
			if (kbd_usb_configured()) {
				kbd_main_scan(report);
				kbd_hid_send_report(report); /* dropped when the host has not taken the last one */
			}
		}
	}
}

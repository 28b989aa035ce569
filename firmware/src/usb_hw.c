#include "board.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <util/delay.h>

#include "usb_hw.h"

#if F_CPU == 16000000UL
#define USB_HW_PLL_INPUT (1 << PINDIV) /* 16 MHz crystal divided by 2 for the PLL */
#else
#define USB_HW_PLL_INPUT 0
#endif
#define USB_HW_PLL_LOCK_TRIES 1000U /* x 10 us: the PLL locks in about 100 us */

void usb_hw_init(void)
{
	uint16_t tries;

	/* Whatever a bootloader left: no USB interrupts, then disable (= reset) the controller. */
	UDIEN = 0;
	USBINT = 0;
	UDINT = 0;
	USBCON = (1 << FRZCLK);
	USBCON = 0;
	UHWCON = (1 << UVREGE);

	PLLCSR = 0;
	PLLCSR = USB_HW_PLL_INPUT;
	PLLCSR = USB_HW_PLL_INPUT | (1 << PLLE);
	for (tries = 0; tries < USB_HW_PLL_LOCK_TRIES && !(PLLCSR & (1 << PLOCK)); tries++)
		_delay_us(10);

	USBCON = (1 << USBE) | (1 << FRZCLK) | (1 << OTGPADE);
	USBCON = (1 << USBE) | (1 << OTGPADE);
	UDCON = (1 << DETACH); /* full speed; start detached so the host sees a fresh attach */
	UDINT = 0;
	_delay_ms(2);
	UDCON = 0; /* attach */
}

void usb_hw_stop(void)
{
	UDIEN = 0;
	UDCON = (1 << DETACH);
	USBCON = (1 << FRZCLK);
	USBCON = 0;
	PLLCSR = 0;
	UHWCON = 0;
}

bool usb_hw_configure_endpoint(uint8_t ep, uint8_t type, uint8_t size_cfg)
{
	UENUM = ep;
	UECONX = (1 << EPEN);
	UECFG0X = type;
	UECFG1X = size_cfg;
	return (UESTA0X & (1 << CFGOK)) != 0;
}

/*
 * The stack is polled and enables no USB interrupt, but a bootloader may start us with some enabled and their
 * flags pending (Caterina leaves UDIEN/USBCON.VBUSTE set). usb_hw_init() runs before interrupts are enabled and
 * clears them; should one fire anyway, these switch the sources off instead of letting it reach
 * __bad_interrupt, which jumps to 0 and restarts the firmware (a reset loop while the flag stays set).
 */
ISR(USB_GEN_vect)
{
	UDIEN = 0;
	USBCON &= (uint8_t)~(1 << VBUSTE);
}

ISR(USB_COM_vect)
{
	uint8_t saved = UENUM;
	for (uint8_t ep = 0; ep <= USB_HW_MAX_ENDPOINT; ep++) {
		UENUM = ep;
		UEIENX = 0;
	}
	UENUM = saved;
}

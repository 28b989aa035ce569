/*
 * boot.c - a STAND-IN bootloader for the ispkit demo, so that the demo needs no prebuilt binaries. A real
 * keyboard carries Caterina, Atmel DFU or QMK DFU here; this one cannot program anything.
 *
 * Linked at the Caterina boot section, 0x7000 (BOOTSZ = 4 KB): with BOOTRST programmed the chip resets into it.
 * It blinks nothing and enumerates nothing: it leaves the USB controller the way a LUFA-based bootloader such
 * as Caterina does when it starts the application (PLL locked, USBCON = 0x91, clock running, UDCON.DETACH set,
 * global interrupts off), then jumps to the application's reset vector at 0x0000. The application must cope
 * with that state, and the demo shows that it does.
 */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/wdt.h>

#if F_CPU != 16000000UL
#error "the stand-in bootloader is built for a 16 MHz ATmega32U4 (PLL input divider)"
#endif

int main(void)
{
	cli();
	MCUSR &= (uint8_t)~(1 << WDRF);
	wdt_disable();

	UHWCON = (1 << UVREGE);
	PLLCSR = (1 << PINDIV) | (1 << PLLE);
	while (!(PLLCSR & (1 << PLOCK))) {
	}
	USBCON = (1 << USBE) | (1 << FRZCLK) | (1 << OTGPADE) | (1 << VBUSTE);
	USBCON = (1 << USBE) | (1 << OTGPADE) | (1 << VBUSTE); /* 0x91 */
	UDCON = (1 << DETACH);

	__asm__ __volatile__("jmp 0");
	__builtin_unreachable();
}

/*
 * bootloader.h - leave the programmer firmware for the board's bootloader (a host's reboot request).
 *
 * bootloader_enter() lets the pending control transfer finish, detaches from USB (the host sees the device
 * leave), stops the USB controller, PLL, timers and SPI, then:
 * - HalfKay (Teensy 2.0): jumps to the bootloader start address with all used peripherals reset;
 * - Caterina (Pro Micro): stores the boot key in RAM and lets the watchdog reset the chip, which Caterina
 *   reads as "stay in the bootloader".
 * The caller releases the target and the LEDs first. Boards without a bootloader never request it.
 */
#ifndef BOOTLOADER_H
#define BOOTLOADER_H

void bootloader_enter(void) __attribute__((noreturn));

#endif /* BOOTLOADER_H */

import type { BoardDefinition } from '../board.js';

/** PJRC Teensy 2.0: 16 MHz, LED on D6 (lit when high), HalfKay bootloader in the top 512 bytes. */
export const teensy2 = {
  id: 'teensy2',
  name: 'Teensy 2.0',
  mcu: 'atmega32u4',
  fCpu: 16_000_000,
  voltage: 5,
  targetReset: 'B0',
  leds: { status: { pin: 'D6', activeLevel: 'high' } },
  bootloader: { kind: 'halfkay', address: 0x7e00, size: 512 },
  usbProduct: 'ispkit ISP programmer (Teensy 2.0)',
} as const satisfies BoardDefinition;

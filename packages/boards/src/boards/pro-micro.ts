import type { BoardDefinition } from '../board.js';

/**
 * SparkFun Pro Micro 5 V / 16 MHz (and clones): target RESET on B6 (labelled 10), RX LED on B0 and TX LED on D5
 * (both lit when low), Caterina bootloader in the top 4 KB. The RX LED keeps PB0 (SPI SS) an output.
 */
export const proMicro = {
  id: 'pro-micro',
  name: 'Pro Micro 5 V (16 MHz)',
  mcu: 'atmega32u4',
  fCpu: 16_000_000,
  voltage: 5,
  targetReset: 'B6',
  labels: { B6: 'pin 10', B1: 'pin 15', B2: 'pin 16', B3: 'pin 14' },
  leds: { status: { pin: 'B0', activeLevel: 'low' }, activity: { pin: 'D5', activeLevel: 'low' } },
  bootloader: { kind: 'caterina', address: 0x7000, size: 4096, bootKey: { address: 0x0800, value: 0x7777 } },
  usbProduct: 'ispkit ISP programmer (Pro Micro)',
} as const satisfies BoardDefinition;

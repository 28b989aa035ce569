import type { BoardDefinition } from '../board.js';
import { proMicro } from './pro-micro.js';

/** Pro Micro 3.3 V / 8 MHz: the same board as pro-micro with a slower crystal. */
export const proMicro3v3 = {
  ...proMicro,
  id: 'pro-micro-3v3',
  name: 'Pro Micro 3.3 V (8 MHz)',
  fCpu: 8_000_000,
  voltage: 3.3,
  usbProduct: 'ispkit ISP programmer (Pro Micro 3.3V)',
} as const satisfies BoardDefinition;

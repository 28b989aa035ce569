/**
 * The shape of one programmer board: everything the firmware needs to know about the ATmega32U4 board it runs
 * on. Board files (src/boards/*.ts) are data only; validate-board.ts checks them and board-header.ts turns one
 * into the C header the firmware compiles against. Nothing board-specific is written by hand in C.
 */

/** An ATmega32U4 I/O pin as port letter + bit, e.g. 'B0', 'D6'. */
export type PinName = `${'B' | 'C' | 'D' | 'E' | 'F'}${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7}`;

/** How an LED is wired: 'high' = lit when the pin drives 1, 'low' = lit when the pin drives 0. */
export type LedPolarity = 'high' | 'low';

export interface LedDefinition {
  readonly pin: PinName;
  /** Required: wiring differs between boards (Teensy 2.0 high, Pro Micro low). */
  readonly activeLevel: LedPolarity;
}

/**
 * The bootloader that owns the top of flash on the programmer board, and how a host asks the running firmware
 * to reboot into it (the CDC line-coding convention the bootloader's tools use).
 */
export type BootloaderDefinition =
  | {
      /** PJRC HalfKay (Teensy 2.0): a host sets 134 baud; the firmware detaches USB and jumps to `address`. */
      readonly kind: 'halfkay';
      readonly address: number;
      readonly size: number;
    }
  | {
      /**
       * Arduino Caterina (Pro Micro, Leonardo): a host sets 1200 baud and drops DTR; the firmware detaches USB,
       * stores `bootKey.value` at RAM `bootKey.address` and lets the watchdog reset the chip into Caterina.
       */
      readonly kind: 'caterina';
      readonly address: number;
      readonly size: number;
      readonly bootKey: { readonly address: number; readonly value: number };
    }
  | {
      /** No bootloader: the whole flash is the application's and there is no reboot request. */
      readonly kind: 'none';
    };

/**
 * What PB0 (the hardware SPI SS pin) does on a board where it is neither the target RESET nor an LED. When SS
 * is an input that reads low, the SPI hardware drops out of master mode, so it must be driven or pulled high.
 */
export type UnusedSsMode = 'drive-high' | 'pull-up';

export interface BoardDefinition {
  /** Lower-case id, [a-z0-9-]; names the hex file (`ispkit-<id>-<reset>.hex`) and the board file. */
  readonly id: string;
  /** Human name, e.g. 'Teensy 2.0'. */
  readonly name: string;
  readonly mcu: 'atmega32u4';
  /** Crystal frequency the firmware runs at (the firmware clears the clock prescaler at start). */
  readonly fCpu: 16_000_000 | 8_000_000;
  /** Supply voltage of the board (and so of the wired target's I/O), for the wiring table. */
  readonly voltage: 5 | 3.3;
  /** The pin wired to the target's RESET. Must not be one of the SPI pins B1/B2/B3. */
  readonly targetReset: PinName;
  /** The labels printed on the board next to each wired pin (defaults to the pin name). */
  readonly labels?: Partial<Record<PinName, string>>;
  /** Status LED (heartbeat, programming, error); optional activity LED (lit while talking to the target). */
  readonly leds: { readonly status: LedDefinition; readonly activity?: LedDefinition };
  readonly bootloader: BootloaderDefinition;
  /** Required only when PB0 is neither the target RESET nor an LED; see UnusedSsMode. */
  readonly unusedSs?: UnusedSsMode;
  /** USB product string (manufacturer is always "ispkit"); ASCII, at most 60 characters. */
  readonly usbProduct: string;
}

/** The hardware SPI pins of the ATmega32U4 (fixed by the silicon). */
export const spiPins = { ss: 'B0', sck: 'B1', mosi: 'B2', miso: 'B3' } as const satisfies Record<string, PinName>;

/** Every I/O pin the ATmega32U4 (44-pin package) has. */
export const atmega32u4Pins: readonly PinName[] = [
  'B0', 'B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7',
  'C6', 'C7',
  'D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7',
  'E2', 'E6',
  'F0', 'F1', 'F4', 'F5', 'F6', 'F7',
];

/** USB identity shared by every ispkit programmer: 16C0:0483 is what QMK Toolbox recognises as an AVR ISP. */
export const usbIdentity = { vendorId: 0x16c0, productId: 0x0483, manufacturer: 'ispkit' } as const;

/** The largest application image on this board, in bytes (the flash below the bootloader). */
export function applicationLimit(board: BoardDefinition, flashSize = 32768): number {
  return board.bootloader.kind === 'none' ? flashSize : board.bootloader.address;
}

/** File name stem of the firmware built for this board, e.g. 'ispkit-teensy2-b0'. */
export function firmwareName(board: BoardDefinition): string {
  return `ispkit-${board.id}-${board.targetReset.toLowerCase()}`;
}

/** The label printed on the board for a pin ('pin 10' on a Pro Micro), or the pin name. */
export function pinLabel(board: BoardDefinition, pin: PinName): string {
  return board.labels?.[pin] ?? pin;
}

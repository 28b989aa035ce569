/** USB IDs that identify the programmer boards' bootloaders and common firmwares on them. */

export interface UsbId {
  vendorId: number;
  productId: number;
  /** What it is, for messages. */
  name: string;
}

/** Caterina while it runs (SparkFun Pro Micro 5 V / 3.3 V, Arduino Leonardo / Micro, arduino.org). */
export const caterinaBootloaderIds: readonly UsbId[] = [
  { vendorId: 0x1b4f, productId: 0x9205, name: 'Pro Micro 5 V bootloader (Caterina)' },
  { vendorId: 0x1b4f, productId: 0x9203, name: 'Pro Micro 3.3 V bootloader (Caterina)' },
  { vendorId: 0x2341, productId: 0x0036, name: 'Leonardo bootloader (Caterina)' },
  { vendorId: 0x2341, productId: 0x0037, name: 'Micro bootloader (Caterina)' },
  { vendorId: 0x2a03, productId: 0x0036, name: 'Leonardo bootloader (Caterina)' },
];

/** Arduino sketches on a 32U4 board (they honour the 1200-baud touch). */
export const caterinaSketchIds: readonly UsbId[] = [
  { vendorId: 0x1b4f, productId: 0x9206, name: 'Pro Micro 5 V sketch' },
  { vendorId: 0x1b4f, productId: 0x9204, name: 'Pro Micro 3.3 V sketch' },
  { vendorId: 0x2341, productId: 0x8036, name: 'Leonardo sketch' },
  { vendorId: 0x2341, productId: 0x8037, name: 'Micro sketch' },
  { vendorId: 0x2a03, productId: 0x8036, name: 'Leonardo sketch' },
];

/** Sketches on SparkFun Pro Micro ids: certainly a Pro Micro. */
export const proMicroSketchIds: readonly UsbId[] = caterinaSketchIds.filter((id) => id.vendorId === 0x1b4f);

/** PJRC HalfKay bootloader (Teensy 2.0 and other Teensy boards). */
export const halfKayId: UsbId = { vendorId: 0x16c0, productId: 0x0478, name: 'Teensy bootloader (HalfKay)' };

/** Teensyduino "USB Serial" and QMK's prebuilt ISP programmer firmware (answer the 134-baud reboot on a Teensy). */
export const teensySerialId: UsbId = { vendorId: 0x16c0, productId: 0x0483, name: 'USB Serial (Teensyduino / ISP)' };

export function matchesId(d: { vendorId?: number | undefined; productId?: number | undefined }, id: { vendorId: number; productId: number }): boolean {
  return d.vendorId === id.vendorId && d.productId === id.productId;
}

export function findId(
  d: { vendorId?: number | undefined; productId?: number | undefined },
  ids: readonly UsbId[],
): UsbId | undefined {
  return ids.find((id) => matchesId(d, id));
}

export function formatUsbId(d: { vendorId?: number | undefined; productId?: number | undefined }): string {
  if (d.vendorId === undefined || d.productId === undefined) return 'no USB id';
  return `${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')}`;
}

/**
 * One open USB HID device, as the HalfKay client needs it: output reports only. The node-hid adapter lives in
 * `@ispkit/loaders/node-hid`; tests use the HalfKay model in `@ispkit/loaders/testing`.
 */
export interface HidDevice {
  /**
   * Send one output report of report ID 0; `report` excludes the ID byte (the adapter adds it). Rejects with an
   * error whose `code` is 'closed' when the device is gone; any other rejection is a failed transfer (e.g. the
   * device stalled while busy erasing) that may succeed when retried.
   */
  write(report: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface HidDeviceInfo {
  /** OS path to open (Linux: /dev/hidrawN). */
  path: string;
  vendorId: number;
  productId: number;
  product?: string;
  serialNumber?: string;
}

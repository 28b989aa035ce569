/**
 * @ispkit/loaders' HidDevice over WebHID: one output report of report ID 0 per write (the browser puts the ID
 * byte in front, as hidraw expects). A device that went away rejects with code 'closed', as the contract asks.
 */
import type { HidDevice } from '@ispkit/loaders';

export class WebHidDevice implements HidDevice {
  private gone = false;
  private readonly onDisconnect = (e: HIDConnectionEvent) => {
    if (e.device === this.device) this.gone = true;
  };

  private constructor(readonly device: HIDDevice) {
    navigator.hid.addEventListener('disconnect', this.onDisconnect);
  }

  static async open(device: HIDDevice): Promise<WebHidDevice> {
    if (!device.opened) await device.open();
    return new WebHidDevice(device);
  }

  async write(report: Uint8Array): Promise<void> {
    if (this.gone || !this.device.opened) throw Object.assign(new Error('the HID device is gone'), { code: 'closed' });
    try {
      await this.device.sendReport(0, report as Uint8Array<ArrayBuffer>);
    } catch (err) {
      if (this.gone || !this.device.opened) throw Object.assign(new Error('the HID device is gone'), { code: 'closed', cause: err });
      throw err;
    }
  }

  async close(): Promise<void> {
    navigator.hid.removeEventListener('disconnect', this.onDisconnect);
    try {
      if (this.device.opened) await this.device.close();
    } catch {
      // already gone
    }
  }
}

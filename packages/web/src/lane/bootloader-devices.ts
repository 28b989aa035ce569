/**
 * The programmer boards' bootloaders as devices the browser can open: @ispkit/loaders' TS models behind a pty
 * the lane shows as the bootloader's USB device (HalfKay: a hidraw node; Caterina: a CDC serial port).
 */
import { caterinaBootloaderIds, halfKayId } from '@ispkit/loaders';
import { CaterinaModel, HalfKayModel, VirtualClock } from '@ispkit/loaders/testing';
import { plugHidDevice, plugSerialPort, type FakeDevice } from './fake-devices.js';
import { startPtyRelay, type PtyRelay } from './pty-relay.js';

/**
 * Teensy 2.0 HalfKay's HID report descriptor as the lane describes it: a vendor-defined collection with one
 * 130-byte output report and no report ID (PJRC's Teensy 2.0 block size 128 + a 2-byte address).
 */
export const HALFKAY_REPORT_DESCRIPTOR = Uint8Array.from([
  0x06, 0x9c, 0xff, // Usage Page (vendor 0xFF9C)
  0x09, 0x24, // Usage (0x24)
  0xa1, 0x01, // Collection (Application)
  0x75, 0x08, // Report Size (8)
  0x15, 0x00, // Logical Minimum (0)
  0x26, 0xff, 0x00, // Logical Maximum (255)
  0x96, 0x82, 0x00, // Report Count (130)
  0x09, 0x75, // Usage (0x75)
  0x91, 0x02, // Output (Data, Variable, Absolute)
  0xc0, // End Collection
]);
const HALFKAY_REPORT = 130;

export interface BootloaderDevice<M> {
  readonly model: M;
  /** Settles when the model leaves the bootloader (boot command / exit); the device is unplugged by then. */
  readonly left: Promise<void>;
  /** Transport failures the model could not report to the browser (a pty cannot stall a write). */
  readonly problems: string[];
  close(): Promise<void>;
}

/**
 * HalfKay behind a hidraw-faked pty. Each report arrives as the report-ID byte (0) plus 130 bytes. A pty cannot
 * fail a single write the way a stalled USB transfer does, so the model runs with no busy-after-erase stalls
 * (the client's retry path is covered by @ispkit/loaders' own tests); a rejected report is recorded in `problems`.
 */
export async function plugHalfKay(flash?: Uint8Array): Promise<BootloaderDevice<HalfKayModel>> {
  const model = new HalfKayModel({ busyAfterErase: 0, ...(flash ? { flash } : {}) });
  const problems: string[] = [];
  let pending = new Uint8Array(0);
  let queue = Promise.resolve();
  let resolveLeft!: () => void;
  const left = new Promise<void>((r) => (resolveLeft = r));
  let device: FakeDevice | undefined;
  let relay: PtyRelay | undefined;
  const onData = (chunk: Uint8Array) => {
    const next = new Uint8Array(pending.length + chunk.length);
    next.set(pending);
    next.set(chunk, pending.length);
    pending = next;
    while (pending.length >= HALFKAY_REPORT + 1) {
      const frame = pending.slice(0, HALFKAY_REPORT + 1);
      pending = pending.slice(HALFKAY_REPORT + 1);
      queue = queue.then(async () => {
        if (frame[0] !== 0) problems.push(`report with ID ${frame[0]}, expected 0`);
        try {
          await model.device.write(frame.subarray(1));
        } catch (err) {
          problems.push((err as Error).message);
        }
      });
    }
  };
  model.onBoot(() => {
    void (async () => {
      await device?.unplug();
      await relay?.close();
      resolveLeft();
    })();
  });
  relay = await startPtyRelay(onData, { ctty: true });
  device = await plugHidDevice(relay.pty, {
    vendorId: halfKayId.vendorId,
    productId: halfKayId.productId,
    name: 'Teensy HalfKay',
    serial: '',
    reportDescriptor: HALFKAY_REPORT_DESCRIPTOR,
  });
  return {
    model,
    left,
    problems,
    async close() {
      await device?.unplug();
      await relay?.close();
    },
  };
}

/**
 * Caterina behind a serial-faked pty with the Pro Micro 5 V bootloader's id. The model's clock follows wall time
 * (its 8 s timeout and the 500 ms after `E` are real), and its replies are forwarded as they appear.
 */
export async function plugCaterina(flash?: Uint8Array): Promise<BootloaderDevice<CaterinaModel>> {
  const clock = new VirtualClock();
  const model = new CaterinaModel({ clock, ...(flash ? { flash } : {}) });
  const problems: string[] = [];
  let relay: PtyRelay | undefined;
  let device: FakeDevice | undefined;
  let resolveLeft!: () => void;
  const left = new Promise<void>((r) => (resolveLeft = r));
  const pump = async () => {
    for (;;) {
      try {
        const b = await model.stream.read(1, 0);
        relay?.send(b);
      } catch {
        return;
      }
    }
  };
  let queue = Promise.resolve();
  const onData = (chunk: Uint8Array) => {
    queue = queue.then(async () => {
      try {
        await model.stream.write(chunk);
      } catch (err) {
        problems.push((err as Error).message);
      }
      await pump();
    });
  };
  let last = Date.now();
  const ticker = setInterval(() => {
    const now = Date.now();
    clock.advance(now - last);
    last = now;
  }, 20);
  model.onLeave(() => {
    clearInterval(ticker);
    void (async () => {
      await device?.unplug();
      await relay?.close();
      resolveLeft();
    })();
  });
  relay = await startPtyRelay(onData);
  const id = caterinaBootloaderIds[0]!;
  device = await plugSerialPort(relay.pty, { vendorId: id.vendorId, productId: id.productId, label: 'SparkFun Pro Micro', serial: '' });
  return {
    model,
    left,
    problems,
    async close() {
      clearInterval(ticker);
      await device?.unplug();
      await relay?.close();
    },
  };
}

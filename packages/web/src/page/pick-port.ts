/**
 * Which serial port is the programmer: a port this page may already use (granted earlier, or by policy) with the
 * ispkit USB id, else the browser's chooser filtered to that id. Web Serial shows no product strings, so two
 * ispkit programmers cannot be told apart here: with several, the chooser decides.
 */
import { usbIdentity } from '@ispkit/boards';

export const programmerFilter: SerialPortFilter = { usbVendorId: usbIdentity.vendorId, usbProductId: usbIdentity.productId };

export function isProgrammerPort(port: SerialPort): boolean {
  const info = port.getInfo();
  return info.usbVendorId === usbIdentity.vendorId && info.usbProductId === usbIdentity.productId;
}

export async function pickProgrammerPort(): Promise<SerialPort> {
  const known = (await navigator.serial.getPorts()).filter(isProgrammerPort);
  if (known.length === 1) return known[0]!;
  return navigator.serial.requestPort({ filters: [programmerFilter] });
}

/** The browser's words for a port that failed to open, as the CLI's one-line reason and hint. */
export function openFailure(err: unknown): string {
  const e = err as { name?: string; message?: string };
  if (e.name === 'NotFoundError') return 'no programmer chosen: plug it in and pick it in the browser\'s list (it shows as "ispkit" or 16c0:0483)';
  if (e.name === 'InvalidStateError') return 'the port is already open in this page: wait for the other step to finish';
  if (e.name === 'NetworkError' || e.name === 'SecurityError') {
    return `cannot open the programmer's port: ${e.message ?? e.name}: close other programs using it (serial monitor, avrdude, QMK Toolbox), or on Linux add yourself to the dialout group, then retry`;
  }
  return `cannot open the programmer's port: ${e.message ?? String(err)}`;
}

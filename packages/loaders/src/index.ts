export { LoaderError, type LoaderErrorCode } from './loader-error.js';
export { StreamError, type ByteStream, type StreamErrorCode } from './byte-stream.js';
export { systemClock, type Clock } from './clock.js';
export { assertImageFits, imageBlocks, imageEnd, type FlashImage, type FlashBlock } from './flash-image.js';
export type { LoaderProgress, ProgressListener } from './progress.js';
export { Avr109Client, defaultAvr109Timeouts, type Avr109Timeouts, type Avr109TraceEvent } from './avr109-client.js';
export { programAvr109, type Avr109ProgramOptions, type Avr109Result } from './program-avr109.js';
export type { HidDevice, HidDeviceInfo } from './hid-device.js';
export {
  programHalfKay,
  halfKayReport,
  halfKayBootReport,
  teensy2HalfKay,
  type HalfKayProgramOptions,
  type HalfKayResult,
} from './program-halfkay.js';
export {
  installProgrammer,
  cliInstallWords,
  describeSerialPort,
  type InstallDevices,
  type InstallEvent,
  type InstallOptions,
  type InstallResult,
  type InstallWords,
  type ProgrammerBoard,
  type SerialPortInfo,
} from './install-programmer.js';
export { serialPermissionHint, hidPermissionHint } from './permission-hints.js';
export {
  caterinaBootloaderIds,
  caterinaSketchIds,
  halfKayId,
  teensySerialId,
  formatUsbId,
  type UsbId,
} from './usb-ids.js';

/** The real-browser lane (`@ispkit/web/testing`): run inside src/lane/enter-namespace.sh. */
export { startLane, plugProgrammer, programmerIdentity, screenshotDir, type Lane } from './lane.js';
export { launchChromium, grantOrigin, CHROMIUM, CHROMIUM_ARGS } from './browser.js';
export { assertInLane, plugSerialPort, sendUevent, type FakeDevice, type UsbIdentity } from './fake-devices.js';
export { plugHidDevice, type HidIdentity } from './fake-devices.js';
export { startPtyRelay, type PtyRelay } from './pty-relay.js';
export { plugHalfKay, plugCaterina, HALFKAY_REPORT_DESCRIPTOR, type BootloaderDevice } from './bootloader-devices.js';

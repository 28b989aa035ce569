import { usbEventMatrix } from './usb-events-matrix.js';

usbEventMatrix('teensy2');

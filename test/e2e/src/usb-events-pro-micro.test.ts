import { usbEventMatrix } from './usb-events-matrix.js';

usbEventMatrix('pro-micro');

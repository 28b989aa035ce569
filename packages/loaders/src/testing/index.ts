/** Test helpers: bootloader models, a fake USB bus with fake boards, a virtual clock ('@ispkit/loaders/testing'). */
export { VirtualClock } from './virtual-clock.js';
export { CaterinaModel, type CaterinaModelOptions, type CaterinaLeaveReason } from './caterina-model.js';
export { HalfKayModel, type HalfKayModelOptions } from './halfkay-model.js';
export { FakeUsb, type FakeSerialPort, type FakeHid } from './fake-usb.js';
export { FakeProMicro, FakeTeensy2, ISPKIT_USB, type FakeProMicroOptions, type FakeTeensy2Options } from './fake-boards.js';

/** Test helpers: bootloader models and a virtual clock (import from '@ispkit/loaders/testing'). */
export { VirtualClock } from './virtual-clock.js';
export { CaterinaModel, type CaterinaModelOptions, type CaterinaLeaveReason } from './caterina-model.js';
export { HalfKayModel, type HalfKayModelOptions } from './halfkay-model.js';

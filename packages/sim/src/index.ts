export { startSim, bootCheck } from './start-sim.js';
export type { Sim, SimOptions, SimStats, TargetFuses, BootResult, BootCheckOptions, UsbHostStats, LedState } from './start-sim.js';
export { checkUsbEvent, usbProfiles, type UsbEventSpec, type UsbProfile } from './harness-args.js';
export type { BoardId } from './board-info.js';
export { parseFuses, formatFuses, type FuseBytes } from './fuses.js';
export { checkFault, type Fault } from './faults.js';
export { SimError, type SimErrorCode } from './sim-error.js';
export { harnessPath, defaultFirmware } from './locate.js';

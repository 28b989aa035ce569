/**
 * @ispkit/core — the rescue flow shared by the CLI and the web page, free of I/O: it talks to a programmer through an
 * `@ispkit/stk500` ByteStream the front end opened, takes files as names + contents, and reports everything as
 * typed events (`CoreEvent`). Flows throw `IspkitError` (one line: message + hint, with an exit code).
 */
// errors and events
export { ExitCode, IspkitError, usageError, toIspkitError, type ExitCodeValue, type IspkitErrorOptions } from './errors.js';
export {
  errorEvent,
  errorLine,
  runFlow,
  say,
  startProgress,
  type CoreEvent,
  type EventOf,
  type FlowContext,
  type ProgressReporter,
  type StepId,
  wordsOf,
} from './events.js';
// the message catalogue (one wording for every front end) and the words each front end uses for its controls
export { messages, cliWords, frontEndWords, type FrontEndWords } from './messages.js';

// flows (each: connect → identify → … → result event)
export { flash, type FlashOptions } from './flows/flash.js';
export { verify, type VerifyOptions } from './flows/verify.js';
export { info } from './flows/info.js';
export { readFusesFlow, writeFusesFlow, type WriteFusesOptions } from './flows/fuses.js';
export { erase } from './flows/erase.js';
export { readMemory, readEepromFlow, trimErased, type OutputFile, type ReadMemoryOptions } from './flows/read.js';
export { writeEepromFlow, handednessFlow, type WriteEepromOptions, type HandednessOptions } from './flows/eeprom.js';
export { backupFlow, type BackupFlowOptions } from './flows/backup.js';
export { restoreFlow, parseBackupFile, type RestoreConfirmation, type RestoreOptions } from './flows/restore.js';
export { readLockFlow, writeLockFlow, parseLockByte } from './flows/lock.js';

// building blocks for new flows (e.g. a backup before erase)
export { connect, formatTrace, isDisconnect, programmerError, type Connection, type ProgrammerLink } from './link.js';
export {
  SAFE_SCK_DURATION,
  SLOW_SCK_DURATION,
  applySpeed,
  openTarget,
  readFuses,
  speedUpWithoutFuseChanges,
  withTarget,
  type TargetHandle,
  type TargetOptions,
} from './target.js';
export { failureWithState, reportChipState, undoTemporaryFuses, verifyRuns, writeFusesChecked } from './steps.js';
export {
  backupBeforeChange,
  checkBackupPossible,
  readChipBackup,
  readProtected,
  storeBackup,
  withBackupNote,
  type BackupOptions,
  type BackupSink,
  type SavedBackup,
} from './backup.js';
export { describeBackup } from './backup-description.js';
export { describeChipState, newChipState, type ChipState } from './chip-state.js';

// pure planning and reports
export { estimateCoreHz, planClock, type ClockPlan } from './clock-plan.js';
export { combineMismatches, findMismatch, planFlash, type FlashPlan, type Mismatch } from './flash-plan.js';
export { enforceDangers, parseFuseRequest, planFuses, type FuseOptionsText, type FusePlan, type FuseRequest } from './fuse-policy.js';
export { fuseReport } from './fuse-report.js';
export { hexReport, type HexReport } from './hex-report.js';
export { planMerge, type MergeResult } from './merge-plan.js';
export {
  checkWithinFlash,
  isBinaryName,
  parseBootloaderFile,
  parseImageFile,
  parseInput,
  placeBootloaderBinary,
  type ImageFile,
  type ParsedImage,
} from './load-input.js';
export { targetFromPart } from './part-target.js';
export { eepromRunsToWrite } from './eeprom-pages.js';
export {
  QMK_EECONFIG_HANDEDNESS,
  QMK_EECONFIG_MAGIC_ADDRESS,
  handednessByte,
  parseHandedness,
  qmkEepromLine,
  recogniseQmkEeprom,
  type Handedness,
  type QmkEeprom,
} from './qmk-eeprom.js';
export { boardByCode, wiringLines } from './wiring.js';
export { formatBytes, formatRate, formatSeconds, hex8, hexAddr, hexBytes, parseByte } from './format.js';

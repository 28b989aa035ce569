export * from './constants.js';
export { type ByteStream, StreamError, streamErrorCode, type StreamErrorCode } from './byte-stream.js';
export { ReceiveQueue } from './receive-queue.js';
export {
  AbortedError,
  FailedError,
  NoSyncError,
  NoTargetError,
  ProtocolError,
  Stk500Error,
  TargetBusyError,
  TimeoutError,
  UnknownCommandError,
  hexBytes,
  type Stk500ErrorCode,
} from './errors.js';
export { Stk500Client, commandName, type DeviceParams, type Stk500ClientOptions, type TraceEvent } from './stk500-client.js';
export {
  probeProgrammer,
  describeProgrammer,
  decodeIspLines,
  readEnableFailure,
  reportsLineLevels,
  ARDUINOISP_MAX_BLOCK,
  type EnableFailureFacts,
  type IspLineLevels,
  type ProgrammerInfo,
} from './programmer-info.js';
export type { FuseName, FuseValues, IspInstruction, IspTarget } from './isp-target.js';
export { IspSession, TransferError, isNoTargetSignature, type IspSessionOptions, type Progress } from './isp-session.js';
export { planBlocks, planReads, type Block } from './block-plan.js';
export { SCK_DURATIONS, SCK_DURATION_UNIT_US, formatHz, ispkitSckHz, maxSckHz, sckCandidates } from './sck.js';

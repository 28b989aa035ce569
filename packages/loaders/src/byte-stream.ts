/**
 * The byte pipe a serial bootloader client talks through (a CDC-ACM port in the CLI, a model in tests). It is
 * @ispkit/stk500's ByteStream, contract and error codes included, so one serial adapter serves both protocols.
 */
export { StreamError, streamErrorCode, type ByteStream, type StreamErrorCode } from '@ispkit/stk500';

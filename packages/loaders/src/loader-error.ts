/**
 * One error type for everything that can go wrong while putting firmware on a board through its bootloader.
 * `message` is a complete one-line sentence for the user (what happened, what to do); `code` is for callers and tests.
 */
export type LoaderErrorCode =
  /** The bootloader did not answer within the allowed time. */
  | 'timeout'
  /** The device went away (the bootloader left, the board was reset or unplugged). */
  | 'disconnected'
  /** The bootloader answered something the protocol does not allow. */
  | 'protocol'
  /** The bootloader lacks something we need (block mode, the right chip). */
  | 'unsupported'
  /** The image does not fit the board's application area. */
  | 'image-too-big'
  /** What was read back differs from what was written. */
  | 'verify-failed'
  /** No board of the requested kind was found. */
  | 'no-board'
  /** The board could not be brought into its bootloader. */
  | 'no-bootloader'
  /** The OS refused access to the device (Linux: udev rules / dialout group). */
  | 'permission'
  /** The new firmware did not answer as an ISP programmer after the install. */
  | 'sign-on-failed';

export class LoaderError extends Error {
  override readonly name = 'LoaderError';
  constructor(
    readonly code: LoaderErrorCode,
    message: string,
    /** Flash byte address the error concerns, when there is one. */
    readonly address?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `0x1a80` style, for messages. */
export function hex(n: number, width = 4): string {
  return '0x' + n.toString(16).padStart(width, '0');
}

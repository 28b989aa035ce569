import type { FuseIssue } from '@ispkit/parts';
import { ExitCode, IspkitError } from './errors.js';
import { formatBytes, hex8, hexAddr } from './format.js';

/**
 * The words that differ between front ends: how to name a control the user has to use. Everything else in a
 * message is the same on the CLI and the page. A front end passes its own in `FlowContext.words`; the CLI's are
 * the defaults.
 */
export interface FrontEndWords {
  /** What to do to write lock-out fuses anyway. */
  forceDangerousFuses: string;
  /** How to say the expected part is another one. */
  choosePart(partId: string): string;
  /** The control that sets the expected part, in "check the part (…)". */
  partControl: string;
  /** Where the bootloader fuse presets are listed. */
  presetList: string;
  /** Where the wiring is shown when no target answers. */
  wiring: string;
  /** What to run again after a programmer was unplugged. */
  rerun: string;
  /** What to do about a file that does not parse. */
  checkFile: string;
  /** Where a wiring or target failure is diagnosed step by step (ends every wiring/target hint). */
  doctor: string;
  /** How to go ahead without the automatic backup. */
  noBackup: string;
  /** What makes a backup file, in "give a file written by …". */
  backupSource: string;
  /** Where a firmware image goes instead, in "(firmware images go to …)". */
  flashControl: string;
}

export const cliWords: FrontEndWords = {
  forceDangerousFuses: 'if you really mean it, add --force-dangerous-fuses',
  choosePart: (id) => `use -p ${id}`,
  partControl: '-p',
  presetList: 'see `ispkit fuses presets`',
  wiring: 'table above',
  rerun: 'run the command again',
  checkFile: 'check the file (see `ispkit hex info <file>`)',
  doctor: 'run `ispkit doctor`',
  noBackup: 'add --no-backup',
  backupSource: '`ispkit backup`',
  flashControl: '`ispkit flash`',
};

/** The words for `ctx.words` (partial overrides fall back to the CLI's). */
export function frontEndWords(words?: Partial<FrontEndWords>): FrontEndWords {
  return words ? { ...cliWords, ...words } : cliWords;
}

/**
 * The message catalogue: every failure the rescue core reports, as one function per code, so the CLI and the page
 * say the same thing. Each returns the error to throw: message (what happened), hint (what to do), exit code.
 */
export const messages = {
  // programmer
  disconnected: (path: string, doing: string, w: FrontEndWords, cause?: unknown) =>
    new IspkitError(`the programmer on ${path} disconnected while ${doing}`, { exitCode: ExitCode.PROGRAMMER, code: 'disconnected', hint: `reconnect it and ${w.rerun}`, cause }),
  notResponding: (path: string, doing: string, detail: string, cause?: unknown) =>
    new IspkitError(`the programmer on ${path} is not responding while ${doing} (${detail})`, {
      exitCode: ExitCode.PROGRAMMER,
      code: 'not-responding',
      hint: 'check that it runs the ispkit (or ArduinoISP) firmware, then unplug and replug it',
      cause,
    }),

  /** A port that could not be opened; `why` says how it failed (the front end knows its port API's errors). */
  portOpen: (path: string, why: string, hint: string) => new IspkitError(`cannot open ${path}: ${why}`, { exitCode: ExitCode.PROGRAMMER, code: 'port-open', hint }),
  portInUse: (path: string) =>
    messages.portOpen(path, 'the port is in use by another program', 'close the other program (serial monitor, avrdude, QMK Toolbox) and retry'),
  /** The person closed the browser's port chooser without picking one (Web Serial's NotFoundError). */
  noPortChosen: () =>
    new IspkitError('no serial port was chosen', {
      exitCode: ExitCode.PROGRAMMER,
      code: 'no-port-chosen',
      hint: 'connect again and pick the programmer in the list; if it is not there, check the USB cable, or make a programmer first',
    }),

  // target
  noTarget: (what: string, w: FrontEndWords) =>
    new IspkitError(`no target answered: ${what}`, {
      exitCode: ExitCode.TARGET,
      code: 'no-target',
      hint: `check the wiring (${w.wiring}), that the keyboard is powered (VCC and GND connected), and that nothing else drives RESET; ${w.doctor}`,
    }),
  wrongSignature: (found: { name: string; id: string } | undefined, signature: string, wanted: { name: string; signature: string }, w: FrontEndWords) =>
    new IspkitError(`found ${found ? `${found.name} (${signature})` : `an unknown chip (signature ${signature})`}, expected ${wanted.name} (${wanted.signature})`, {
      exitCode: ExitCode.TARGET,
      code: 'wrong-signature',
      hint: found
        ? `if ${found.name} is right, ${w.choosePart(found.id)}; otherwise check which chip the programmer is wired to`
        : `check the wiring; a flaky connection also garbles the signature; ${w.doctor}`,
      details: { signature, expected: wanted.signature },
    }),
  unknownSignature: (signature: string, known: readonly string[]) =>
    new IspkitError(`the target's signature ${signature} is not a part ispkit knows`, {
      exitCode: ExitCode.TARGET,
      code: 'unknown-signature',
      hint: `check the wiring (a flaky connection garbles the signature); ispkit knows: ${known.join(', ')}`,
    }),
  presetForOtherPart: (preset: { id: string; part: string }, partName: string, w: FrontEndWords) =>
    new IspkitError(`preset ${preset.id} is for ${preset.part}, but the target is ${partName}`, { exitCode: ExitCode.USAGE, code: 'usage', hint: w.presetList }),

  // fuses and lock bits
  dangerousFuses: (dangers: readonly FuseIssue[], w: FrontEndWords) => {
    const first = dangers[0]!;
    return new IspkitError(`refusing to write the ${first.fuse} fuse: ${first.message}${dangers.length > 1 ? ` (and ${dangers.length - 1} more)` : ''}`, {
      exitCode: ExitCode.REFUSED,
      code: 'dangerous-fuses',
      hint: w.forceDangerousFuses,
      details: { dangers },
    });
  },
  fuseReadBack: (fuse: string, wrote: number, read: number, fields: readonly string[], mask: number) =>
    new IspkitError(`the ${fuse} fuse reads back ${hex8(read)} after writing ${hex8(wrote)} (${fields.join(', ') || 'bits'} differ under mask ${hex8(mask)})`, {
      exitCode: ExitCode.VERIFY,
      code: 'fuse-verify',
      details: { fuse, wrote, read, mask },
    }),
  lockReadBack: (wrote: number, read: number, mask: number) =>
    new IspkitError(`the lock bits read back ${hex8(read)} after writing ${hex8(wrote)} (mask ${hex8(mask)}); lock bits can only be programmed (1 → 0) until a chip erase`, {
      exitCode: ExitCode.VERIFY,
      code: 'lock-verify',
    }),

  // memories
  verifyMismatch: (memory: 'flash' | 'eeprom', m: { count: number; first: number; expected: number; actual: number }) =>
    new IspkitError(
      `verify failed: ${m.count} byte${m.count === 1 ? '' : 's'} of ${memory} differ${m.count === 1 ? 's' : ''}, the first at ${hexAddr(m.first)} (expected ${hex8(m.expected)}, read ${hex8(m.actual)})`,
      { exitCode: ExitCode.VERIFY, code: 'verify-mismatch', details: { memory, count: m.count, firstAddress: m.first, expected: m.expected, actual: m.actual } },
    ),
  outsideFlash: (name: string, end: number, part: { name: string; flash: { size: number } }, w: FrontEndWords) =>
    new IspkitError(`${name} has data up to ${hexAddr(end - 1)}, beyond the end of ${part.name} flash (${formatBytes(part.flash.size)}, last address ${hexAddr(part.flash.size - 1)})`, {
      code: 'outside-flash',
      exitCode: ExitCode.FAILURE,
      hint: `check the part (${w.partControl}) and that the file is built for it`,
    }),
  outsideEeprom: (name: string, end: number, part: { name: string; eeprom: { size: number } }) =>
    new IspkitError(`${name} has data up to ${hexAddr(end - 1)}, beyond ${part.name}'s ${formatBytes(part.eeprom.size)} EEPROM`, { code: 'outside-eeprom' }),
  // backups
  /** A file that is not a usable backup: `reason` and `code` are @ispkit/ihex's BackupError's. */
  unusableBackup: (reason: string, code: string, w: FrontEndWords, cause?: unknown) =>
    new IspkitError(reason, {
      code: `backup-${code}`,
      hint: code === 'not-a-backup' ? `give a file written by ${w.backupSource} (firmware images go to ${w.flashControl})` : 'nothing was written to the chip; use another backup',
      cause,
    }),
  /** The person said no when asked to confirm a change. */
  cancelled: (what: string) => new IspkitError(`${what} cancelled; nothing was changed`, { exitCode: ExitCode.INTERRUPTED, code: 'cancelled' }),

  emptyImage: (name: string) => new IspkitError(`${name} holds no data`, { code: 'empty-image', hint: 'check that it is the right file' }),
} as const;

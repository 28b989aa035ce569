import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { getPart } from '@ispkit/parts';
import { parseIntelHex, serializeIntelHex, type MemoryImage } from '@ispkit/ihex';
import { resolveBoard, type BoardId } from './board-info.js';
import { checkFault, type Fault } from './faults.js';
import { parseFuses, type FuseBytes } from './fuses.js';
import { buildBootArgs, buildRunArgs, checkUsbEvent, type TargetSpec, type UsbEventSpec, type UsbProfile } from './harness-args.js';
import { HarnessProcess, type HarnessEvent } from './harness-process.js';
import { defaultFirmware, harnessPath } from './locate.js';
import { SimError } from './sim-error.js';

export interface SimOptions {
  /** The programmer board whose firmware runs in the simulator (F_CPU and target RESET pin come from @ispkit/boards). */
  board: BoardId;
  /** Programmer firmware hex; default: the committed ispkit hex for the board (firmware/dist). */
  firmware?: string;
  /** Target part id from @ispkit/parts (default atmega32u4); its signature and memory sizes are passed on. */
  target?: string;
  /** Target fuses at power-up, "LL:HH:EE" or bytes; default the part's factory fuses (harness default 5E:99:F3). */
  fuses?: string | FuseBytes;
  /** Target lock byte at power-up. */
  lock?: number;
  /** Initial target flash contents (a hex file path, or an image written to a temp file). */
  flashImage?: string | MemoryImage;
  /** Faults to inject, see {@link Fault}. */
  faults?: Fault | readonly Fault[];
  /** Whether the simulated USB host raises DTR (default: harness default, on). */
  dtr?: boolean;
  /** Where to put the stable port symlink; default a unique path in the temp dir, removed on stop. */
  link?: string;
  /** Harness self-stop after this many simulated seconds (a safety net for tests). */
  maxSimSeconds?: number;
  /** Path of the simharness binary (default $ISPKIT_SIMHARNESS or the workspace build). */
  harness?: string;
  /** How long to wait for the harness's ready line, wall ms (default 30 000). */
  startTimeoutMs?: number;
  /** How the simulated USB host enumerates: linux (default), windows or macos. */
  usbProfile?: UsbProfile;
  /** Mid-session USB host events scheduled from the start (see {@link UsbEventSpec}). */
  usbEvents?: readonly UsbEventSpec[];
  /** The programmer chip's signature-row serial bytes (20 hex digits): the firmware's USB serial number. */
  usbSerial?: string;
  /** A GET_STATUS every N simulated ms once configured: stats.usb.controlMaxMs is then the worst EP0 service time. */
  usbPingMs?: number;
  /** Start the programmer as Caterina leaves the chip (USB on, detached, USB interrupts enabled and pending). */
  startDetached?: boolean;
}

/** What the strict USB host found (in {@link SimStats}.usb). */
export interface UsbHostStats {
  profile: UsbProfile;
  /** Requests the device answered wrongly. */
  conformanceErrors: number;
  /** The first of them, as "request: what was wrong". */
  conformance: string[];
  /** Packets their receiver dropped for a wrong data toggle. */
  toggleDrops: number;
  /** Longest control transfer (SETUP to status), simulated ms. */
  controlMaxMs: number;
  /** Longest time from a bus reset to the firmware clearing EORSTI, simulated ms. */
  resetServiceMaxMs: number;
  events: number;
  /** Of the events, suspends (not unplugs). */
  suspends: number;
  /** A suspend is in effect now (no SOF; the bus resumes when its time is up). */
  suspended: boolean;
  /** Target writes that began after a link event (reset, reconfiguration, pipe reset, unplug) before any new host byte. */
  staleTargetWrites: number;
}

/** Counters the harness reports (`stats` command and the final exit event). */
export interface SimStats {
  simSeconds: number;
  /** Simulated ms the harness ran while a quiet host had its turn (how many depends on wall time). */
  hostQuietGraceMs: number;
  /**
   * Simulated ms the harness ran while the programmer had answered and waited, but the host process had not yet
   * read the answer (how many depends on how fast the host process is on this machine, not on the target).
   */
  hostReadMs: number;
  /**
   * simSeconds less hostQuietGraceMs and hostReadMs: the simulated time the programmer and target were kept busy
   * by the host — the figure to compare between runs.
   */
  targetSeconds: number;
  cycles: number;
  spiBytes: number;
  /** SPDR writes the programmer made while a byte was still shifting (ignored by the SPI, WCOL set). */
  spiCollisions: number;
  pageWrites: number;
  usbBytesOut: number;
  usbBytesIn: number;
  violations: { busy: number; sckTooFast: number; [kind: string]: number };
  fuses: FuseBytes;
  lock: number;
  progEnabled: boolean;
  usb: UsbHostStats;
  targetWrites: { page: number; eeprom: number; erase: number; fuseLock: number };
  /** The programmer board's LEDs by role (status, activity), from the board table's pins and polarity. */
  leds: Record<string, LedState>;
  /**
   * The programmer's four ISP lines as 4-bit masks (bit 0 SCK, 1 MOSI, 2 MISO, 3 RESET, as in ISPKIT_LINES): which
   * are outputs (DDR), which have their PORT bit set (driven high, or the pull-up on), and their levels now.
   */
  ispLines: { ddr: number; port: number; level: number };
  [extra: string]: unknown;
}

/** One programmer LED as the harness sees its pin (DDR and PORT bits), and what it did during suspends. */
export interface LedState {
  pin: string;
  activeLevel: 'high' | 'low';
  /** Lit now: driven to its active level (or, for an LED to ground, an input with its pull-up on). */
  lit: boolean;
  /** Suspends that began with this LED lit (what shows a check during them had something to see). */
  litAtSuspendStart: number;
  /** Simulated ms it was lit while suspended, from 10 ms after each suspend began (the device's time to go quiet) to resume. */
  litWhileSuspendedMs: number;
}

export interface TargetFuses extends FuseBytes {
  lock: number;
}

export interface BootResult {
  attached: boolean;
  simMs: number;
  startAddress: number;
  usb: { vid: number; pid: number; [k: string]: unknown } | null;
  [extra: string]: unknown;
}

export interface Sim {
  /** The serial port to open (a symlink to the pty, unique to this run). */
  readonly port: string;
  /** The pty the symlink points to. */
  readonly pty: string;
  /** USB identity the firmware enumerated with, as the harness saw it. */
  readonly usb: { vid: number; pid: number; product?: string; [k: string]: unknown } | undefined;
  /** The resolved run: board, firmware, target, fuses and the exact harness argv. */
  readonly config: { board: BoardId; fCpu: number; resetPin: string; firmware: string; target: string; args: string[] };
  /** The harness's current counters. */
  stats(): Promise<SimStats>;
  /** Schedules a USB host event now or on a trigger (see {@link UsbEventSpec}), e.g. "reset@write:+3". */
  usbEvent(spec: UsbEventSpec): Promise<void>;
  /** The target's flash as the harness holds it now (unprogrammed bytes omitted when the dump omits them). */
  targetImage(): Promise<MemoryImage>;
  /** The target's EEPROM as the harness holds it now. */
  eepromImage(): Promise<MemoryImage>;
  /** The target's fuses and lock byte now. */
  fuses(): Promise<TargetFuses>;
  /** Boots the target's current flash with its current fuses in a second simulated 32U4 (`simharness boot`). */
  bootCheck(opts?: { timeoutMs?: number }): Promise<BootResult>;
  /** Every JSON event the harness printed so far. */
  readonly events: readonly HarnessEvent[];
  /** Settles when the harness process ends, for whatever reason (stop(), a crash, --max-sim-seconds). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; message?: string }>;
  /** Quits the harness (dumps, exit event), waits for it, removes temp files and the link. Safe to call twice. */
  stop(): Promise<SimStats | undefined>;
}

let runCounter = 0;

/** The harness's counters with the derived targetSeconds. */
function withTargetSeconds(raw: Record<string, unknown>): SimStats {
  const simSeconds = Number(raw.simSeconds ?? 0);
  const hostQuietGraceMs = Number(raw.hostQuietGraceMs ?? 0);
  const hostReadMs = Number(raw.hostReadMs ?? 0);
  const targetSeconds = simSeconds - (hostQuietGraceMs + hostReadMs) / 1000;
  return { ...raw, simSeconds, hostQuietGraceMs, hostReadMs, targetSeconds } as SimStats;
}

function targetSpec(id: string): TargetSpec & { name: string } {
  let part;
  try {
    part = getPart(id);
  } catch (err) {
    throw new SimError('bad-option', (err as Error).message);
  }
  return {
    id: part.id,
    name: part.name,
    signature: [part.signature[0], part.signature[1], part.signature[2]],
    flash: { size: part.flash.size, pageSize: part.flash.pageSize },
    eeprom: { size: part.eeprom.size, pageSize: part.eeprom.pageSize },
  };
}

function asFuses(e: unknown): FuseBytes {
  const f = e as Partial<FuseBytes> | undefined;
  if (!f || typeof f.low !== 'number' || typeof f.high !== 'number' || typeof f.ext !== 'number') {
    throw new SimError('command-failed', `simulator harness reported no fuses: ${JSON.stringify(e)}`);
  }
  return { low: f.low, high: f.high, ext: f.ext };
}

/** Starts the simavr harness running a programmer firmware, and resolves once its serial port is ready. */
export async function startSim(options: SimOptions): Promise<Sim> {
  const board = resolveBoard(options.board);
  const binary = harnessPath(options.harness);
  const firmware = options.firmware ?? defaultFirmware(board.id, board.firmwareName);
  if (!existsSync(firmware)) throw new SimError('firmware-missing', `firmware hex not found: ${firmware}`);
  const target = targetSpec(options.target ?? 'atmega32u4');
  const faults = ([] as string[]).concat(options.faults ?? []).map(checkFault);
  const fuses = options.fuses === undefined ? undefined : parseFuses(options.fuses);

  const tmp = mkdtempSync(join(tmpdir(), 'ispkit-sim-'));
  const link = options.link ?? join(tmp, `port-${process.pid}-${++runCounter}`);
  let flashImage: string | undefined;
  if (typeof options.flashImage === 'string') flashImage = options.flashImage;
  else if (options.flashImage) {
    flashImage = join(tmp, 'initial-flash.hex');
    writeFileSync(flashImage, serializeIntelHex(options.flashImage));
  }

  const args = buildRunArgs({
    firmware,
    fCpu: board.fCpu,
    resetPin: board.resetPin,
    link,
    target,
    fuses,
    lock: options.lock,
    dtr: options.dtr,
    flashImage,
    faults: faults as Fault[],
    maxSimSeconds: options.maxSimSeconds,
    usbProfile: options.usbProfile,
    usbEvents: options.usbEvents,
    usbSerial: options.usbSerial,
    usbPingMs: options.usbPingMs,
    startDetached: options.startDetached,
    leds: board.leds,
  });
  const proc = new HarnessProcess(binary, args);
  const cleanup = () => {
    rmSync(tmp, { recursive: true, force: true });
    if (options.link && existsSync(options.link)) rmSync(options.link, { force: true });
  };

  let ready: HarnessEvent;
  try {
    ready = await proc.waitFor((e) => e.event === 'ready', options.startTimeoutMs ?? 30_000, 'ready line');
  } catch (err) {
    proc.kill();
    await proc.exited;
    cleanup();
    const e = err as SimError;
    throw new SimError(
      e.code === 'command-timeout' ? 'start-timeout' : 'start-failed',
      `simulator did not start (${board.id}, ${firmware}): ${e.message}`,
      proc.tail(),
    );
  }

  let dumpCounter = 0;
  const dump = async (kind: 'flash' | 'eeprom'): Promise<MemoryImage> => {
    const path = join(tmp, `dump-${kind}-${++dumpCounter}.hex`);
    if (/\s/.test(path)) throw new SimError('bad-option', `the temp dir path has whitespace, which the harness cannot take: ${path}`);
    const reply = await proc.request(`dump-${kind} ${path}`, [`dump-${kind}`]);
    if (reply.ok === false) {
      throw new SimError('command-failed', `simulator harness could not dump the target's ${kind}: ${String(reply.error ?? 'unknown error')}`);
    }
    return parseIntelHex(readFileSync(path, 'utf8'), { source: path });
  };
  const stats = async () => withTargetSeconds(await proc.request('stats', ['stats']));
  let stopped: Promise<SimStats | undefined> | undefined;

  const sim: Sim = {
    port: typeof ready.link === 'string' && ready.link ? ready.link : String(ready.port),
    pty: String(ready.port),
    usb: ready.usb as Sim['usb'],
    config: { board: board.id, fCpu: board.fCpu, resetPin: board.resetPin, firmware, target: target.id, args },
    events: proc.events,
    exited: proc.exited.then((info) => ({ ...info, message: proc.running ? undefined : proc.tail().split('\n').at(-1) || undefined })),
    stats,
    async usbEvent(spec) {
      await proc.request(`usb-event ${checkUsbEvent(spec)}`, ['usb-event-scheduled']);
    },
    targetImage: () => dump('flash'),
    eepromImage: () => dump('eeprom'),
    async fuses() {
      const s = await stats();
      return { ...asFuses(s.fuses), lock: typeof s.lock === 'number' ? s.lock : 0xff };
    },
    async bootCheck(opts = {}) {
      const image = await dump('flash');
      const f = await sim.fuses();
      return bootCheck({ image, fuses: f, timeoutMs: opts.timeoutMs, harness: binary });
    },
    stop() {
      stopped ??= (async () => {
        try {
          const exit = await proc.close();
          return exit ? withTargetSeconds(exit) : undefined;
        } finally {
          cleanup();
        }
      })();
      return stopped;
    },
  };
  return sim;
}

export interface BootCheckOptions {
  /** The target flash to boot: a hex path or an image. */
  image: string | MemoryImage;
  /** The target's fuses (BOOTRST/BOOTSZ decide where it starts). */
  fuses: string | FuseBytes;
  /** Simulated ms to wait for a USB attach (harness default 3000). */
  timeoutMs?: number;
  harness?: string;
}

/** Runs `simharness boot`: does this flash image, with these fuses, start and attach to USB? */
export async function bootCheck(opts: BootCheckOptions): Promise<BootResult> {
  const binary = harnessPath(opts.harness);
  const fuses = parseFuses(opts.fuses);
  const tmp = mkdtempSync(join(tmpdir(), 'ispkit-boot-'));
  try {
    let image: string;
    if (typeof opts.image === 'string') image = opts.image;
    else {
      image = join(tmp, 'image.hex');
      writeFileSync(image, serializeIntelHex(opts.image));
    }
    const args = buildBootArgs(image, fuses, opts.timeoutMs);
    const wallLimit = 60_000 + (opts.timeoutMs ?? 3000) * 4;
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
      execFile(binary, args, { timeout: wallLimit, killSignal: 'SIGKILL', maxBuffer: 1 << 20 }, (err, out, errOut) => {
        const c: unknown = err ? (err as { code?: unknown }).code : 0;
        resolve({ stdout: String(out), stderr: String(errOut), code: typeof c === 'number' ? c : null });
      });
    });
    const line = stdout.split('\n').map((l) => l.trim()).find((l) => l.startsWith('{') && l.includes('"boot"'));
    if (!line) {
      const why = stderr.trim().split('\n').at(-1) ?? `exit ${String(code)}`;
      throw new SimError('command-failed', `boot check failed: ${why}`, stderr);
    }
    return JSON.parse(line) as BootResult;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

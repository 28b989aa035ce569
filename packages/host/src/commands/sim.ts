import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { boards, firmwareName } from '@ispkit/boards';
import { createInterface } from 'node:readline';
import { serializeIntelHex } from '@ispkit/ihex';
import { checkUsbEvent, startSim, SimError, usbProfiles, type Fault, type Sim, type UsbProfile } from '@ispkit/sim';
import { CliError, ExitCode, usageError } from '../cli-error.js';
import type { CliCommand, RunContext } from '../command.js';
import { hex8 } from '@ispkit/core';
import { installHint } from '../tool-hints.js';
import { firmwareDir } from './programmer-board.js';

/**
 * `ispkit sim`: runs the programmer firmware in the simavr harness (tools/simharness, through @ispkit/sim) with a
 * simulated target on its ISP pins, prints the serial port and how to use it with avrdude and ispkit, and keeps
 * running until Ctrl-C, when it writes the requested dumps and stops the harness (which removes its port).
 */

interface SimOptions {
  board: string;
  firmware?: string;
  target: string;
  fuses?: string;
  fault?: string[];
  dump?: string;
  dumpEeprom?: string;
  usbProfile?: string;
  usbEvent?: string[];
}

/** Signals a person can send a running `ispkit sim` (kill -USR1 <pid>) for the commonest host events. */
const signalEvents = { SIGUSR1: 'reset', SIGUSR2: 'unplug' } as const;

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function committedFirmware(board: string): string | undefined {
  const known = boards.find((b) => b.id === board);
  if (!known) return undefined; // startSim names the bad board
  const path = join(firmwareDir(), 'dist', `${firmwareName(known)}.hex`);
  return existsSync(path) ? path : undefined;
}

async function startOrExplain(opts: SimOptions): Promise<Sim> {
  // The committed hex as this CLI finds it (a checkout's firmware/dist, or the npm package's own copy).
  const firmware = opts.firmware ?? committedFirmware(opts.board);
  if (opts.usbProfile && !usbProfiles.includes(opts.usbProfile as UsbProfile)) {
    throw usageError(`--usb-profile ${opts.usbProfile}: expected one of ${usbProfiles.join(', ')}`, 'see `ispkit sim --help`');
  }
  try {
    for (const e of opts.usbEvent ?? []) checkUsbEvent(e);
  } catch (err) {
    throw usageError((err as Error).message, 'see `ispkit sim --help`');
  }
  try {
    return await startSim({
      ...(opts.usbProfile ? { usbProfile: opts.usbProfile as UsbProfile } : {}),
      ...(opts.usbEvent?.length ? { usbEvents: opts.usbEvent } : {}),
      board: opts.board,
      target: opts.target,
      ...(firmware ? { firmware } : {}),
      ...(opts.fuses ? { fuses: opts.fuses } : {}),
      ...(opts.fault?.length ? { faults: opts.fault as Fault[] } : {}),
    });
  } catch (err) {
    if (!(err instanceof SimError)) throw err;
    if (err.code === 'bad-option') throw usageError(err.message, 'see `ispkit sim --help`');
    if (err.code === 'harness-missing') {
      throw new CliError(`ispkit sim needs the simulator harness, built from the ispkit repository against simavr, and none was found (${process.env['ISPKIT_SIMHARNESS'] ? `ISPKIT_SIMHARNESS=${process.env['ISPKIT_SIMHARNESS']} does not exist` : 'not in a checkout, ISPKIT_SIMHARNESS unset'})`, {
        code: 'sim-harness-missing',
        hint: installHint('simavr'),
      });
    }
    const hint = err.code === 'firmware-missing' ? 'run `pnpm build` in the ispkit checkout' : undefined;
    throw new CliError(err.message, { code: `sim-${err.code}`, ...(hint ? { hint } : {}) });
  }
}

async function runSim(run: RunContext, opts: SimOptions): Promise<void> {
  const { out } = run;
  const sim = await startOrExplain(opts);
  let stopped = false;
  const stop = async () => {
    if (stopped) return undefined;
    stopped = true;
    return sim.stop();
  };
  try {
    const f = await sim.fuses();
    const port = quote(sim.port);
    out.result(
      'sim',
      { state: 'ready', port: sim.port, pty: sim.pty, ...sim.config, fuses: { low: f.low, high: f.high, ext: f.ext }, lock: f.lock },
      [
        `simulated ${sim.config.board} programmer (${sim.config.firmware}) is running`,
        `  target: ${sim.config.target} on its ISP pins (RESET on ${sim.config.resetPin}), fuses low ${hex8(f.low)} high ${hex8(f.high)} ext ${hex8(f.ext)}`,
        `  port:   ${sim.port} (→ ${sim.pty})`,
        '',
        'use it like a programmer plugged in over USB:',
        `  avrdude -c avrisp -P ${port} -p m32u4 -U flash:w:firmware.hex:i`,
        `  pnpm ispkit -P ${port} flash firmware.hex`,
        `  pnpm ispkit -P ${port} info`,
        '',
        'to play the USB host, type an event and Enter: reset, set-config, set-interface, clear-halt:in|out|notify,',
        `  suspend:<ms>, unplug, probe (or kill -USR1 ${process.pid} for a bus reset, -USR2 for an unplug)`,
        `Ctrl-C stops it${opts.dump ? ` and writes the target's flash to ${opts.dump}` : ''}`,
      ],
    );

    // A person can play the host: a line on stdin names an event (reset, set-config, suspend:50, ...), and
    // SIGUSR1 / SIGUSR2 send a bus reset / an unplug-replug.
    const fire = (spec: string) => {
      let checked: string;
      try {
        checked = checkUsbEvent(spec);
      } catch (err) {
        out.warning((err as Error).message);
        return;
      }
      sim.usbEvent(checked).then(
        () => out.info(`usb event ${checked} sent`),
        (err: unknown) => out.warning(`usb event ${checked}: ${(err as Error).message}`),
      );
    };
    const lines = process.stdin.isTTY || !process.stdin.readableEnded ? createInterface({ input: process.stdin }) : undefined;
    lines?.on('line', (line) => {
      const spec = line.trim();
      if (spec) fire(spec);
    });
    const onSignal = (sig: keyof typeof signalEvents) => () => fire(signalEvents[sig]);
    const handlers = Object.keys(signalEvents).map((sig) => {
      const h = onSignal(sig as keyof typeof signalEvents);
      process.on(sig as NodeJS.Signals, h);
      return [sig, h] as const;
    });
    const unlisten = () => {
      lines?.close();
      process.stdin.pause();
      for (const [sig, h] of handlers) process.off(sig as NodeJS.Signals, h);
    };

    // Wait for Ctrl-C (the CLI aborts run.signal) or for the harness to end on its own.
    const crashed = await new Promise<{ code: number | null; signal: string | null; message?: string } | undefined>((resolve) => {
      if (run.signal.aborted) return resolve(undefined);
      run.signal.addEventListener('abort', () => resolve(undefined), { once: true });
      void sim.exited.then((info) => resolve(info));
    });
    unlisten();
    if (crashed && !run.signal.aborted) {
      stopped = true;
      throw new CliError(
        `the simulator stopped unexpectedly (${crashed.signal ?? `exit ${String(crashed.code)}`})${crashed.message ? `: ${crashed.message}` : ''}`,
        { code: 'sim-exited', exitCode: ExitCode.PROGRAMMER },
      );
    }

    const written: string[] = [];
    if (opts.dump) {
      await writeFile(opts.dump, serializeIntelHex(await sim.targetImage()));
      written.push(`wrote the target's flash to ${opts.dump}`);
    }
    if (opts.dumpEeprom) {
      await writeFile(opts.dumpEeprom, serializeIntelHex(await sim.eepromImage()));
      written.push(`wrote the target's EEPROM to ${opts.dumpEeprom}`);
    }
    const final = await stop();
    const violations = final ? Object.values(final.violations).reduce((s, n) => s + n, 0) : 0;
    out.result('sim', { state: 'stopped', dumps: { flash: opts.dump, eeprom: opts.dumpEeprom }, stats: final }, [
      ...written,
      final
        ? `stopped after ${final.simSeconds.toFixed(3)} s simulated: ${final.spiBytes} SPI bytes, ${final.pageWrites} page writes, ${violations} ISP timing violations`
        : 'stopped',
    ]);
  } finally {
    await stop();
  }
}

export const simCommand: CliCommand = {
  name: 'sim',
  register(program, ctx) {
    program
      .command('sim')
      .description('run the programmer firmware in a simulator (simavr) with a simulated target, and expose its serial port until Ctrl-C')
      .option('--board <id>', 'programmer board whose firmware runs (teensy2, pro-micro)', 'teensy2')
      .option('--firmware <hex>', "programmer firmware to run (default: ispkit's committed hex for the board)")
      .option('--target <part>', 'part on the ISP pins (e.g. atmega328p to try a wrong chip)', 'atmega32u4')
      .option('--fuses <low:high:ext>', "target fuses at power-up, hex (default: the part's factory fuses, 5E:99:F3)")
      .option(
        '--fault <fault>',
        'inject a fault: no-target-high, no-target-low, never-ready, locked, flip:<probability>, disconnect:<sim-ms>, ' +
          'miso-open, reset-open, sck-mosi-swapped, unpowered, slow-clock:<hz>, supply:<volts>, slow-master:<cycles> (repeatable)',
        (value: string, previous: string[] = []) => [...previous, value],
      )
      .option('--dump <out.hex>', "write the target's flash as Intel HEX when stopping")
      .option('--dump-eeprom <out.hex>', "write the target's EEPROM as Intel HEX when stopping")
      .option('--usb-profile <os>', 'how the simulated USB host enumerates: linux, windows, macos (default linux)')
      .option(
        '--usb-event <event>',
        'a USB host event: reset, set-config, set-interface, clear-halt:in|out|notify, suspend:<ms>, unplug, probe, with @out:<bytes>, @ms:<sim-ms>, @write:<target writes> or @spi:<programmer SPI bytes> to schedule it (repeatable)',
        (value: string, previous: string[] = []) => [...previous, value],
      )
      .action(ctx.action(async (run, opts: SimOptions) => runSim(run, opts)));
  },
};

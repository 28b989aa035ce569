import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT_CODE_HELP, ExitCode, toCliError, usageError } from './cli-error.js';
import type { GlobalOptions, RegisterContext, RunContext } from './command.js';
import { commands } from './commands/index.js';
import { realDeviceEnv, type DeviceEnv } from './device/device-env.js';
import { VERSION } from './version.js';
import { Reporter, type ProgressBar, type TextSink } from './output/reporter.js';

export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  cwd: string;
  /** TTY progress bar factory (the real CLI passes cli-progress; tests leave it out). */
  createBar?: (task: string, total: number) => ProgressBar;
  /** Aborted when the user interrupts. */
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
  /** Hardware access; defaults to serialport. */
  device?: DeviceEnv;
}

export { VERSION } from './version.js';

/** The error of an interrupted run: the command's own account when it gave one, naming its backup when it made one. */
function interrupted(err: unknown): CliError {
  if (err instanceof CliError && err.code === 'interrupted') return err;
  const backup = err instanceof CliError ? err.details?.['backup'] : undefined;
  return new CliError(typeof backup === 'string' ? `interrupted; the chip as it was before is backed up in ${backup}: \`ispkit restore ${backup}\` puts it back` : 'interrupted', {
    exitCode: ExitCode.INTERRUPTED,
    code: 'interrupted',
    ...(typeof backup === 'string' ? { details: { backup } } : {}),
  });
}

/** Build the program with every registered command. Exported for tests and for `--help` docs. */
function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function buildProgram(io: CliIo, onExit: (code: number) => void, argv: readonly string[] = []): { program: Command; lastUsageError: () => string | undefined } {
  let usageMessage: string | undefined;
  const program = new Command('ispkit')
    .description('In-system programmer for AVR keyboards: flash, verify, fuses, EEPROM and lock bits through an ispkit (or ArduinoISP) programmer')
    .version(VERSION, '-V, --version')
    .option('-P, --port <path>', 'serial port of the programmer (default: the only ispkit/ArduinoISP programmer connected)')
    .option('-p, --part <id>', 'target part, e.g. atmega32u4 (default: from the signature)')
    .option('--json', 'machine-readable output: one JSON object per line on stdout', false)
    .addOption(new Option('-v, --verbose', 'more detail; shows the protocol exchange').argParser((_v: string, prev: number) => prev + 1).default(0))
    .option('-q, --quiet', 'only warnings, errors and results', false)
    .addHelpText('after', `\n${EXIT_CODE_HELP}`)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s) => {
        usageMessage = s.replace(/^error: /, '').trim();
      },
    });

  const ctx: RegisterContext = {
    action(handler) {
      return async (...raw: unknown[]) => {
        const command = raw[raw.length - 1] as Command;
        const args = raw.slice(0, -1);
        const g = command.optsWithGlobals() as Record<string, unknown>;
        const global: GlobalOptions = {
          json: g['json'] === true,
          verbose: typeof g['verbose'] === 'number' ? g['verbose'] : 0,
          quiet: g['quiet'] === true,
        };
        if (typeof g['port'] === 'string') global.port = g['port'];
        if (typeof g['part'] === 'string') global.part = g['part'];
        const reporterOptions: ConstructorParameters<typeof Reporter>[0] = {
          json: global.json,
          verbose: global.verbose,
          quiet: global.quiet,
          stdout: io.stdout,
          stderr: io.stderr,
        };
        if (io.createBar) reporterOptions.createBar = io.createBar;
        const out = new Reporter(reporterOptions);
        const run: RunContext = {
          out,
          global,
          cwd: io.cwd,
          commandLine: ['ispkit', ...argv].map(quote).join(' '),
          signal: io.signal ?? new AbortController().signal,
          env: io.env ?? process.env,
          device: async () => io.device ?? realDeviceEnv(),
        };
        try {
          await (handler as (ctx: RunContext, ...rest: unknown[]) => Promise<void>)(run, ...args);
          onExit(ExitCode.OK);
        } catch (err) {
          const cliErr = io.signal?.aborted ? interrupted(err) : toCliError(err);
          if (cliErr.code === 'internal' && io.env?.['ISPKIT_DEBUG']) io.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
          out.fail(cliErr);
          onExit(cliErr.exitCode);
        }
      };
    },
  };
  for (const c of commands) c.register(program, ctx);
  return { program, lastUsageError: () => usageMessage };
}

/** Run the CLI; resolves with the exit code (never throws, never prints a stack trace). */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = ExitCode.OK;
  const { program, lastUsageError } = buildProgram(
    io,
    (c) => {
      code = c;
    },
    argv,
  );
  const wantsJson = argv.includes('--json');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.OK;
      const message = lastUsageError() ?? err.message.replace(/^error: /, '');
      if (err.code === 'commander.executeSubCommandAsync' || err.code === 'commander.help') return ExitCode.OK;
      const sub = argv.find((a) => !a.startsWith('-'));
      const e = usageError(message, `see \`ispkit ${sub && program.commands.some((c) => c.name() === sub) ? `${sub} ` : ''}--help\``);
      const out = new Reporter({ json: wantsJson, verbose: 0, quiet: false, stdout: io.stdout, stderr: io.stderr });
      out.fail(e);
      return e.exitCode;
    }
    const e = toCliError(err);
    new Reporter({ json: wantsJson, verbose: 0, quiet: false, stdout: io.stdout, stderr: io.stderr }).fail(e);
    return e.exitCode;
  }
}

import type { Command } from 'commander';
import type { DeviceEnv } from './device/device-env.js';
import type { Reporter } from './output/reporter.js';

/** Options every command accepts (defined once on the root program). */
export interface GlobalOptions {
  port?: string;
  part?: string;
  json: boolean;
  verbose: number;
  quiet: boolean;
}

/** What a running command gets. */
export interface RunContext {
  out: Reporter;
  global: GlobalOptions;
  /** Resolve a path the user typed against the directory ispkit was started in. */
  cwd: string;
  /** The command line as typed (`ispkit flash …`), for "run this again" advice. */
  commandLine: string;
  /** Environment variables (ISPKIT_BACKUP_DIR, XDG_DATA_HOME, ...). */
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C; long operations close the port so pending I/O ends at once. */
  signal: AbortSignal;
  /** Ports and programmers (serialport in the CLI, the in-memory fake in unit tests). Loaded on first use. */
  device(): Promise<DeviceEnv>;
}

/**
 * The handler of one (sub)command: commander's action arguments (positionals, then the command's own options).
 * Throw CliError for failures; return nothing for success.
 */
export type ActionHandler<A extends unknown[]> = (ctx: RunContext, ...args: A) => Promise<void>;

export interface RegisterContext {
  /** Wrap a handler for `Command.action()`: sets up output, maps errors to one line + exit code. */
  action<A extends unknown[]>(handler: ActionHandler<A>): (...args: unknown[]) => Promise<void>;
}

/**
 * One CLI command = one file under src/commands/ exporting a `CliCommand`, listed once in src/commands/index.ts.
 * `register` adds the command (and its subcommands) to the root program.
 */
export interface CliCommand {
  /** The top-level word (for the help's ordering and for tests). */
  name: string;
  register(program: Command, ctx: RegisterContext): void;
}

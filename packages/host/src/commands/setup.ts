/**
 * `ispkit setup udev [--print] [--yes] [--root <dir>]`: install ispkit's udev rule on Linux (user access + no
 * ModemManager probing) with consent — `--yes`, or a y/N question on a terminal — or print it for the user to
 * install. Writing needs root; without it the error says the exact commands to run.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { join, resolve } from 'node:path';
import { CliError, usageError } from '../cli-error.js';
import type { CliCommand, RunContext } from '../command.js';
import { renderUdevRules, UDEV_RULE_DIR, UDEV_RULE_FILE } from '../setup/udev-rule.js';

export interface SetupUdevOptions {
  print?: boolean;
  yes?: boolean;
  root?: string;
}

/** What the command touches outside the file it writes; tests swap these. */
export interface SetupUdevDeps {
  platform?: NodeJS.Platform;
  /** Asks y/N on a terminal; undefined when stdin is not a terminal. */
  ask?: ((question: string) => Promise<boolean>) | undefined;
  /** Runs `udevadm <args>`. */
  udevadm?: (args: string[]) => Promise<void>;
}

const MANUAL = `ispkit setup udev --print | sudo tee /${UDEV_RULE_DIR}/${UDEV_RULE_FILE} && sudo udevadm control --reload-rules && sudo udevadm trigger`;

function terminalAsk(): SetupUdevDeps['ask'] {
  if (!process.stdin.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  };
}

function runUdevadm(args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    execFile('udevadm', args, (err, _stdout, stderr) => (err ? reject(new Error(`${String(stderr).trim() || err.message}`)) : resolvePromise()));
  });
}

export async function runSetupUdev({ out, cwd }: Pick<RunContext, 'out' | 'cwd'>, opts: SetupUdevOptions, deps: SetupUdevDeps = {}): Promise<void> {
  const rules = renderUdevRules();
  if (opts.print) {
    out.result('setup udev', { file: UDEV_RULE_FILE, rules }, [rules.trimEnd()]);
    return;
  }
  const platform = deps.platform ?? process.platform;
  if (platform !== 'linux') {
    out.result('setup udev', { written: false, reason: 'not-linux' }, [`udev rules are for Linux; on ${platform === 'darwin' ? 'macOS' : platform === 'win32' ? 'Windows' : platform} nothing needs setting up`]);
    return;
  }
  const root = resolve(cwd, opts.root ?? '/');
  const dir = join(root, UDEV_RULE_DIR);
  const file = join(dir, UDEV_RULE_FILE);
  if (!opts.yes) {
    const ask = 'ask' in deps ? deps.ask : terminalAsk();
    if (!ask) throw usageError(`setup udev writes ${file} only with consent`, 'add --yes, or --print to see the rule and install it yourself');
    if (!(await ask(`write ispkit's udev rule to ${file} and reload udev?`))) {
      throw new CliError('not written (you said no)', { code: 'declined', hint: `to install it by hand: ${MANUAL}` });
    }
  }
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(file, rules);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const denied = code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
    throw new CliError(`cannot write ${file}: ${denied ? 'permission denied' : ((err as Error).message ?? String(err)).replace(/^\w+: /, '')}`, {
      code: denied ? 'permission' : 'write-failed',
      hint: `${denied ? 'run it as root (`sudo "$(command -v ispkit)" setup udev --yes`), or' : 'install it by hand:'} ${MANUAL}`,
    });
  }
  const lines = [`wrote ${file}`];
  if (opts.root === undefined || root === '/') {
    const udevadm = deps.udevadm ?? runUdevadm;
    try {
      await udevadm(['control', '--reload-rules']);
      await udevadm(['trigger', '--subsystem-match=usb', '--subsystem-match=tty', '--subsystem-match=hidraw']);
      lines.push('reloaded udev; unplug and replug the programmer or board for the rule to apply');
    } catch (err) {
      out.warning(`could not reload udev (${(err as Error).message}); run \`sudo udevadm control --reload-rules && sudo udevadm trigger\` or replug the device`);
    }
  } else {
    lines.push(`not reloading udev (--root ${opts.root})`);
  }
  out.result('setup udev', { written: true, file }, lines);
}

export const setupCommand: CliCommand = {
  name: 'setup',
  register(program, ctx) {
    const setup = program.command('setup').description('one-time system setup (Linux: the udev rule for the programmer and bootloaders)');
    setup
      .command('udev')
      .description(`install ispkit's udev rule (${UDEV_RULE_FILE}: access for the logged-in user, ModemManager keeps off) in /${UDEV_RULE_DIR} and reload udev`)
      .option('--print', 'print the rule instead of installing it')
      .option('-y, --yes', 'write without asking')
      .option('--root <dir>', 'install below this directory instead of / (for packaging and tests; udev is not reloaded)')
      .action(ctx.action(async (run, opts: SetupUdevOptions) => runSetupUdev(run, opts)));
  },
};

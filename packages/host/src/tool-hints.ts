/**
 * What `programmer build` and `sim` need beyond Node, how to tell it is there, and how to get it on each OS. The
 * npm package runs everything else with Node alone; these two need the AVR toolchain (avr-gcc, avr-libc, make) or
 * the simavr harness built from the repository, and say so in one line instead of failing deep inside.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type ExternalTool = 'avr-toolchain' | 'simavr';

/** The first of `names` found on PATH (Windows: with PATHEXT), or undefined. */
export function findOnPath(names: readonly string[], env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): string | undefined {
  const dirs = (env['PATH'] ?? env['Path'] ?? '').split(platform === 'win32' ? ';' : delimiter).filter(Boolean);
  const exts = platform === 'win32' ? (env['PATHEXT'] ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean) : [''];
  for (const dir of dirs) {
    for (const name of names) {
      for (const ext of exts) {
        const candidate = join(dir, name + ext);
        if (existsSync(candidate)) return candidate;
      }
    }
  }
  return undefined;
}

/** The AVR toolchain commands `programmer build` runs; the first missing one, if any. */
export function missingToolchainCommand(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): string | undefined {
  for (const command of ['avr-gcc', 'avr-objcopy', 'make']) {
    if (!findOnPath([command], env, platform)) return command;
  }
  return undefined;
}

const CLONE = 'run `npm run setup` in a clone of the ispkit repository';

/** How to get `tool` on `platform`, as the hint half of a one-line error. */
export function installHint(tool: ExternalTool, platform: NodeJS.Platform = process.platform): string {
  if (tool === 'avr-toolchain') {
    if (platform === 'darwin') return 'install it with Homebrew: `brew tap osx-cross/avr && brew install avr-gcc` (make comes with the Xcode command line tools)';
    if (platform === 'win32') return 'on Windows build in WSL: `wsl --install -d Ubuntu`, then in Ubuntu `sudo apt install gcc-avr avr-libc binutils-avr make`';
    return 'on Debian/Ubuntu: `sudo apt install gcc-avr avr-libc binutils-avr make` (other Linux: your distribution\'s avr-gcc and avr-libc packages)';
  }
  if (platform === 'darwin') return 'install simavr with Homebrew (`brew tap osx-cross/avr && brew install simavr`), then build the harness in a clone of the ispkit repository (`npx pnpm@10 install && npx pnpm@10 build`)';
  if (platform === 'win32') return `run it in WSL: \`wsl --install -d Ubuntu\`, then in Ubuntu ${CLONE} (it installs simavr with apt and builds the harness)`;
  return `${CLONE} (on Debian/Ubuntu it installs simavr and libsimavr-dev with apt and builds the harness), then run \`pnpm ispkit sim\` there`;
}

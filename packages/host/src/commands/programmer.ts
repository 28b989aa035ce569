/** `ispkit programmer …`: make the ISP programmer itself (build its firmware, install it on a board). */
import type { CliCommand } from '../command.js';
import { runProgrammerBuild, type ProgrammerBuildOptions } from './programmer-build.js';
import { runProgrammerInstall, type ProgrammerInstallOptions } from './programmer-install.js';

export const programmerCommand: CliCommand = {
  name: 'programmer',
  register(program, ctx) {
    const programmer = program.command('programmer').description('build the programmer firmware and install it on a Pro Micro or Teensy 2.0');
    programmer
      .command('build')
      .description('regenerate a programmer hex from the board table (or a custom board file)')
      .option('--board <id>', 'built-in board: teensy2, pro-micro, pro-micro-3v3')
      .option('--board-file <file>', 'custom board definition (.json, or .mjs whose default export is the board)')
      .option('--reset-pin <pin>', 'target RESET on this pin instead of the board default (e.g. B6)')
      .option('-o, --output <file>', 'where to write the hex (default: ispkit-<board>-<reset>.hex here)')
      .action(ctx.action(async (run, opts: ProgrammerBuildOptions) => runProgrammerBuild(run, opts)));
    programmer
      .command('install')
      .description('put the programmer firmware on the board through its USB bootloader, verify it, start it (-P names the board\'s port)')
      .requiredOption('--board <id>', 'pro-micro, pro-micro-3v3 or teensy2')
      .option('--hex <file>', 'firmware to install (default: the committed build for the board)')
      .action(ctx.action(async (run, opts: ProgrammerInstallOptions) => runProgrammerInstall(run, opts)));
  },
};

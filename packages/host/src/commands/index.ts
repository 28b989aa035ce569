import type { CliCommand } from '../command.js';
import { fusesCommand } from './fuses.js';
import { hexCommand } from './hex.js';
import { mergeCommand } from './merge.js';
import { programmerCommand } from './programmer.js';

/**
 * Every `ispkit` command, in help order. To add one: create src/commands/<name>.ts exporting a CliCommand and
 * add it here — nothing else to touch.
 */
export const commands: readonly CliCommand[] = [mergeCommand, hexCommand, fusesCommand, programmerCommand];

import type { CliCommand } from '../command.js';
import { backupCommand } from './backup.js';
import { bootloadersCommand } from './bootloaders.js';
import { doctorCommand } from './doctor.js';
import { eepromCommand } from './eeprom.js';
import { eraseCommand } from './erase.js';
import { flashCommand } from './flash.js';
import { fusesCommand } from './fuses.js';
import { hexCommand } from './hex.js';
import { infoCommand } from './info.js';
import { listCommand } from './list.js';
import { lockCommand } from './lock.js';
import { mergeCommand } from './merge.js';
import { programmerCommand } from './programmer.js';
import { readCommand } from './read.js';
import { restoreCommand } from './restore.js';
import { setupCommand } from './setup.js';
import { simCommand } from './sim.js';
import { verifyCommand } from './verify.js';
import { webCommand } from './web.js';

/**
 * Every `ispkit` command, in help order. To add one: create src/commands/<name>.ts exporting a CliCommand and
 * add it here — nothing else to touch.
 */
export const commands: readonly CliCommand[] = [
  listCommand,
  infoCommand,
  doctorCommand,
  flashCommand,
  readCommand,
  verifyCommand,
  eraseCommand,
  backupCommand,
  restoreCommand,
  eepromCommand,
  fusesCommand,
  lockCommand,
  mergeCommand,
  bootloadersCommand,
  hexCommand,
  programmerCommand,
  simCommand,
  webCommand,
  setupCommand,
];

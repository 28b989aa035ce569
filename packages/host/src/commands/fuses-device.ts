import type { Command } from 'commander';
import type { RegisterContext } from '../command.js';

/** `fuses read` / `fuses write` (need a programmer); filled in with the device commands. */
export function registerFuseDeviceCommands(_fuses: Command, _ctx: RegisterContext): void {}

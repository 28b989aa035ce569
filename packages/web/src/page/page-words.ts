import type { FrontEndWords } from '@ispkit/core';
import { CHECK_WIRING } from './doctor-words.js';

/**
 * The page's names for what a message asks the user to do: its own controls and steps, never a CLI flag or
 * command (the message catalogue and everything else in each sentence are @ispkit/core's, as on the CLI).
 */
export const pageWords: FrontEndWords = {
  forceDangerousFuses: 'the page never writes fuses that stop ISP; if you really mean it, use the ispkit command line',
  choosePart: () => 'this page programs the ATmega32U4 only; use the ispkit command line for that chip',
  partControl: 'this page programs the ATmega32U4',
  presetList: 'pick one of the presets in step 4',
  wiring: 'the diagram in step 2',
  rerun: 'reconnect it and press the button again',
  checkFile: 'check that it is the keyboard\'s Intel HEX file',
  doctor: `press "${CHECK_WIRING}" in step 3 to find which wire`,
  noBackup: 'untick "Back up first" in step 6',
  backupSource: 'step 5 of this page or by the ispkit command line',
  flashControl: 'step 4',
};

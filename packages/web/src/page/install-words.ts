import type { InstallWords } from '@ispkit/loaders';

/** The programmer install's messages in the page's terms: no `-P`, no CLI commands (ports are the page's serial:N names). */
export const pageInstallWords: InstallWords = {
  chooseOne: 'unplug all but one of them and press Install again',
  runAgainWith: () => 'put it in its bootloader by hand as asked next',
  checkProgrammer: 'press "Connect to the programmer" in step 3',
};

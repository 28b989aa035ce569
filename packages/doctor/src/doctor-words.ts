/**
 * The words of a diagnosis that name something of the front end: how to check again, where the wiring is shown,
 * what installs the programmer firmware. Everything else in a diagnosis (what the target answered, which wire) is
 * the same on the CLI and the web page. The CLI's are the defaults, so `ispkit doctor` reads as it always did.
 */
export interface DoctorWords {
  /** What to do after a fix to check the wiring again, in "then … again" sentences: "run `ispkit doctor` again". */
  again: string;
  /** Where the wiring is shown, in "check the wires … against …". */
  wiring: string;
  /** The programmer's RESET pin as the wiring shows it, in "connect … to the keyboard's RESET". */
  resetPin: string;
  /** What names the wire, in "lets … name the wire" and "… reads the raw bytes". */
  checker: string;
  /** Who knows the parts, in "no part … knows". */
  knower: string;
  /** What puts the ispkit programmer firmware on a board, in "… puts ours on it". */
  install: string;
  /** What writes the flash, in "do not let … write at this voltage". */
  flash: string;
  /** How the clock gets slow enough once the slower SCK worked (avrdude's `-B` for that SCK given). */
  clockPicked(avrdudeB: number): string;
  /** How to slow the clock when the signature comes back shifted by one bit. */
  slowClock: string;
}

export const cliDoctorWords: DoctorWords = {
  again: 'run `ispkit doctor` again',
  wiring: 'the wiring table below',
  resetPin: 'the programmer\'s RESET pin of the wiring table',
  checker: 'doctor',
  knower: 'ispkit',
  install: '`ispkit programmer install`',
  flash: '`ispkit flash`',
  clockPicked: (b) => `ispkit picks a working clock itself; with avrdude add -B ${b} or more`,
  slowClock: 'slow the clock: avrdude -B 32; ispkit tries slower clocks by itself',
};

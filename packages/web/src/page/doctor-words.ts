import type { DoctorWords } from '@ispkit/doctor';

/** Step 3's button that runs the wiring check: the page's hints name it. */
export const CHECK_WIRING = 'Check the wiring';

/** The wiring check's fix texts in the page's terms: its own button and steps, never a CLI command or flag. */
export const pageDoctorWords: DoctorWords = {
  again: `press "${CHECK_WIRING}" again`,
  wiring: 'the diagram in step 2',
  resetPin: 'the programmer\'s RESET pin shown in step 2',
  checker: 'the wiring check',
  knower: 'this page',
  install: 'step 1 (Make a programmer)',
  flash: 'step 6 (Flash)',
  clockPicked: () => 'the page picks a working clock by itself',
  slowClock: 'slow the clock: the page tries slower clocks by itself',
};

import { defineAvrdudeSuite } from './avrdude-suite.js';

defineAvrdudeSuite('avrdude 7.1 through ispkit firmware on a Teensy 2.0 (RESET B0)', { board: 'teensy2' }, { eeprom: true, allProgrammers: true, fuses: true, autoClock: true });

import { defineAvrdudeSuite } from './avrdude-suite.js';

defineAvrdudeSuite('avrdude 7.1 through ispkit firmware on a Pro Micro (RESET B6)', { board: 'pro-micro' }, { eeprom: true, allProgrammers: true, fuses: true, autoClock: true });

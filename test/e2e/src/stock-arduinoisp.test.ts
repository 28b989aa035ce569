import { beforeAll, describe } from 'vitest';
import { buildStockArduinoIsp } from './stock-arduinoisp.js';
import { defineAvrdudeSuite } from './avrdude-suite.js';

// The harness is not tuned to our firmware: the stock sketch, built from Debian's Arduino core for the Leonardo,
// runs in it as well. Stock ArduinoISP 1.18 doubles EEPROM addresses (made for avrdude < 7.1), so no EEPROM test.
let hex = '';
beforeAll(() => {
  hex = buildStockArduinoIsp();
});
describe('stock ArduinoISP', () => {
  defineAvrdudeSuite('avrdude 7.1 through stock ArduinoISP (Leonardo build, RESET B6)', {
    board: 'pro-micro',
    get firmware() {
      return hex;
    },
  }, { eeprom: false, allProgrammers: false, fuses: false });
});

import { encodeIsp, type Part } from '@ispkit/parts';
import type { IspTarget } from '@ispkit/stk500';

/** The protocol package's view of a part: sizes, timings, masks, and instructions from the part's pattern table. */
export function targetFromPart(part: Part): IspTarget {
  return {
    name: part.name,
    signature: part.signature,
    flash: { size: part.flash.size, pageSize: part.flash.pageSize },
    eeprom: { size: part.eeprom.size, pageSize: part.eeprom.pageSize },
    timing: part.timing,
    fuseMasks: part.fuseMasks,
    encode: (op, args) => encodeIsp(part, op, args ?? {}),
  };
}

/** Read-back compares that ignore bits a fuse or lock byte does not have. */
import { checkFuseByte, fieldValue, fuseByteDef, type FuseOrLock } from './fuse-fields.js';
import type { Part } from './part.js';

export interface FuseCompare {
  equal: boolean;
  mask: number;
  expected: number;
  actual: number;
  /** Masked bits that differ. */
  differingBits: number;
  /** Names of the fields that differ. */
  fields: string[];
}

export function fuseMask(part: Part, which: FuseOrLock): number {
  return fuseByteDef(part, which).mask;
}

export function compareFuse(part: Part, which: FuseOrLock, expected: number, actual: number): FuseCompare {
  checkFuseByte(which, expected);
  checkFuseByte(which, actual);
  const def = fuseByteDef(part, which);
  const differingBits = (expected ^ actual) & def.mask;
  return {
    equal: differingBits === 0,
    mask: def.mask,
    expected: expected & def.mask,
    actual: actual & def.mask,
    differingBits,
    fields: def.fields.filter((f) => fieldValue(f, expected) !== fieldValue(f, actual)).map((f) => f.name),
  };
}

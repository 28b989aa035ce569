/** Reading and writing named fields of fuse and lock bytes, from the part's field tables. */
import type { FuseByte, FuseField, FuseName, Part } from './part.js';

export type FuseOrLock = FuseName | 'lock';

export function fuseByteDef(part: Part, which: FuseOrLock): FuseByte {
  return which === 'lock' ? part.lock : part.fuses[which];
}

function shiftOf(mask: number): number {
  let shift = 0;
  while (((mask >> shift) & 1) === 0 && shift < 8) shift++;
  return shift;
}

export function checkFuseByte(which: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xff) {
    const what = which === 'lock' ? 'lock byte' : `${which} fuse`;
    throw new RangeError(`${what} must be a byte 0x00..0xFF (got ${String(value)})`);
  }
  return value;
}

/** The field's value shifted down to bit 0. */
export function fieldValue(field: FuseField, byte: number): number {
  return (byte & field.mask) >> shiftOf(field.mask);
}

export function findFuseField(part: Part, name: string): { fuse: FuseOrLock; field: FuseField } | undefined {
  const upper = name.toUpperCase();
  for (const fuse of ['low', 'high', 'ext', 'lock'] as const) {
    const field = fuseByteDef(part, fuse).fields.find((f) => f.name === upper);
    if (field) return { fuse, field };
  }
  return undefined;
}

/** `byte` with field `name` set to `value` (field units: 0 = programmed for one-bit fields). */
export function setFuseField(part: Part, which: FuseOrLock, byte: number, name: string, value: number): number {
  checkFuseByte(which, byte);
  const field = fuseByteDef(part, which).fields.find((f) => f.name === name.toUpperCase());
  if (!field) {
    const names = fuseByteDef(part, which).fields.map((f) => f.name);
    throw new RangeError(`${part.name} ${which} fuse has no field ${name}; it has ${names.join(', ')}`);
  }
  const shift = shiftOf(field.mask);
  const max = field.mask >> shift;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} takes 0..${max} (got ${value})`);
  }
  return (byte & ~field.mask & 0xff) | (value << shift);
}

/** The factory value of one field. */
export function factoryFieldValue(part: Part, which: FuseOrLock, name: string): number {
  const def = fuseByteDef(part, which);
  const field = def.fields.find((f) => f.name === name.toUpperCase());
  if (!field) throw new RangeError(`${part.name} ${which} fuse has no field ${name}`);
  return fieldValue(field, def.factory);
}

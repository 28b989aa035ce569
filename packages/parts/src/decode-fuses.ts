/** Fuse bytes → fields a person can read, plus the facts the host acts on (boot section, reset vector, clock). */
import { checkFuseByte, fieldValue, type FuseOrLock } from './fuse-fields.js';
import type { ClockKind, FuseName, Part } from './part.js';

export interface FuseValues {
  low: number;
  high: number;
  ext: number;
}

export interface DecodedFuseField {
  fuse: FuseOrLock;
  name: string;
  label: string;
  /** Field value shifted down to bit 0 (one-bit fields: 0 = programmed). */
  value: number;
  /** For one-bit fields: whether it is programmed (0). */
  programmed?: boolean;
  /** What the value means. */
  text: string;
  /** Same value as the factory setting. */
  isFactory: boolean;
}

export interface ClockInfo {
  kind: ClockKind;
  cksel: number;
  sut: number;
  /** The selected source, e.g. 'low-power crystal oscillator, 8.0–16 MHz'. */
  source: string;
  startup: string;
  /** CKDIV8 programmed: the clock runs divided by 8 from reset until software changes the prescaler. */
  divideBy8: boolean;
  /** One line: source, range, division. */
  description: string;
}

export interface DecodedFuses {
  part: string;
  low: number;
  high: number;
  ext: number;
  fields: DecodedFuseField[];
  byName: Record<string, DecodedFuseField>;
  clock: ClockInfo;
  /** Same as clock.description. */
  targetClock: string;
  ckdiv8: boolean;
  ckout: boolean;
  bootsz: number;
  /** Byte address of the boot section start. */
  bootStart: number;
  bootSize: number;
  /** BOOTRST programmed: reset jumps to bootStart. */
  bootrst: boolean;
  /** Byte address execution starts at after reset (HWBE can also start the bootloader, see hwbe). */
  resetVector: number;
  /** Serial programming enabled (SPIEN programmed). */
  spien: boolean;
  wdton: boolean;
  eesave: boolean;
  jtagen?: boolean;
  ocden?: boolean;
  hwbe?: boolean;
  rstdisbl?: boolean;
  dwen?: boolean;
  bod: { volts: number | null; text: string; reserved: boolean };
}

const crystalStartup = [
  '258 CK + 14 CK + 4.1 ms (ceramic resonator, fast rising power)',
  '258 CK + 14 CK + 65 ms (ceramic resonator, slowly rising power)',
  '1K CK + 14 CK (ceramic resonator, BOD enabled)',
  '1K CK + 14 CK + 4.1 ms (ceramic resonator, fast rising power)',
  '1K CK + 14 CK + 65 ms (ceramic resonator, slowly rising power)',
  '16K CK + 14 CK (crystal, BOD enabled)',
  '16K CK + 14 CK + 4.1 ms (crystal, fast rising power)',
  '16K CK + 14 CK + 65 ms (crystal, slowly rising power)',
] as const;

const rcStartup = [
  '6 CK + 14 CK (BOD enabled)',
  '6 CK + 14 CK + 4.1 ms (fast rising power)',
  '6 CK + 14 CK + 65 ms (slowly rising power)',
  'reserved',
] as const;

/** CKSEL3..1 → frequency range of the low-power crystal oscillator. */
const lowPowerCrystalRange: Record<number, string> = {
  4: '0.4–0.9 MHz',
  5: '0.9–3.0 MHz',
  6: '3.0–8.0 MHz',
  7: '8.0–16 MHz',
};

function decodeClock(part: Part, low: number): ClockInfo {
  const cksel = low & 0x0f;
  const sut = (low >> 4) & 0x03;
  const divideBy8 = (low & 0x80) === 0;
  const src = part.clockSources.find((c) => cksel >= c.cksel[0] && cksel <= c.cksel[1]);
  const kind: ClockKind = src?.kind ?? 'reserved';
  let source = src?.label ?? 'reserved';
  let startup: string;
  switch (kind) {
    case 'low-power-crystal':
    case 'full-swing-crystal':
      startup = crystalStartup[((cksel & 1) << 2) | sut]!;
      if (kind === 'low-power-crystal') source += `, ${lowPowerCrystalRange[cksel >> 1]}`;
      else source += ', 0.4–20 MHz';
      break;
    case 'internal-rc':
    case 'external-clock':
    case 'internal-128khz':
      startup = rcStartup[sut]!;
      break;
    default:
      startup = `see datasheet (CKSEL0=${cksel & 1}, SUT=${sut.toString(2).padStart(2, '0')})`;
  }
  const description =
    kind === 'reserved'
      ? `reserved clock selection CKSEL=${cksel.toString(2).padStart(4, '0')}`
      : `${source}${divideBy8 ? ', divided by 8 from reset (CKDIV8)' : ', not divided'}`;
  return { kind, cksel, sut, source, startup, divideBy8, description };
}

function checkFuses(fuses: FuseValues): FuseValues {
  return {
    low: checkFuseByte('low', fuses.low),
    high: checkFuseByte('high', fuses.high),
    ext: checkFuseByte('ext', fuses.ext),
  };
}

export function decodeFuses(part: Part, fuses: FuseValues): DecodedFuses {
  const { low, high, ext } = checkFuses(fuses);
  const values: Record<FuseName, number> = { low, high, ext };
  const fields: DecodedFuseField[] = [];
  const byName: Record<string, DecodedFuseField> = {};
  for (const fuse of ['low', 'high', 'ext'] as const) {
    const def = part.fuses[fuse];
    for (const field of def.fields) {
      const value = fieldValue(field, values[fuse]);
      const oneBit = (field.mask & (field.mask - 1)) === 0;
      const decoded: DecodedFuseField = {
        fuse,
        name: field.name,
        label: field.label,
        value,
        text: field.values?.[value] ?? `${value}`,
        isFactory: value === fieldValue(field, def.factory),
      };
      if (oneBit) decoded.programmed = value === 0;
      fields.push(decoded);
      byName[field.name] = decoded;
    }
  }
  const clock = decodeClock(part, low);
  const sut = byName.SUT;
  if (sut) sut.text = clock.startup;

  const bootsz = (high >> 1) & 0x03;
  const section = part.bootSections.find((s) => s.bootsz === bootsz)!;
  const bootStart = part.flash.size - section.size;
  const bootrst = (high & 0x01) === 0;
  const flag = (name: string): boolean | undefined => byName[name]?.programmed;
  const bodValue = byName.BODLEVEL?.value ?? 7;
  const volts = part.bodLevels[bodValue];

  const decoded: DecodedFuses = {
    part: part.id,
    low,
    high,
    ext,
    fields,
    byName,
    clock,
    targetClock: clock.description,
    ckdiv8: clock.divideBy8,
    ckout: flag('CKOUT') ?? false,
    bootsz,
    bootStart,
    bootSize: section.size,
    bootrst,
    resetVector: bootrst ? bootStart : 0,
    spien: flag('SPIEN') ?? true,
    wdton: flag('WDTON') ?? false,
    eesave: flag('EESAVE') ?? false,
    bod: {
      volts: volts ?? null,
      text: byName.BODLEVEL?.text ?? 'no brown-out detector fuse',
      reserved: volts === undefined,
    },
  };
  for (const name of ['JTAGEN', 'OCDEN', 'HWBE', 'RSTDISBL', 'DWEN'] as const) {
    const v = flag(name);
    if (v !== undefined) decoded[name.toLowerCase() as 'jtagen' | 'ocden' | 'hwbe' | 'rstdisbl' | 'dwen'] = v;
  }
  return decoded;
}

/** Lock byte → fields (LB, BLB0, BLB1). */
export function decodeLock(part: Part, lock: number): DecodedFuseField[] {
  checkFuseByte('lock', lock);
  return part.lock.fields.map((field) => {
    const value = fieldValue(field, lock);
    return {
      fuse: 'lock' as const,
      name: field.name,
      label: field.label,
      value,
      text: field.values?.[value] ?? `${value}`,
      isFactory: value === fieldValue(field, part.lock.factory),
    };
  });
}

/**
 * Fuse values that would cut the user off from ISP (dangers: the host refuses them unless forced) and milder ones
 * worth a word (warnings). Both read the part's field tables; a field a part does not have is never reported.
 */
import { checkFuseByte, fieldValue } from './fuse-fields.js';
import { identifyBootloader, type ImageLike } from './identify-bootloader.js';
import type { FuseName, Part } from './part.js';

export interface FuseIssue {
  fuse: FuseName;
  field: string;
  message: string;
}

export type PartialFuses = Partial<Record<FuseName, number>>;

function field(part: Part, fuse: FuseName, name: string, byte: number): number | undefined {
  const f = part.fuses[fuse].fields.find((x) => x.name === name);
  return f ? fieldValue(f, byte) : undefined;
}

/** Values that lock the user out over ISP. Only the fuses given are checked. */
export function fuseDangers(part: Part, fuses: PartialFuses): FuseIssue[] {
  const issues: FuseIssue[] = [];
  if (fuses.high !== undefined) {
    const high = checkFuseByte('high', fuses.high);
    if (field(part, 'high', 'SPIEN', high) === 1) {
      issues.push({
        fuse: 'high',
        field: 'SPIEN',
        message: 'SPIEN unprogrammed disables serial programming: ISP could never reach the chip again (high-voltage programmer needed)',
      });
    }
    if (field(part, 'high', 'RSTDISBL', high) === 0) {
      issues.push({
        fuse: 'high',
        field: 'RSTDISBL',
        message: 'RSTDISBL programmed turns RESET into an I/O pin: ISP needs RESET, so only a high-voltage programmer could undo it',
      });
    }
    if (field(part, 'high', 'DWEN', high) === 0) {
      issues.push({
        fuse: 'high',
        field: 'DWEN',
        message: 'DWEN programmed hands RESET to debugWIRE: ISP stops working until a debugWIRE tool turns it off',
      });
    }
  }
  if (fuses.low !== undefined) {
    const low = checkFuseByte('low', fuses.low);
    const cksel = low & 0x0f;
    const src = part.clockSources.find((c) => cksel >= c.cksel[0] && cksel <= c.cksel[1]);
    const bits = cksel.toString(2).padStart(4, '0');
    if (src?.kind === 'external-clock') {
      issues.push({
        fuse: 'low',
        field: 'CKSEL',
        message: `CKSEL=${bits} selects an external clock on XTAL1: without a clock signal there the chip stops answering ISP`,
      });
    } else if (!src || src.kind === 'reserved') {
      issues.push({
        fuse: 'low',
        field: 'CKSEL',
        message: `CKSEL=${bits} is a reserved clock selection on ${part.name}: the chip may not run or answer ISP`,
      });
    }
  }
  return issues;
}

function hex(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Milder findings: things that work but surprise people. With `image` (the flash about to be written), also
 * checks that BOOTRST/BOOTSZ fit the bootloader it carries.
 */
export function fuseWarnings(part: Part, fuses: PartialFuses, opts: { image?: ImageLike } = {}): FuseIssue[] {
  const issues: FuseIssue[] = [];
  if (fuses.high !== undefined && opts.image) {
    const high = checkFuseByte('high', fuses.high);
    const bootsz = (high >> 1) & 0x03;
    const bootStart = part.flash.size - part.bootSections.find((s) => s.bootsz === bootsz)!.size;
    const boot = identifyBootloader(opts.image, part);
    const hasDataAt = opts.image.segments.some((s) => bootStart >= s.address && bootStart < s.address + s.data.length);
    if (boot && boot.bootStart !== bootStart) {
      issues.push({
        fuse: 'high',
        field: 'BOOTSZ',
        message: `BOOTSZ puts the boot section at ${hex(bootStart)} but the image's bootloader starts at ${hex(boot.bootStart)} (needs BOOTSZ=${boot.bootsz.toString(2).padStart(2, '0')})`,
      });
    } else if ((high & 0x01) === 0 && !hasDataAt) {
      issues.push({
        fuse: 'high',
        field: 'BOOTRST',
        message: `BOOTRST programmed but the image has nothing at the boot section start ${hex(bootStart)}: reset would run erased flash`,
      });
    }
  }
  if (fuses.low !== undefined) {
    const low = checkFuseByte('low', fuses.low);
    const cksel = low & 0x0f;
    const src = part.clockSources.find((c) => cksel >= c.cksel[0] && cksel <= c.cksel[1]);
    if (src?.kind === 'low-frequency-crystal' || src?.kind === 'internal-128khz') {
      issues.push({
        fuse: 'low',
        field: 'CKSEL',
        message: `${src.label}: ISP then needs a very slow SCK (under a quarter of the clock, e.g. -B 100 or slower)`,
      });
    }
    if (src?.kind === 'low-power-crystal' && cksel >> 1 !== 7) {
      issues.push({
        fuse: 'low',
        field: 'CKSEL',
        message: 'crystal oscillator set for a range below 8 MHz: a 16 MHz crystal may not start reliably',
      });
    }
    if ((low & 0x40) === 0 && part.fuses.low.fields.some((f) => f.name === 'CKOUT')) {
      issues.push({ fuse: 'low', field: 'CKOUT', message: 'CKOUT programmed drives the clock out on the CLKO pin, which the board may use as I/O' });
    }
  }
  if (fuses.high !== undefined) {
    const high = checkFuseByte('high', fuses.high);
    if (field(part, 'high', 'WDTON', high) === 0) {
      issues.push({ fuse: 'high', field: 'WDTON', message: 'WDTON programmed keeps the watchdog always on: firmware that does not reset it reboots in a loop' });
    }
    if (field(part, 'high', 'OCDEN', high) === 0) {
      issues.push({ fuse: 'high', field: 'OCDEN', message: 'OCDEN programmed keeps on-chip debug running and raises power use; unprogram it for normal use' });
    }
    if (field(part, 'high', 'JTAGEN', high) === 0) {
      issues.push({ fuse: 'high', field: 'JTAGEN', message: 'JTAGEN programmed: PF4..PF7 start as the JTAG port, not I/O, unless the firmware disables JTAG' });
    }
  }
  if (fuses.ext !== undefined) {
    const ext = checkFuseByte('ext', fuses.ext);
    const bod = field(part, 'ext', 'BODLEVEL', ext);
    if (bod !== undefined && part.bodLevels[bod] === undefined) {
      issues.push({ fuse: 'ext', field: 'BODLEVEL', message: `BODLEVEL=${bod.toString(2).padStart(3, '0')} is reserved on ${part.name}` });
    }
  }
  return issues;
}

import { decodeFuses, fuseDangers, fuseWarnings, type FuseValues, type Part } from '@ispkit/parts';
import { hex8 } from './format.js';

/** Human lines + JSON for a set of fuse values. Pure. */
export function fuseReport(part: Part, fuses: FuseValues): { data: Record<string, unknown>; lines: string[] } {
  const d = decodeFuses(part, fuses);
  const dangers = fuseDangers(part, fuses);
  const warnings = fuseWarnings(part, fuses);
  const lines = [`${part.name} fuses: low ${hex8(fuses.low)}, high ${hex8(fuses.high)}, extended ${hex8(fuses.ext)}`];
  for (const fuse of ['low', 'high', 'ext'] as const) {
    lines.push(`  ${fuse === 'ext' ? 'extended' : fuse} ${hex8(fuses[fuse])}:`);
    for (const f of d.fields.filter((x) => x.fuse === fuse)) {
      lines.push(`    ${f.name.padEnd(9)} ${f.text}${f.isFactory ? '' : '  (changed from factory)'}`);
    }
  }
  lines.push(`  clock: ${d.targetClock}`);
  lines.push(`  reset starts at ${`0x${d.resetVector.toString(16).toUpperCase().padStart(4, '0')}`} (boot section ${d.bootSize} B at 0x${d.bootStart.toString(16).toUpperCase()}, BOOTRST ${d.bootrst ? 'programmed' : 'unprogrammed'})`);
  for (const x of dangers) lines.push(`  DANGER ${x.field}: ${x.message}`);
  for (const x of warnings) lines.push(`  note ${x.field}: ${x.message}`);
  const data = {
    part: part.id,
    fuses,
    fields: d.fields.map((f) => ({ fuse: f.fuse, name: f.name, value: f.value, text: f.text, isFactory: f.isFactory })),
    clock: d.clock,
    ckdiv8: d.ckdiv8,
    bootStart: d.bootStart,
    bootSize: d.bootSize,
    bootrst: d.bootrst,
    resetVector: d.resetVector,
    dangers,
    warnings,
  };
  return { data, lines };
}

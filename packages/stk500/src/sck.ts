/**
 * SCK (ISP clock) choices. Parm_STK_SCK_DURATION is in avrdude's stk500v1 `-B` unit: one unit is 8 / 7.3728 MHz
 * ≈ 1.085 µs of SCK period, and since avrdude rounds, duration d ≥ 1 means "a period of at least (d − 0.5) units".
 * ispkit firmware (firmware/src/isp_spi.c) picks the fastest hardware-SPI divider (never faster than 2 MHz, the
 * limit for a 16 MHz target) whose period is at least that, and bit-bangs beyond SPI's slowest rate; d = 0 selects
 * 2 MHz. Its default is 4 (250 kHz), safe for a factory-fused target (CKDIV8: 2 MHz core).
 */
export const SCK_DURATION_UNIT_US = 8 / 7.3728;

const DIVIDERS = [2, 4, 8, 16, 32, 64, 128] as const;
const MAX_SCK_HZ = 2_000_000;

/** SCK frequency an ispkit programmer clocked at `programmerHz` uses for `duration`. */
export function ispkitSckHz(duration: number, programmerHz = 16_000_000): number {
  const minPeriodUs = duration === 0 ? 0 : (duration - 0.5) * SCK_DURATION_UNIT_US;
  for (const div of DIVIDERS) {
    if (programmerHz / div > MAX_SCK_HZ) continue;
    if ((div / programmerHz) * 1e6 >= minPeriodUs) return programmerHz / div;
  }
  return 1e6 / minPeriodUs; // bit-banged (slightly slower in practice)
}

/**
 * Fastest SCK the target accepts (datasheet: high and low phases each > 2 target clocks below 12 MHz, > 3 from
 * 12 MHz), so SCK must stay strictly below fck / 4 (fck / 6 from 12 MHz).
 */
export function maxSckHz(targetHz: number): number {
  return targetHz >= 12_000_000 ? targetHz / 6 : targetHz / 4;
}

/** Durations that give distinct speeds on a 16 MHz programmer, fastest first: 2 MHz, 1 MHz, 500, 250, 125 kHz. */
export const SCK_DURATIONS = [0, 1, 2, 4, 5] as const;

/** Durations whose SCK is strictly below what a target at `targetHz` accepts, fastest first. */
export function sckCandidates(targetHz: number, programmerHz = 16_000_000): number[] {
  const limit = maxSckHz(targetHz);
  return SCK_DURATIONS.filter((d) => ispkitSckHz(d, programmerHz) < limit);
}

export function formatHz(hz: number): string {
  if (hz >= 1e6) return `${+(hz / 1e6).toFixed(3)} MHz`;
  if (hz >= 1e3) return `${+(hz / 1e3).toFixed(1)} kHz`;
  return `${Math.round(hz)} Hz`;
}

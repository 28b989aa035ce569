/**
 * SCK (ISP clock) choices. Parm_STK_SCK_DURATION is in avrdude's stk500v1 `-B` unit: one unit is 8 / 7.3728 MHz
 * ≈ 1.085 µs of SCK period. ispkit firmware runs hardware SPI at f_cpu / 8 … f_cpu / 128 and picks the fastest
 * divider whose period is at least the requested one; duration 0 selects f_cpu / 8 (2 MHz on a 16 MHz programmer),
 * the fastest any AVR target accepts.
 */
export const SCK_DURATION_UNIT_US = 8 / 7.3728;

const DIVIDERS = [8, 16, 32, 64, 128] as const;

/** SCK frequency an ispkit programmer clocked at `programmerHz` uses for `duration`. */
export function ispkitSckHz(duration: number, programmerHz = 16_000_000): number {
  const wantPeriodUs = duration * SCK_DURATION_UNIT_US;
  for (const div of DIVIDERS) {
    const periodUs = (div / programmerHz) * 1e6;
    if (periodUs >= wantPeriodUs) return programmerHz / div;
  }
  return programmerHz / 128;
}

/**
 * Fastest SCK the target accepts (datasheet: high and low phases each > 2 target clocks below 12 MHz, > 3 from
 * 12 MHz), so SCK must stay strictly below fck / 4 (fck / 6 from 12 MHz).
 */
export function maxSckHz(targetHz: number): number {
  return targetHz >= 12_000_000 ? targetHz / 6 : targetHz / 4;
}

/** Durations that give distinct speeds, fastest first. */
export const SCK_DURATIONS = [0, 1, 2, 4] as const;

/** Durations whose SCK is strictly below what a target at `targetHz` accepts, fastest first. */
export function sckCandidates(targetHz: number, programmerHz = 16_000_000): number[] {
  const limit = maxSckHz(targetHz);
  return SCK_DURATIONS.filter((d) => ispkitSckHz(d, programmerHz) < limit);
}

export function formatHz(hz: number): string {
  if (hz >= 1e6) return `${+(hz / 1e6).toFixed(3)} MHz`;
  if (hz >= 1e3) return `${+(hz / 1e3).toFixed(1)} kHz`;
  return `${hz} Hz`;
}

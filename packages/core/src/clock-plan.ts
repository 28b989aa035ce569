import { decodeFuses, type FuseValues, type Part } from '@ispkit/parts';
import { formatHz, ispkitSckHz, sckCandidates, type ProgrammerInfo } from '@ispkit/stk500';

/** The core clock a target runs at from its fuses (the crystal frequency is assumed: 16 MHz, the keyboards' usual). */
export function estimateCoreHz(part: Part, fuses: FuseValues): { hz: number; undividedHz: number; ckdiv8: boolean; assumption: string } {
  const d = decodeFuses(part, fuses);
  let base: number;
  let assumption: string;
  switch (d.clock.kind) {
    case 'internal-rc':
      base = 8_000_000;
      assumption = 'internal 8 MHz RC oscillator';
      break;
    case 'internal-128khz':
      base = 128_000;
      assumption = 'internal 128 kHz oscillator';
      break;
    case 'low-frequency-crystal':
      base = 32_768;
      assumption = '32.768 kHz watch crystal';
      break;
    default:
      base = 16_000_000;
      assumption = `${d.clock.kind === 'external-clock' ? 'external clock' : 'crystal'} assumed to be 16 MHz`;
  }
  return { hz: d.ckdiv8 ? base / 8 : base, undividedHz: base, ckdiv8: d.ckdiv8, assumption };
}

export interface ClockPlan {
  /** Core clock now. */
  currentHz: number;
  /** Clear CKDIV8 for the duration of programming (and restore/write the final fuses last). */
  clearCkdiv8: boolean;
  /** Core clock while programming. */
  programmingHz: number;
  /** SCK durations to try while programming, fastest first (ispkit only; empty for stock ArduinoISP). */
  candidates: number[];
  /** Human explanation. */
  explanation: string;
}

/**
 * How fast to program. A factory ATmega32U4 (CKDIV8 → 2 MHz core) only takes SCK < 500 kHz. When allowed, clearing
 * CKDIV8 for the session (same crystal, clock source untouched) lets SCK run at 2 MHz; the requested fuses are
 * written last. Pure.
 */
export function planClock(part: Part, fuses: FuseValues, info: ProgrammerInfo, options: { allowCkdiv8Trick: boolean }): ClockPlan {
  const est = estimateCoreHz(part, fuses);
  if (!info.canSetSck) {
    return { currentHz: est.hz, clearCkdiv8: false, programmingHz: est.hz, candidates: [], explanation: 'the programmer uses its own fixed SCK (stock ArduinoISP)' };
  }
  const fastCandidates = sckCandidates(est.undividedHz);
  const worthIt = est.ckdiv8 && options.allowCkdiv8Trick && est.undividedHz >= 8_000_000 && (fastCandidates[0] ?? 99) !== (sckCandidates(est.hz)[0] ?? 99);
  if (worthIt) {
    return {
      currentHz: est.hz,
      clearCkdiv8: true,
      programmingHz: est.undividedHz,
      candidates: fastCandidates,
      explanation:
        `the target runs at ${formatHz(est.hz)} (CKDIV8 programmed, ${est.assumption}), which limits SCK to ${formatHz(ispkitSckHz(sckCandidates(est.hz)[0] ?? 4))}; ` +
        `clearing CKDIV8 while programming allows ${formatHz(ispkitSckHz(fastCandidates[0] ?? 4))} — the fuses you asked for (or the original ones) are written last`,
    };
  }
  const candidates = sckCandidates(est.hz);
  return {
    currentHz: est.hz,
    clearCkdiv8: false,
    programmingHz: est.hz,
    candidates,
    explanation: `the target runs at ${formatHz(est.hz)} (${est.ckdiv8 ? 'CKDIV8 programmed, ' : ''}${est.assumption}): SCK ${formatHz(ispkitSckHz(candidates[0] ?? 4))}`,
  };
}

/**
 * What step 2 shows for a programmer board, as data: the SVG markup is @ispkit/boards' renderWiringSvg (the
 * generator docs/wiring-<board>.svg and the README's pictures come from), so the page cannot show a different
 * diagram; the table rows and notes come from the same functions. No DOM here (wiring.ts puts it on the page).
 */
import { programmerPinFor, renderWiringSvg, wiringNotes, wiringTitle, type BoardDefinition } from '@ispkit/boards';

export interface WiringDiagram {
  /** The diagram's accessible name (its `<title>`). */
  title: string;
  /** The generated SVG document, byte for byte docs/wiring-<board>.svg. */
  svg: string;
  /** Programmer pin → keyboard ISP signal, in the order the table lists them. */
  rows: { programmer: string; keyboard: string }[];
  notes: string[];
}

const SIGNALS = ['RESET', 'SCK', 'MOSI', 'MISO', 'VCC', 'GND'] as const;

export function wiringDiagram(board: BoardDefinition): WiringDiagram {
  return {
    title: wiringTitle(board),
    svg: renderWiringSvg(board),
    rows: SIGNALS.map((s) => ({ programmer: programmerPinFor(board, s), keyboard: s })),
    notes: wiringNotes(board),
  };
}

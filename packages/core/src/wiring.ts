import { boards, pinLabel, spiPins, type BoardDefinition } from '@ispkit/boards';

/** Plain-text wiring lines for the given boards (generated from the board table, like the README's). */
export function wiringLines(list: readonly BoardDefinition[] = boards): string[] {
  const cell = (b: BoardDefinition, pin: Parameters<typeof pinLabel>[1]): string => {
    const label = pinLabel(b, pin);
    return label === pin ? pin : `${label} (${pin})`;
  };
  const lines = ['wiring (programmer → keyboard ISP header):'];
  for (const b of list) {
    lines.push(
      `  ${b.name}: ${cell(b, b.targetReset)} → RESET, ${cell(b, spiPins.sck)} → SCK, ${cell(b, spiPins.mosi)} → MOSI, ${cell(b, spiPins.miso)} → MISO, ${b.voltage === 5 ? '5V' : '3.3V'} → VCC, GND → GND`,
    );
  }
  return lines;
}

/** The board with the code the firmware reports (ISPKIT_BOARD), if built in. */
export function boardByCode(code: number): BoardDefinition | undefined {
  return code > 0 ? boards[code - 1] : undefined;
}

import { pinLabel, spiPins, type BoardDefinition } from './board.js';

/**
 * The README wiring table (markdown) for the given boards: which programmer pin goes to which target ISP pin.
 * Generated from the board table so documentation and firmware cannot disagree.
 */
export function renderWiringTable(list: readonly BoardDefinition[]): string {
  const rows: string[] = [];
  rows.push('| Programmer board | Target RESET | Target SCK | Target MOSI | Target MISO | Target VCC / GND |');
  rows.push('| --- | --- | --- | --- | --- | --- |');
  for (const b of list) {
    const cell = (pin: Parameters<typeof pinLabel>[1]): string => {
      const label = pinLabel(b, pin);
      return label === pin ? pin : `${label} (${pin})`;
    };
    rows.push(`| ${b.name} | ${cell(b.targetReset)} | ${cell(spiPins.sck)} | ${cell(spiPins.mosi)} | ${cell(spiPins.miso)} | `
      + `${b.voltage === 5 ? '5V' : '3.3V'} / GND |`);
  }
  return `${rows.join('\n')}\n`;
}

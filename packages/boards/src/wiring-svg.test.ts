import { expect, test } from 'vitest';
import { boards, getBoard } from './board-list.js';
import { ispHeaderPinout, programmerPinFor, renderWiringSvg, wiringNotes, wiringTitle } from './wiring-svg.js';

test('the standard 2×3 AVR ISP header pinout', () => {
  expect(ispHeaderPinout.map((p) => `${p.pin} ${p.signal}`)).toEqual(['1 MISO', '2 VCC', '3 SCK', '4 MOSI', '5 RESET', '6 GND']);
});

test('each board: its own pin labels, its voltage, every header pin and one wire per signal; same bytes every time', () => {
  for (const b of boards) {
    const svg = renderWiringSvg(b);
    expect(svg).toBe(renderWiringSvg(b));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const s of ['RESET', 'SCK', 'MOSI', 'MISO', 'VCC', 'GND'] as const) expect(svg).toContain(`>${programmerPinFor(b, s)}</text>`);
    for (const p of ispHeaderPinout) expect(svg).toContain(`>${p.pin} ${p.signal}</text>`);
    expect(svg.match(/<polyline /g)).toHaveLength(6);
    expect(svg).toContain(`boards/${b.id}.ts`);
    // one accessible name for the picture wherever it is shown (README image, inline on the web page)
    expect(svg).toContain(`role="img" aria-label="${wiringTitle(b)}"`);
    expect(svg).toContain(`<title>${wiringTitle(b)}</title>`);
    for (const note of wiringNotes(b)) expect(svg).toContain(`>${note}</text>`);
  }
  expect(programmerPinFor(getBoard('pro-micro'), 'RESET')).toBe('pin 10 (B6)');
  expect(programmerPinFor(getBoard('teensy2'), 'RESET')).toBe('B0');
  expect(programmerPinFor(getBoard('pro-micro-3v3'), 'VCC')).toBe('VCC (3.3V)');
  expect(wiringNotes(getBoard('pro-micro-3v3'))[1]).toContain('3.3 V: only for a keyboard fused for 8 MHz or slower');
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boards } from './board-list.js';
import { renderWiringTable } from './wiring-table.js';

describe('renderWiringTable', () => {
  it('renders one row per board from the board table, with printed pin labels', () => {
    const t = renderWiringTable(boards);
    const rows = t.trimEnd().split('\n');
    expect(rows).toHaveLength(2 + boards.length);
    expect(rows[2]).toBe('| Teensy 2.0 | B0 | B1 | B2 | B3 | 5V / GND |');
    expect(rows[3]).toBe('| Pro Micro 5 V (16 MHz) | pin 10 (B6) | pin 15 (B1) | pin 16 (B2) | pin 14 (B3) | 5V / GND |');
    expect(rows[4]).toContain('3.3V / GND');
  });

  it('matches the table in this package README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(renderWiringTable(boards));
  });
});

/**
 * Step 2's diagram, drawn from @ispkit/boards (the table the firmware's pin header and the README's wiring table
 * are generated from): the programmer's pins on the left, the keyboard's six ISP pads on the right, one labelled
 * wire each.
 */
import { pinLabel, spiPins, type BoardDefinition } from '@ispkit/boards';

interface Wire {
  from: string;
  to: string;
  color: string;
}

export function wires(board: BoardDefinition): Wire[] {
  const label = (pin: Parameters<typeof pinLabel>[1]) => {
    const l = pinLabel(board, pin);
    return l === pin ? pin : `${l} (${pin})`;
  };
  return [
    { from: label(board.targetReset), to: 'RESET', color: '#d9480f' },
    { from: label(spiPins.sck), to: 'SCK', color: '#1971c2' },
    { from: label(spiPins.mosi), to: 'MOSI', color: '#2f9e44' },
    { from: label(spiPins.miso), to: 'MISO', color: '#9c36b5' },
    { from: board.voltage === 5 ? 'VCC (5 V)' : 'VCC (3.3 V)', to: 'VCC', color: '#c92a2a' },
    { from: 'GND', to: 'GND', color: '#343a40' },
  ];
}

const SVG = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export function renderWiring(container: HTMLElement, board: BoardDefinition): void {
  const list = wires(board);
  const rowH = 30;
  const top = 40;
  const height = top + list.length * rowH + 10;
  const svg = el('svg', { viewBox: `0 0 560 ${height}`, width: '100%', role: 'img', 'aria-label': `Wiring: ${board.name} to the keyboard's ISP pads` });
  svg.append(el('rect', { x: 10, y: 10, width: 170, height: height - 20, rx: 8, fill: '#f1f3f5', stroke: '#868e96' }));
  svg.append(el('text', { x: 20, y: 30, 'font-weight': 600 }, board.name));
  svg.append(el('rect', { x: 380, y: 10, width: 170, height: height - 20, rx: 8, fill: '#f1f3f5', stroke: '#868e96' }));
  svg.append(el('text', { x: 390, y: 30, 'font-weight': 600 }, 'Keyboard ISP pads'));
  list.forEach((w, i) => {
    const y = top + i * rowH + 12;
    svg.append(el('text', { x: 20, y: y + 4 }, w.from));
    svg.append(el('circle', { cx: 180, cy: y, r: 4, fill: w.color }));
    svg.append(el('line', { x1: 180, y1: y, x2: 380, y2: y, stroke: w.color, 'stroke-width': 3 }));
    svg.append(el('circle', { cx: 380, cy: y, r: 4, fill: w.color }));
    svg.append(el('text', { x: 390, y: y + 4 }, w.to));
  });
  const table = document.createElement('table');
  table.setAttribute('aria-label', 'Wiring table');
  table.innerHTML = '<thead><tr><th scope="col">Programmer pin</th><th scope="col">Keyboard pad</th></tr></thead>';
  const body = document.createElement('tbody');
  for (const w of list) {
    const tr = document.createElement('tr');
    const a = document.createElement('td');
    a.textContent = w.from;
    const b = document.createElement('td');
    b.textContent = w.to;
    tr.append(a, b);
    body.append(tr);
  }
  table.append(body);
  const note = document.createElement('p');
  note.textContent = `The keyboard must be powered: connect VCC and GND even if it is also on USB, and use a ${board.voltage === 5 ? '5 V' : '3.3 V'} keyboard with this programmer.`;
  container.replaceChildren(svg, table, note);
}

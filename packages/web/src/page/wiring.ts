/**
 * Step 2: the generated wiring diagram for the chosen board (wiring-diagram.ts), inline so it scales with the page,
 * and the same wiring as a table for screen readers and copying.
 */
import type { BoardDefinition } from '@ispkit/boards';
import { wiringDiagram } from './wiring-diagram.js';

/** The generated markup as an SVG element of this document (parsed as XML, so it is the file's own node tree). */
function svgElement(markup: string): SVGSVGElement {
  const parsed = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const root = parsed.documentElement;
  if (!(root instanceof SVGSVGElement)) throw new Error(`the generated wiring diagram did not parse as SVG: ${root.textContent ?? ''}`);
  return document.importNode(root, true);
}

export function renderWiring(container: HTMLElement, board: BoardDefinition): void {
  const diagram = wiringDiagram(board);
  const figure = document.createElement('figure');
  figure.className = 'wiring-diagram';
  figure.append(svgElement(diagram.svg));
  const table = document.createElement('table');
  table.setAttribute('aria-label', 'Wiring table');
  table.innerHTML = '<thead><tr><th scope="col">Programmer pin</th><th scope="col">Keyboard ISP pin</th></tr></thead>';
  const body = document.createElement('tbody');
  for (const row of diagram.rows) {
    const tr = document.createElement('tr');
    for (const text of [row.programmer, row.keyboard]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(body);
  const notes = diagram.notes.map((n) => {
    const p = document.createElement('p');
    p.textContent = n;
    return p;
  });
  container.replaceChildren(figure, table, ...notes);
}

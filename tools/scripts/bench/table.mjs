// Renders the benchmark rows as a fixed-width text table (stdout) and a markdown table (README).

const COLUMNS = [
  ['programmer', (r) => r.programmerLabel],
  ['workload', (r) => r.workloadId],
  ['target', (r) => r.targetId],
  ['erase s', (r) => num(r.eraseSeconds, 3)],
  ['write s', (r) => num(r.writeSeconds, 3)],
  ['verify s', (r) => num(r.verifySeconds, 3)],
  ['total s', (r) => num(r.totalSeconds, 3)],
  ['SPI bytes', (r) => String(r.spiBytes ?? '-')],
  ['USB bytes', (r) => String(r.usbBytes ?? '-')],
  ['bytes/s', (r) => (r.bytesPerSecond ? String(Math.round(r.bytesPerSecond)) : '-')],
  ['vs (a)', (r) => (r.ratioToA ? `${r.ratioToA.toFixed(1)}x` : '-')],
  ['vs (c)', (r) => (r.ratioToC ? `${r.ratioToC.toFixed(3)}` : '-')],
  ['violations', (r) => (r.violations ? String(Object.values(r.violations).reduce((s, n) => s + n, 0)) : '-')],
  ['wall s', (r) => num(r.wallSeconds, 1)],
];

function num(v, digits) {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '-';
}

function cells(rows) {
  return rows.map((r) => (r.error ? [r.programmerLabel, r.workloadId, r.targetId, `FAILED: ${r.error}`] : COLUMNS.map(([, f]) => f(r))));
}

export function renderText(rows) {
  const body = cells(rows);
  const head = COLUMNS.map(([h]) => h);
  const widths = head.map((h, i) => Math.max(h.length, ...body.filter((c) => c.length === head.length).map((c) => c[i].length)));
  const line = (c) => c.map((v, i) => (i < 3 ? v.padEnd(widths[i]) : v.padStart(widths[i] ?? 0))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map((c) => (c.length === head.length ? line(c) : c.join('  ')))].join('\n');
}

export function renderMarkdown(rows) {
  const head = COLUMNS.map(([h]) => h);
  const out = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 3 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const c of cells(rows)) out.push(`| ${c.join(' | ')} |`);
  return out.join('\n');
}

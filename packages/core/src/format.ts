/** Small pure formatters shared by messages (no I/O). */

export function hex8(value: number): string {
  return value.toString(16).toUpperCase().padStart(2, '0');
}

export function hexAddr(value: number, width = 4): string {
  return `0x${value.toString(16).toUpperCase().padStart(width, '0')}`;
}

export function hexBytes(bytes: ArrayLike<number>): string {
  return Array.from(bytes, hex8).join(' ');
}

export function formatBytes(n: number): string {
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

export function formatRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '-';
  if (bytesPerSecond >= 1024) return `${(bytesPerSecond / 1024).toFixed(1)} KB/s`;
  return `${Math.round(bytesPerSecond)} B/s`;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Parse a byte value given on the command line: 5E, 0x5E, 0b01011110, 94 → number; undefined if malformed. */
export function parseByte(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  let v: number;
  if (/^0x[0-9a-f]{1,2}$/.test(t)) v = parseInt(t.slice(2), 16);
  else if (/^0b[01]{1,8}$/.test(t)) v = parseInt(t.slice(2), 2);
  else if (/^[0-9a-f]{1,2}$/.test(t)) v = parseInt(t, 16);
  else return undefined;
  return v >= 0 && v <= 0xff ? v : undefined;
}

/**
 * Reproducible "random" bytes for tests and benchmarks: the same (length, seed) always gives the same bytes, so a
 * failure can be replayed and two processes can agree on an image without passing it around.
 */
export function seededBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = (x >>> 16) & 0xff;
  }
  return out;
}

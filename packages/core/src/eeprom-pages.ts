/**
 * Which EEPROM bytes to write so the chip ends up holding `wanted`, given what it holds now: whole pages
 * (`pageSize` bytes, aligned) that differ, joined into runs of consecutive pages. Pages already equal are skipped:
 * each page write costs the target ~9 ms whether or not the bytes change. Runs are aligned to whole pages, so they
 * are even for programmers that address EEPROM in words. Pure.
 */
export function eepromRunsToWrite(current: Uint8Array, wanted: Uint8Array, pageSize: number): { start: number; length: number }[] {
  if (current.length !== wanted.length) throw new RangeError(`eepromRunsToWrite: ${current.length} bytes now, ${wanted.length} wanted`);
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`eepromRunsToWrite: bad page size ${String(pageSize)}`);
  const runs: { start: number; length: number }[] = [];
  for (let page = 0; page < wanted.length; page += pageSize) {
    const end = Math.min(wanted.length, page + pageSize);
    let same = true;
    for (let i = page; i < end && same; i++) same = current[i] === wanted[i];
    if (same) continue;
    const last = runs[runs.length - 1];
    if (last && last.start + last.length === page) last.length += end - page;
    else runs.push({ start: page, length: end - page });
  }
  return runs;
}

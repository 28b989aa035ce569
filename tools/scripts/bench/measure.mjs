// Turning harness counters into benchmark figures. Simulated time is the figure of merit: the harness stops its
// clock while it is the host's turn, so these numbers do not depend on how busy the machine is. When a host stays
// quiet on its turn (a process starting up), the harness lets 20 ms of simulated time pass now and then anyway;
// how many depends on wall time, so the figures use @ispkit/sim's targetSeconds (simSeconds without that grace).

const COUNTERS = ['simSeconds', 'spiBytes', 'pageWrites', 'usbBytesOut', 'usbBytesIn'];

/** after − before for every counter, incl. violations. */
export function diffStats(before, after) {
  const d = {};
  for (const k of COUNTERS) d[k] = (after[k] ?? 0) - (before[k] ?? 0);
  d.simSeconds = after.targetSeconds - before.targetSeconds;
  d.violations = {};
  const kinds = new Set([...Object.keys(before.violations ?? {}), ...Object.keys(after.violations ?? {})]);
  for (const k of kinds) d.violations[k] = (after.violations?.[k] ?? 0) - (before.violations?.[k] ?? 0);
  return d;
}

/** a − b, counter by counter (used to take one avrdude session's setup cost out of a phase). */
export function minus(a, b) {
  const d = {};
  for (const k of COUNTERS) d[k] = a[k] - b[k];
  d.violations = {};
  for (const k of Object.keys(a.violations)) d.violations[k] = a.violations[k] - (b.violations[k] ?? 0);
  return d;
}

export function plus(...xs) {
  const d = { violations: {} };
  for (const k of COUNTERS) d[k] = xs.reduce((s, x) => s + x[k], 0);
  for (const x of xs) for (const [k, v] of Object.entries(x.violations)) d.violations[k] = (d.violations[k] ?? 0) + v;
  return d;
}

export function violationCount(v) {
  return Object.values(v).reduce((s, n) => s + n, 0);
}

/** Same bytes at every address the workload covers? Returns a description of the first mismatch, or undefined. */
export function compareImage(expected, actual) {
  for (const seg of expected.segments) {
    const got = actual.read(seg.address, seg.data.length);
    for (let i = 0; i < seg.data.length; i++) {
      if (got[i] !== seg.data[i]) {
        const a = seg.address + i;
        return `target flash differs at 0x${a.toString(16)}: expected 0x${seg.data[i].toString(16)}, got 0x${got[i].toString(16)}`;
      }
    }
  }
  return undefined;
}

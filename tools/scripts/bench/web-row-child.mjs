// Row (d), the part that runs inside the web lane's namespace (packages/web/dist/lane/enter-namespace.sh): the
// page in Debian's headless Chromium flashes and verifies the workload through the ispkit firmware in the harness,
// over the real navigator.serial. Prints one JSON line with the measurements (the parent, web-row.mjs, reads it).
//
// Same accounting as row (c): a warm-up avrdude session, then harness counters before the page's session and
// after its summary; phase marks are sampled when the page's log shows the chip erased, the write finished and
// the verify finished (the host may be a command further by then: a few simulated milliseconds at most).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, sim as simLib, simTesting } from './modules.mjs';
import { diffStats } from './measure.mjs';

const lane = await import(pathToFileURL(join(root, 'packages/web/dist/lane/index.js')).href);
const { board, workloadPath, fuses } = JSON.parse(process.argv[2]);

const sim = await simLib.startSim({ board, fuses });
let out;
try {
  const warm = await simTesting.runAvrdude({ port: sim.port, timeoutMs: 60_000 });
  if (warm.code !== 0) throw new Error(`warm-up avrdude session failed: ${warm.stderr.trim().split('\n').at(-1)}`);
  const l = await lane.startLane();
  try {
    const page = await l.openPage();
    const device = await lane.plugProgrammer(sim.pty);
    const marks = {};
    await page.exposeFunction('ispkitBenchLine', (text) => {
      if (/^erased the chip/.test(text)) marks.erased ??= sim.stats();
      if (/^writing flash: /.test(text)) marks.written ??= sim.stats();
      if (/^verifying flash: /.test(text)) marks.verified ??= sim.stats();
    });
    await page.evaluate(() => {
      const log = document.getElementById('flash-log');
      new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) window.ispkitBenchLine(n.textContent ?? '');
      }).observe(log, { childList: true });
    });
    await page.getByLabel('Keyboard firmware file').setInputFiles(workloadPath);
    await page.getByRole('list', { name: 'Image check' }).locator('li.ok, li.error').first().waitFor({ timeout: 20_000 });
    await page.getByRole('checkbox', { name: /Back up first/ }).uncheck();
    const before = await sim.stats();
    const started = performance.now();
    await page.getByRole('button', { name: 'Erase, write and verify' }).click();
    const status = page.getByRole('status', { name: 'Flash status' });
    await status.filter({ hasText: /^(Done|Failed)/ }).waitFor({ timeout: 300_000 });
    const wallMs = performance.now() - started;
    const after = await sim.stats();
    const text = await page.locator('#step-flash').innerText();
    if (!/^Done/.test(await status.innerText())) throw new Error(`the page did not finish: ${text.split('\n').filter((s) => /error/.test(s)).join(' | ')}`);
    const [erased, written, verified] = [await marks.erased, await marks.written, await marks.verified];
    const span = (a, b) => (a && b ? diffStats(a, b).simSeconds : undefined);
    out = {
      eraseSeconds: span(before, erased),
      writeSeconds: span(erased, written),
      verifySeconds: span(written, verified),
      totals: diffStats(before, after),
      wallSeconds: wallMs / 1000,
      image: (await sim.targetImage()).toBinary({ start: 0, end: 32768 }).toString(),
      finalFuses: await sim.fuses(),
      summary: text.split('\n').filter((s) => /^flashed /.test(s)),
    };
    await device.unplug();
  } finally {
    await l.close();
  }
} catch (err) {
  out = { error: err instanceof Error ? err.message : String(err) };
} finally {
  await sim.stop();
}
process.stdout.write(`${JSON.stringify(out)}\n`);

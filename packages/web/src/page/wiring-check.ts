/**
 * Step 3's "Check the wiring": runs `ispkit doctor`'s flow (@ispkit/doctor) over the programmer and renders its
 * report into the step's log in the page's words. Nothing is decided here: the verdict, what the target answered,
 * the wires most likely at fault and the fix are the doctor's, line for line as the CLI prints them.
 */
import { usbIdentity } from '@ispkit/boards';
import { doctorFlow, doctorReportLines, type DoctorLineKind } from '@ispkit/doctor';
import { CHECK_WIRING, pageDoctorWords } from './doctor-words.js';
import type { LineKind, StepLog } from './log.js';
import { runOnProgrammer } from './programmer-run.js';
import { bridgeUrl } from './web-socket-stream.js';

const KIND: Record<DoctorLineKind, LineKind> = { ok: 'ok', fail: 'error', detail: 'detail', wiring: 'detail' };

/** Resolves with 0 when the check ran (whatever it found), else the exit code of the programmer's failure. */
export function checkWiring(log: StepLog): Promise<number> {
  return runOnProgrammer({ log, rerun: CHECK_WIRING }, async (ctx, link) => {
    // the page opens only ports with the ispkit USB id (pick-port.ts), which QMK's ISP hex shares: with it, a
    // programmer that is not ours is QMK's, as `ispkit doctor` says when it sees that id (not so over the bridge)
    const usb = bridgeUrl(window.location) ? {} : { usb: { vid: usbIdentity.vendorId, pid: usbIdentity.productId } };
    const report = await doctorFlow(ctx, link, { words: pageDoctorWords, ...usb });
    for (const l of doctorReportLines(report, pageDoctorWords)) log.line(l.text, KIND[l.kind]);
  });
}

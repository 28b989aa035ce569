/**
 * The page: six steps, each usable on its own. UI only: the protocol, the checks and the words come from the
 * shared packages; this file wires buttons to them and renders what they report.
 */
import { boards, getBoard } from '@ispkit/boards';
import { decodeFuses, decodeLock, formatSignature } from '@ispkit/parts';
import { StepLog, byId, onClick } from './log.js';
import { openFailure, pickProgrammerPort } from './pick-port.js';
import { PageError, closeTarget, openTarget, programmerError, type TargetHandle } from './target-session.js';
import { renderWiring } from './wiring.js';
import { setupInstall } from './install-step.js';

const hex8 = (n: number) => `0x${n.toString(16).toUpperCase().padStart(2, '0')}`;

function checkSupport(): boolean {
  const support = byId<HTMLParagraphElement>('support');
  const serial = 'serial' in navigator;
  const hid = 'hid' in navigator;
  if (serial && hid) {
    support.textContent = 'This browser has Web Serial and WebHID: every step is available.';
    return true;
  }
  support.className = 'bad';
  support.textContent = !window.isSecureContext
    ? 'This page must be opened over https:// or from http://127.0.0.1 (ispkit web): Web Serial is off on insecure pages.'
    : `This browser lacks ${[serial ? '' : 'Web Serial', hid ? '' : 'WebHID'].filter(Boolean).join(' and ')}: use Chrome, Edge or Opera on a desktop (Firefox and Safari do not support them).`;
  return serial;
}

function fillBoards(select: HTMLSelectElement): void {
  for (const b of boards) {
    const o = document.createElement('option');
    o.value = b.id;
    o.textContent = b.name;
    select.append(o);
  }
}

function errorLine(err: unknown): string {
  if (err instanceof PageError) return err.line;
  return (err as Error).message ?? String(err);
}

/** Open the programmer and the target for one step; always closes again. */
export async function withTarget<T>(log: StepLog, fn: (t: TargetHandle) => Promise<T>): Promise<T> {
  let port: SerialPort;
  try {
    port = await pickProgrammerPort();
  } catch (err) {
    throw new PageError(openFailure(err));
  }
  let t: TargetHandle;
  try {
    t = await openTarget(port, (l) => log.line(l));
  } catch (err) {
    if (err instanceof PageError) throw err;
    if ((err as Error).name && /Error$/.test((err as Error).name) && !(err as { code?: string }).code) throw new PageError(openFailure(err));
    throw programmerError(err, 'connecting');
  }
  try {
    return await fn(t);
  } finally {
    await closeTarget(t);
  }
}

function showTarget(dl: HTMLElement, rows: [string, string][]): void {
  dl.replaceChildren();
  for (const [k, v] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dl.append(dt, dd);
  }
}

function setupConnect(): void {
  const log = new StepLog(byId('connect-log'));
  const info = byId<HTMLElement>('target-info');
  onClick(byId('connect'), async () => {
    log.clear();
    info.replaceChildren();
    try {
      await withTarget(log, async (t) => {
        const fuses = await t.session.readFuses(t.target);
        const lock = await t.session.readLock(t.target);
        const decoded = decodeFuses(t.part, fuses);
        const lockBits = decodeLock(t.part, lock);
        showTarget(info, [
          ['Programmer', `${t.session.info.signOn} (${t.session.info.kind})`],
          ['Chip', `${t.part.name}`],
          ['Signature', formatSignature(t.signature)],
          ['Fuses', `low ${hex8(fuses.low)} high ${hex8(fuses.high)} ext ${hex8(fuses.ext)}`],
          ['Clock', decoded.targetClock],
          ['Boot section', `${decoded.bootSize} bytes at ${`0x${decoded.bootStart.toString(16).toUpperCase()}`}, reset ${decoded.byName['BOOTRST']?.value === 0 ? 'into the bootloader' : 'at 0x0000'}`],
          ['Lock bits', `${hex8(lock)}: ${lockBits.map((f) => `${f.label} ${f.text}`).join('; ')}`],
        ]);
        log.line(`target: ${t.part.name} (signature ${formatSignature(t.signature)}), ${t.sck}`, 'ok');
      });
    } catch (err) {
      log.line(errorLine(err), 'error');
    }
  });
}

function setupWiring(): void {
  const select = byId<HTMLSelectElement>('wire-board');
  fillBoards(select);
  const draw = () => renderWiring(byId('wiring'), getBoard(select.value));
  select.addEventListener('change', draw);
  draw();
}

checkSupport();
fillBoards(byId('board'));
setupInstall();
setupWiring();
setupConnect();

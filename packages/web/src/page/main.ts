/**
 * The page: seven steps, each usable on its own. UI only: the flows, checks and words come from @ispkit/core and
 * @ispkit/loaders; this file wires buttons to them and renders what they report.
 */
import { backupFlow, flash, info, type CoreEvent } from '@ispkit/core';
import { boards, getBoard } from '@ispkit/boards';
import { downloadSink } from './backup-step.js';
import { CHECK_WIRING } from './doctor-words.js';
import { setupChoose } from './choose-step.js';
import { setupInstall } from './install-step.js';
import { StepLog, byId } from './log.js';
import { runOnProgrammer } from './programmer-run.js';
import { setupRestore } from './restore-step.js';
import { bridgeUrl } from './web-socket-stream.js';
import { checkWiring } from './wiring-check.js';
import { renderWiring } from './wiring.js';

const EXPECTED_PART = 'atmega32u4';

function checkSupport(): void {
  const support = byId<HTMLParagraphElement>('support');
  if (bridgeUrl(window.location)) {
    support.className = 'bridge';
    support.textContent =
      'Simulator bridge: steps 3 to 7 talk to the simulated programmer of `ispkit sim` through `ispkit web` over a WebSocket, not through Web Serial. Open the page without ?bridge to use a real programmer.';
    return;
  }
  const serial = 'serial' in navigator;
  const hid = 'hid' in navigator;
  if (serial && hid) {
    support.textContent = 'This browser has Web Serial and WebHID: every step is available.';
    return;
  }
  support.className = 'bad';
  support.textContent = !window.isSecureContext
    ? 'Open this page over https:// or from http://127.0.0.1 (ispkit web): browsers turn Web Serial off on insecure pages.'
    : `This browser lacks ${[serial ? '' : 'Web Serial', hid ? '' : 'WebHID'].filter(Boolean).join(' and ')}: use Chrome, Edge or Opera on a desktop (Firefox and Safari do not support them).`;
}

function fillBoards(select: HTMLSelectElement): void {
  for (const b of boards) {
    const o = document.createElement('option');
    o.value = b.id;
    o.textContent = b.name;
    select.append(o);
  }
}

/** A button that runs one thing at a time: disabled while it runs. */
function action(button: HTMLButtonElement, run: () => Promise<void>): void {
  button.addEventListener('click', () => {
    if (button.disabled) return;
    button.disabled = true;
    void run().finally(() => (button.disabled = false));
  });
}

function setupWiring(): void {
  const select = byId<HTMLSelectElement>('wire-board');
  fillBoards(select);
  const draw = () => renderWiring(byId('wiring'), getBoard(select.value));
  select.addEventListener('change', draw);
  draw();
}

function setupConnect(): void {
  const log = new StepLog(byId('connect-log'));
  const dl = byId<HTMLElement>('target-info');
  const check = byId<HTMLButtonElement>('check-wiring');
  action(check, async () => {
    log.clear();
    dl.replaceChildren();
    check.classList.remove('suggested');
    await checkWiring(log);
  });
  // a wiring or target failure's hint names "Check the wiring": mark the button it means
  const onEvent = (e: CoreEvent) => {
    if (e.type === 'error' && e.hint?.includes(`"${CHECK_WIRING}"`)) check.classList.add('suggested');
  };
  action(byId('connect'), async () => {
    log.clear();
    dl.replaceChildren();
    check.classList.remove('suggested');
    await runOnProgrammer({ log, rerun: 'Connect to the programmer', onEvent }, async (ctx, link) => {
      const data = (await info(ctx, link, { part: EXPECTED_PART })) as {
        programmer: { signOn: string; kind: string };
        target: { name: string; signature: string };
        fuses: { fuses: { low: number; high: number; ext: number }; clock: { description?: string } };
        lock: number;
      };
      const h = (n: number) => `0x${n.toString(16).toUpperCase().padStart(2, '0')}`;
      const rows: [string, string][] = [
        ['Programmer', `${data.programmer.signOn} (${data.programmer.kind})`],
        ['Chip', data.target.name],
        ['Signature', data.target.signature],
        ['Fuses', `low ${h(data.fuses.fuses.low)} high ${h(data.fuses.fuses.high)} ext ${h(data.fuses.fuses.ext)}`],
        ['Lock bits', `${h(data.lock)}${data.lock === 0xff ? ' (no locks)' : ''}`],
      ];
      for (const [k, v] of rows) {
        const dt = document.createElement('dt');
        dt.textContent = k;
        const dd = document.createElement('dd');
        dd.textContent = v;
        dl.append(dt, dd);
      }
    });
  });
}

function setupBackup(): void {
  const links = byId<HTMLElement>('backup-links');
  const log = new StepLog(byId('backup-log'));
  action(byId('backup'), async () => {
    log.clear();
    await runOnProgrammer({ log, rerun: 'Back up', progress: { bar: byId('backup-progress'), text: byId('backup-status') } }, (ctx, link) =>
      backupFlow(ctx, link, { part: EXPECTED_PART, backup: downloadSink(links) }),
    );
  });
}

function setupFlash(choice: ReturnType<typeof setupChoose>): void {
  const log = new StepLog(byId('flash-log'));
  const status = byId<HTMLElement>('flash-status');
  const bar = byId<HTMLProgressElement>('flash-progress');
  const first = byId<HTMLInputElement>('backup-first');
  action(byId('flash'), async () => {
    log.clear();
    status.textContent = '';
    bar.hidden = true;
    const c = choice();
    if (!c.firmware) {
      log.line('choose the keyboard firmware first (step 4)', 'error');
      return;
    }
    if (!c.ok) {
      log.line('the chosen files did not pass the checks in step 4: fix them first', 'error');
      return;
    }
    let verified = false;
    const code = await runOnProgrammer(
      {
        log,
        rerun: 'Erase, write and verify',
        progress: { bar, text: status },
        onEvent: (e: CoreEvent) => {
          if (e.type === 'result') verified = (e.data as { verified?: boolean }).verified === true;
        },
      },
      (ctx, link) =>
        flash(ctx, link, {
          firmware: c.firmware!,
          ...(c.bootloader ? { bootloader: c.bootloader } : {}),
          fuses: c.fuses,
          verify: true,
          part: EXPECTED_PART,
          // read inside this session, before the erase; a failed backup stops the flow with the chip unchanged
          ...(first.checked ? { backup: downloadSink(byId('backup-links')) } : {}),
        }),
    );
    status.textContent = code === 0 && verified ? 'Done: written, verified, fuses set and read back.' : 'Failed: see the log below. The last line says what state the chip is in.';
  });
}

checkSupport();
fillBoards(byId('board'));
setupInstall();
setupWiring();
setupConnect();
const choice = setupChoose();
setupBackup();
setupFlash(choice);
setupRestore(action);

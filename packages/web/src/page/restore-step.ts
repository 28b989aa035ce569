/**
 * Step 7: put a backup back with @ispkit/core's restoreFlow, the flow `ispkit restore <file>` runs. Picking a file
 * shows what it holds (core's describeBackup) or why it is refused; the button refuses a damaged file before the
 * programmer is opened, then the flow checks the backup against the chip's signature and, before it changes
 * anything, the page shows what it is about to do and waits for "Overwrite the chip". Everything after that (erase,
 * writes, verify, fuses and lock bits last, the chip's state if it fails) is the flow's, in its words.
 */
import { describeBackup, errorLine, parseBackupFile, restoreFlow, type CoreEvent, type RestoreConfirmation } from '@ispkit/core';
import { downloadSink } from './backup-step.js';
import { StepLog, byId } from './log.js';
import { pageWords } from './page-words.js';
import { runOnProgrammer } from './programmer-run.js';

const RESTORE_BUTTON = 'Restore this backup';
const RESTORE_STEP = 7;

interface BackupFile {
  name: string;
  bytes: Uint8Array;
}

/** Shows the plan and resolves true on "Overwrite the chip", false on "Cancel". */
function askToOverwrite(plan: RestoreConfirmation): Promise<boolean> {
  const box = byId<HTMLDivElement>('restore-confirm');
  const lines = new StepLog(byId('restore-plan'));
  const yes = byId<HTMLButtonElement>('restore-yes');
  const no = byId<HTMLButtonElement>('restore-no');
  lines.clear();
  for (const l of plan.lines) lines.line(l);
  box.hidden = false;
  yes.focus();
  return new Promise((resolve) => {
    const answer = (go: boolean) => () => {
      yes.onclick = null;
      no.onclick = null;
      box.hidden = true;
      resolve(go);
    };
    yes.onclick = answer(true);
    no.onclick = answer(false);
  });
}

/** `start` wires the button (the page's one-run-at-a-time helper). */
export function setupRestore(start: (button: HTMLButtonElement, run: () => Promise<void>) => void): void {
  const input = byId<HTMLInputElement>('restore-file');
  const contents = new StepLog(byId('restore-contents'));
  const log = new StepLog(byId('restore-log'));
  const status = byId<HTMLElement>('restore-status');
  const bar = byId<HTMLProgressElement>('restore-progress');
  const first = byId<HTMLInputElement>('restore-backup-first');
  const words = pageWords;
  let file: BackupFile | undefined;

  input.addEventListener('change', () => {
    void (async () => {
      contents.clear();
      const f = input.files?.[0];
      file = f ? { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) } : undefined;
      if (!file) return;
      try {
        for (const line of describeBackup(parseBackupFile(file, words))) contents.line(line);
      } catch (err) {
        contents.line(errorLine(err), 'error');
      }
    })();
  });

  start(byId('restore'), async () => {
    log.clear();
    status.textContent = '';
    bar.hidden = true;
    if (!file) {
      log.line('choose a backup file first', 'error');
      return;
    }
    const chosen = file;
    // a damaged or foreign file is refused before the programmer is opened, as `ispkit restore` does
    try {
      parseBackupFile(chosen, words);
    } catch (err) {
      log.line(errorLine(err), 'error');
      status.textContent = 'Refused: nothing was written to the chip.';
      return;
    }
    let verified = false;
    const code = await runOnProgrammer(
      {
        log,
        rerun: RESTORE_BUTTON,
        // a read-protected chip cannot be backed up: the way ahead is this step's checkbox
        words: { noBackup: 'untick "Save the chip as it is now" in step 7' },
        progress: { bar, text: status },
        onEvent: (e: CoreEvent) => {
          if (e.type === 'result') verified = (e.data as { verified?: boolean }).verified === true;
        },
      },
      (ctx, link) =>
        restoreFlow(ctx, link, {
          file: chosen,
          verify: true,
          confirm: askToOverwrite,
          ...(first.checked ? { backup: downloadSink(byId('restore-links'), RESTORE_STEP) } : {}),
        }),
    );
    byId<HTMLDivElement>('restore-confirm').hidden = true;
    status.textContent =
      code === 0 && verified
        ? 'Done: restored and verified; fuses and lock bits written and read back.'
        : code === 130
          ? 'Cancelled: nothing was changed.'
          : 'Failed: see the log below. The last line says what state the chip is in.';
  });
}

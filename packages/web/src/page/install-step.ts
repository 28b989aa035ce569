/**
 * Step 1: install the committed ispkit programmer hex on a Pro Micro (Caterina, AVR109 over Web Serial) or a
 * Teensy 2.0 (HalfKay over WebHID), with @ispkit/loaders' installProgrammer, the flow the CLI runs. The page's
 * part is the second (and third) pick: the bootloader and then the new firmware are new USB devices the browser
 * has not granted yet, so the page asks for them when the flow starts waiting, and says why.
 */
import { getBoard, firmwareName, usbIdentity, type BoardDefinition } from '@ispkit/boards';
import { parseIntelHex } from '@ispkit/ihex';
import { LoaderError, caterinaBootloaderIds, halfKayId, installProgrammer, type ProgrammerBoard } from '@ispkit/loaders';
import proMicroHex from '@ispkit/firmware/dist/ispkit-pro-micro-b6.hex?raw';
import proMicro3v3Hex from '@ispkit/firmware/dist/ispkit-pro-micro-3v3-b6.hex?raw';
import teensyHex from '@ispkit/firmware/dist/ispkit-teensy2-b0.hex?raw';
import { pageInstallWords } from './install-words.js';
import { StepLog, byId } from './log.js';
import { WebInstallDevices } from './web-install-devices.js';

const committedHex: Record<string, string> = {
  'ispkit-pro-micro-b6': proMicroHex,
  'ispkit-pro-micro-3v3-b6': proMicro3v3Hex,
  'ispkit-teensy2-b0': teensyHex,
};

type Waiting = 'caterina' | 'halfkay' | 'programmer' | undefined;

export function programmerBoard(board: BoardDefinition): ProgrammerBoard {
  if (board.bootloader.kind === 'none') throw new Error(`${board.name} has no USB bootloader to install through`);
  return {
    id: board.id,
    name: board.name,
    bootloader: board.bootloader.kind,
    bootloaderStart: board.bootloader.address,
    firmwareUsb: { vendorId: usbIdentity.vendorId, productId: usbIdentity.productId, manufacturer: usbIdentity.manufacturer, product: board.usbProduct },
  };
}

function whyText(waiting: Exclude<Waiting, undefined>, board: BoardDefinition): string {
  switch (waiting) {
    case 'caterina':
      return `The ${board.name} restarted into its bootloader (Caterina), which is a new USB device this page may not use yet. Choose it in the browser's list now: Caterina waits only about 8 seconds before it starts the old firmware again. (If the list stays empty, double-tap RESET and choose it.)`;
    case 'halfkay':
      return `The ${board.name} restarted into its bootloader (HalfKay), a new USB HID device this page may not use yet. Choose "Teensy" / 16c0:0478 in the browser's list. (If it does not appear, press the Teensy's pushbutton.)`;
    case 'programmer':
      return `The ${board.name} now runs the ispkit firmware, again a new USB device. Choose it (16c0:0483) in the browser's list so the page can check that it answers as a programmer.`;
  }
}

export function setupInstall(): void {
  const log = new StepLog(byId('install-log'));
  const select = byId<HTMLSelectElement>('board');
  const button = byId<HTMLButtonElement>('install');
  const second = byId<HTMLDivElement>('install-second');
  const why = byId<HTMLParagraphElement>('install-second-why');
  const pick = byId<HTMLButtonElement>('install-pick');
  const bar = byId<HTMLProgressElement>('install-progress');
  let waiting: Waiting;

  const setWaiting = (w: Waiting, board: BoardDefinition) => {
    waiting = w;
    second.hidden = w === undefined;
    if (w) {
      why.textContent = whyText(w, board);
      pick.textContent = w === 'programmer' ? 'Choose the new programmer' : 'Choose the bootloader';
    }
  };

  pick.addEventListener('click', () => {
    const w = waiting;
    if (!w) return;
    const request =
      w === 'halfkay'
        ? navigator.hid.requestDevice({ filters: [{ vendorId: halfKayId.vendorId, productId: halfKayId.productId }] })
        : navigator.serial.requestPort({
            filters:
              w === 'caterina'
                ? caterinaBootloaderIds.map((id) => ({ usbVendorId: id.vendorId, usbProductId: id.productId }))
                : [{ usbVendorId: usbIdentity.vendorId, usbProductId: usbIdentity.productId }],
          });
    // The flow polls the granted devices; a cancelled chooser leaves it waiting until its own timeout.
    void Promise.resolve(request).catch(() => undefined);
  });

  button.addEventListener('click', () => {
    if (button.disabled) return;
    button.disabled = true;
    const board = getBoard(select.value);
    log.clear();
    bar.hidden = true;
    const image = parseIntelHex(committedHex[firmwareName(board)] ?? '', { source: `${firmwareName(board)}.hex` });
    const devices = new WebInstallDevices();
    const touch = devices.touchSerial.bind(devices);
    devices.touchSerial = async (path, baud) => {
      await touch(path, baud);
      setWaiting(board.bootloader.kind === 'halfkay' ? 'halfkay' : 'caterina', board);
    };
    log.line(`installing the ispkit programmer firmware (${firmwareName(board)}.hex) on a ${board.name}`);
    void installProgrammer({
      board: programmerBoard(board),
      image,
      devices,
      words: pageInstallWords,
      pollMs: 100,
      // After the install the new firmware is a new USB device a person may have to pick in the chooser: wait
      // for that longer than the CLI does (the bootloader's own window stays Caterina's ~8 s).
      firmwareWaitMs: 60_000,
      // Pressing the button (or double-tapping RESET) and then picking the device in the chooser takes a person
      // longer than the CLI's 30 s.
      manualWaitMs: 60_000,
      onEvent: (e) => {
        if (e.type === 'step') {
          log.line(e.message);
          if (/^(Caterina|HalfKay) is up|already in/.test(e.message)) setWaiting(undefined, board);
          if (/starting the new firmware$/.test(e.message)) setWaiting('programmer', board);
          if (/^new firmware enumerated/.test(e.message)) setWaiting(undefined, board);
        } else if (e.type === 'action') {
          log.line(e.message, 'warning');
          if (!waiting) setWaiting(board.bootloader.kind === 'halfkay' ? 'halfkay' : 'caterina', board);
        } else if (e.type === 'progress') {
          bar.hidden = false;
          bar.max = e.progress.total;
          bar.value = e.progress.done;
        }
      },
    })
      .then((r) => {
        log.line(
          `ispkit programmer ready: ${board.name} (signs on as "${r.signOn}")${r.readBack ? ', firmware verified by read-back' : ', firmware written (HalfKay cannot read back; the sign-on vouches for it)'}`,
          'ok',
        );
      })
      .catch((err: unknown) => {
        log.line(err instanceof LoaderError ? err.message : `install failed: ${(err as Error).message ?? String(err)}`, 'error');
      })
      .finally(() => {
        setWaiting(undefined, board);
        button.disabled = false;
      });
  });
}

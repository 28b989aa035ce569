/**
 * Step 4: the keyboard firmware and a bootloader file, checked and merged in the page with @ispkit/core's
 * planMerge (the checks of `ispkit merge`) as soon as they are chosen, and a fuse preset: the one matching the
 * bootloader's boot section is offered, or the chip's fuses are kept.
 */
import { errorLine, parseBootloaderFile, parseFuseRequest, parseImageFile, planMerge, checkWithinFlash, type FuseRequest, type ImageFile } from '@ispkit/core';
import { bootloaderPresets, getPart } from '@ispkit/parts';
import { StepLog, byId } from './log.js';

export const KEEP_FUSES = 'keep';
/** Placeholder while the page waits for the user to pick among several fitting presets. */
export const CHOOSE = '';
const part = getPart('atmega32u4');

export interface Choice {
  firmware?: ImageFile;
  bootloader?: ImageFile;
  fuses: FuseRequest;
  /** The checks passed (a merged image could be built). */
  ok: boolean;
}

async function readFile(input: HTMLInputElement): Promise<ImageFile | undefined> {
  const f = input.files?.[0];
  if (!f) return undefined;
  return { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) };
}

export function setupChoose(): () => Choice {
  const log = new StepLog(byId('choose-log'));
  const fwInput = byId<HTMLInputElement>('firmware-file');
  const blInput = byId<HTMLInputElement>('bootloader-file');
  const preset = byId<HTMLSelectElement>('fuse-preset');
  const placeholder = document.createElement('option');
  placeholder.value = CHOOSE;
  placeholder.textContent = 'Choose a preset…';
  placeholder.disabled = true;
  preset.append(placeholder);
  const keep = document.createElement('option');
  keep.value = KEEP_FUSES;
  keep.textContent = "Keep the chip's fuses";
  preset.append(keep);
  preset.value = KEEP_FUSES;
  for (const p of bootloaderPresets.filter((x) => x.part === part.id)) {
    const o = document.createElement('option');
    o.value = p.id;
    o.textContent = `${p.name}: low ${hex(p.fuses.low)} high ${hex(p.fuses.high)} ext ${hex(p.fuses.ext)}`;
    preset.append(o);
  }
  let choice: Choice = { fuses: { values: {} }, ok: false };
  let presetTouched = false;
  const request = (): FuseRequest =>
    preset.value === KEEP_FUSES || preset.value === CHOOSE ? { values: {} } : parseFuseRequest({ fuses: preset.value }, part);

  const check = async () => {
    log.clear();
    const firmware = await readFile(fwInput);
    const bootloader = await readFile(blInput);
    choice = { ok: false, fuses: request(), ...(firmware ? { firmware } : {}), ...(bootloader ? { bootloader } : {}) };
    if (!firmware) {
      if (bootloader) log.line('choose the keyboard firmware too (the bootloader alone would leave the keyboard without a program)', 'warning');
      return;
    }
    try {
      const fw = parseImageFile(firmware);
      if (bootloader) {
        const bl = parseBootloaderFile(bootloader, part);
        const merged = planMerge(part, fw, bl);
        for (const l of merged.summary) log.line(l);
        const fitting = merged.bootloader.presets; // this part's presets for exactly this section (and code below it)
        if (!presetTouched) {
          if (fitting.length === 1) {
            preset.value = fitting[0]!.id;
            log.line(`fuses: ${fitting[0]!.name} preset offered (its boot section starts at 0x${fitting[0]!.region.start.toString(16).toUpperCase()}, as the bootloader does); change it above if your keyboard needs another`);
          } else if (fitting.length > 1) {
            preset.value = CHOOSE;
            log.line(`fuses: this boot section fits ${fitting.map((p) => p.name).join(', ')}: choose your bootloader's preset above (it sets the clock and makes reset start the bootloader)`, 'warning');
          }
        }
        choice.fuses = request();
      } else {
        checkWithinFlash(fw.image, fw.name, part);
        log.line(`${fw.name}: ${fw.image.byteCount} bytes at 0x${fw.image.minAddress.toString(16).toUpperCase().padStart(4, '0')}..0x${(fw.image.endAddress - 1).toString(16).toUpperCase().padStart(4, '0')} (no bootloader chosen: the keyboard will have none)`, 'warning');
      }
      if (preset.value === CHOOSE) return;
      choice.ok = true;
      log.line('the image checks out: ready to flash', 'ok');
    } catch (err) {
      log.line(errorLine(err), 'error');
    }
  };
  preset.addEventListener('change', () => {
    presetTouched = true;
    void check();
  });
  fwInput.addEventListener('change', () => void check());
  blInput.addEventListener('change', () => void check());
  return () => choice;
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * Where the page puts a chip backup (@ispkit/core's BackupSink): the ispkit backup file (an ELF that `ispkit
 * restore`, step 7 and avrdude read) offered as a download link. The Back up step, and the Flash and Restore
 * steps (a backup read inside the same session before the erase), use it.
 */
import type { BackupSink } from '@ispkit/core';

export const PAGE_TOOL = 'ispkit web page';

/** `step`: the page step whose link it is, for "(the download link in step 5)". */
export function downloadSink(container: HTMLElement, step = 5): BackupSink {
  return {
    tool: PAGE_TOOL,
    async save(backup, bytes) {
      const name = `${backup.part}-backup-${backup.date.slice(0, 19).replace(/[:T]/g, '-')}.elf`;
      const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.textContent = `Download the backup (${name})`;
      container.replaceChildren(a);
      return { location: `${name} (the download link in step ${step})`, restore: `\`ispkit restore ${name}\` (or step 7 of this page, or avrdude -U flash:w:${name}:e)` };
    },
  };
}

import cliProgress from 'cli-progress';
import { formatBytes, formatRate } from '@ispkit/core';
import type { ProgressBar } from './reporter.js';

/** An in-place progress bar on a terminal (stderr): task, bar, percent, bytes, rate, ETA. */
export function createTtyBar(stream: NodeJS.WriteStream): (task: string, total: number) => ProgressBar {
  return (task, total) => {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${task.padEnd(16)} [{bar}] {percentage}% | {bytes} of {totalBytes} | {rate} | ETA {eta_formatted}`,
        barsize: 30,
        hideCursor: true,
        clearOnComplete: true,
        fps: 15,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { bytes: formatBytes(0), totalBytes: formatBytes(total), rate: '-' });
    return {
      update(done, rate) {
        bar.update(done, { bytes: formatBytes(done), rate: formatRate(rate) });
      },
      stop() {
        bar.stop();
      },
    };
  };
}

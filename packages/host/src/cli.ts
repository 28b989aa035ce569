#!/usr/bin/env node
import { main } from './main.js';
import { createTtyBar } from './output/tty-bar.js';

// `ispkit … | head` closes our stdout early: that is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

const controller = new AbortController();
let interrupted = 0;
process.on('SIGINT', () => {
  interrupted++;
  controller.abort();
  if (interrupted > 1) process.exit(130);
});

const code = await main(process.argv.slice(2), {
  stdout: { write: (s: string) => void process.stdout.write(s) },
  stderr: { write: (s: string) => void process.stderr.write(s), isTTY: process.stderr.isTTY === true },
  cwd: process.cwd(),
  createBar: createTtyBar(process.stderr),
  signal: controller.signal,
  env: process.env,
});
process.exitCode = code;
// Nothing should keep the loop alive after main() (ports are closed); if something does, leave anyway.
setTimeout(() => process.exit(code), 1000).unref();

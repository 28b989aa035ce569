import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { serveSite, siteBuilt, siteDir, type SiteServer } from '@ispkit/web';
import { CliError, ExitCode, usageError } from '../cli-error.js';
import type { CliCommand, RunContext } from '../command.js';
import { simBridge, type SimBridge } from './web-bridge.js';

/**
 * `ispkit web`: serves the static page (packages/web's build) on 127.0.0.1 — a secure context where Web Serial and
 * WebHID work — prints the address, opens a browser where there is one, and serves until Ctrl-C. The same
 * files can be hosted anywhere over https; this command only saves setting that up.
 */

/** Fixed by default: browsers remember serial/HID permissions per origin, and the origin includes the port. */
export const DEFAULT_WEB_PORT = 8432;

interface WebOptions {
  httpPort: string;
  open: boolean;
  simPort?: string;
}

/** The command that opens a URL in the desktop's browser, or undefined where there is no desktop to open it on. */
export function browserOpener(url: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): [string, string[]] | undefined {
  if (env['CI']) return undefined;
  if (platform === 'darwin') return ['open', [url]];
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', url]];
  if (!env['DISPLAY'] && !env['WAYLAND_DISPLAY']) return undefined;
  return ['xdg-open', [url]];
}

function openBrowser(url: string): Promise<boolean> {
  const opener = browserOpener(url);
  if (!opener) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(opener[0], opener[1], { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}

async function runWeb(run: RunContext, opts: WebOptions): Promise<void> {
  const port = Number(opts.httpPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--http-port ${opts.httpPort} is not a TCP port`, 'give a number from 1 to 65535 (0 picks a free one)');
  if (!siteBuilt()) {
    throw new CliError(`the web page is not built (${siteDir()} has no index.html)`, { code: 'web-not-built', hint: 'run `pnpm build` in the ispkit checkout' });
  }
  if (opts.simPort !== undefined && !existsSync(opts.simPort)) {
    throw usageError(`--sim-port ${opts.simPort} does not exist`, 'start `pnpm ispkit sim` first and give the port it prints');
  }
  const bridge: SimBridge | undefined = opts.simPort !== undefined ? simBridge(opts.simPort, (l) => run.out.warning(l)) : undefined;
  let server: SiteServer;
  try {
    server = await serveSite({ root: siteDir(), port, ...(bridge ? { upgrade: bridge.upgrade } : {}) });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new CliError(`port ${port} on 127.0.0.1 is in use (another ispkit web?)`, { code: 'web-port-in-use', exitCode: ExitCode.FAILURE, hint: 'stop the other one or choose another with --http-port <n>' });
    throw new CliError(`cannot serve the page on 127.0.0.1:${port}: ${e.message}`, { code: 'web-serve' });
  }
  try {
    const url = `${server.origin}/${bridge ? '?bridge' : ''}`;
    const opened = opts.open && (await openBrowser(url));
    run.out.result('web', { url, root: siteDir(), opened }, [
      `serving the ispkit page on ${url}`,
      opened ? '  opened it in your browser (use Chrome, Edge or Opera: Firefox and Safari lack Web Serial)' : '  open it in Chrome, Edge or Opera (Firefox and Safari lack Web Serial and WebHID)',
      ...(bridge
        ? [`  simulator bridge: the page's steps 3 to 7 talk to ${opts.simPort} over a WebSocket (not Web Serial) while opened with ?bridge`]
        : []),
      'Ctrl-C stops it',
    ]);
    await new Promise<void>((resolve) => {
      if (run.signal.aborted) return resolve();
      run.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await bridge?.close();
    await server.close();
  }
}

export const webCommand: CliCommand = {
  name: 'web',
  register(program, ctx) {
    program
      .command('web')
      .description('serve the web page (flash from Chrome/Edge over Web Serial and WebHID) on 127.0.0.1 until Ctrl-C')
      .option('--http-port <n>', 'TCP port on 127.0.0.1 (0 picks a free one)', String(DEFAULT_WEB_PORT))
      .option('--no-open', 'do not open a browser')
      .option('--sim-port <port>', "relay this serial port (e.g. `ispkit sim`'s) to the page over a WebSocket, for trying the page without hardware")
      .action(ctx.action(async (run, opts: WebOptions) => runWeb(run, opts)));
  },
};

import { describe, expect, test } from 'vitest';
import { main } from '../main.js';
import { browserOpener } from './web.js';

describe('ispkit web', () => {
  test('serves the built page on 127.0.0.1 and prints its address; Ctrl-C stops it', async () => {
    const ac = new AbortController();
    let stdout = '';
    let stderr = '';
    const done = main(['web', '--http-port', '0', '--no-open'], {
      stdout: { write: (s) => void (stdout += s) },
      stderr: { write: (s) => void (stderr += s) },
      cwd: process.cwd(),
      signal: ac.signal,
    });
    for (let i = 0; i < 100 && !/http:\/\/127\.0\.0\.1:\d+\//.test(stdout); i++) await new Promise((r) => setTimeout(r, 20));
    const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1];
    expect(url, stdout + stderr).toBeDefined();
    const page = await fetch(url!);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('ispkit: revive a keyboard from the browser');
    expect((await fetch(`${url}../../etc/passwd`)).status).not.toBe(200);
    ac.abort();
    expect(await done).toBe(0);
    await expect(fetch(url!)).rejects.toThrow();
  });

  test('a bad --http-port is a usage error, one line', async () => {
    let stderr = '';
    const code = await main(['web', '--http-port', 'http'], { stdout: { write: () => {} }, stderr: { write: (s) => void (stderr += s) }, cwd: process.cwd() });
    expect(code).toBe(2);
    expect(stderr).toBe('ispkit: error: --http-port http is not a TCP port; give a number from 1 to 65535 (0 picks a free one)\n');
  });

  test('opens a browser only where there is a desktop', () => {
    expect(browserOpener('http://x/', 'linux', {})).toBeUndefined();
    expect(browserOpener('http://x/', 'linux', { DISPLAY: ':0' })).toEqual(['xdg-open', ['http://x/']]);
    expect(browserOpener('http://x/', 'darwin', {})).toEqual(['open', ['http://x/']]);
    expect(browserOpener('http://x/', 'linux', { DISPLAY: ':0', CI: '1' })).toBeUndefined();
  });
});

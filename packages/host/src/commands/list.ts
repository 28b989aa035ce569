import { IspSession, describeProgrammer } from '@ispkit/stk500';
import type { CliCommand } from '../command.js';
import { classifyPort, usbId } from '../serial/port-kind.js';
import { modemManagerWarning } from '../setup/udev-rule.js';

export const listCommand: CliCommand = {
  name: 'list',
  register(program, ctx) {
    program
      .command('list')
      .description('serial ports, marking ispkit and other ArduinoISP-style programmers')
      .option('--probe', 'open each candidate and ask for the STK500 sign-on')
      .action(
        ctx.action(async (run, opts: { probe?: boolean }) => {
          const env = await run.device();
          const ports = [...(await env.listPorts()), ...((await env.listHid?.()) ?? [])];
          const mm = process.platform === 'linux' ? modemManagerWarning('/') : undefined;
          if (mm) run.out.warning(mm);
          const rows = [];
          for (const p of ports) {
            const c = classifyPort(p);
            const row: Record<string, unknown> = { path: p.path, usb: usbId(p), kind: c.kind, description: c.description };
            if (opts.probe && (c.kind === 'ispkit' || c.kind === 'arduinoisp')) {
              try {
                const { stream } = await env.openPort(p.path, (m) => run.out.notice(m));
                try {
                  const session = await IspSession.open(stream, { syncAttempts: 3, timeoutMs: 500 });
                  row['signOn'] = session.info.signOn;
                  row['programmer'] = describeProgrammer(session.info);
                } finally {
                  await stream.close();
                }
              } catch (err) {
                row['probeError'] = (err as Error).message;
              }
            }
            rows.push(row);
          }
          const lines = rows.length
            ? rows.map((r) => {
                const mark = r['kind'] === 'ispkit' ? '*' : r['kind'] === 'arduinoisp' ? '?' : r['kind'] === 'bootloader' ? 'b' : ' ';
                const probe = r['programmer'] ? `  → ${String(r['programmer'])}` : r['probeError'] ? `  → no STK500 answer (${String(r['probeError'])})` : '';
                return `${mark} ${String(r['path']).padEnd(16)} ${String(r['usb'] ?? '----:----')}  ${String(r['description'])}${probe}`;
              })
            : ['no serial ports found (the simulator\'s port is not listed: give it with -P)'];
          if (rows.length) lines.push('(* ISP programmer by USB id, ? board that may run ArduinoISP, b bootloader for `programmer install`; --probe asks each)');
          run.out.result('list', rows, lines);
        }),
      );
  },
};

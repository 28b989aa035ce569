import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { toIspkitError } from '@ispkit/core';
import { doctorFlow, explainLog, formatDoctorReport, formatExplanation } from '@ispkit/doctor';
import { CliError, ExitCode } from '../cli-error.js';
import type { CliCommand, RunContext } from '../command.js';
import { flowContext } from '../output/flow-events.js';
import { classifyPort, describePort, usbId, type PortInfo } from '../serial/port-kind.js';
import { portGone } from '../device/port-gone.js';
import { userPort } from '../device/open-link.js';
import { modemManagerWarning, permissionHint } from '../setup/udev-rule.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A doctor stage that found something wrong: the lines so far, then one error line and the exit code. */
function stop(lines: string[], run: RunContext, message: string, hint: string, exitCode: 3 | 4, code: string): never {
  for (const l of lines) run.out.info(l);
  throw new CliError(message, { exitCode, code, hint });
}

/** Host side: which port, that it exists and can be opened by this user, ModemManager, several programmers. */
async function hostStage(run: RunContext, lines: string[]): Promise<PortInfo | { path: string }> {
  const env = await run.device();
  const ports = await env.listPorts().catch(() => [] as PortInfo[]);
  const programmers = ports.filter((p) => ['ispkit', 'arduinoisp'].includes(classifyPort(p).kind));
  let port: PortInfo | { path: string };
  if (run.global.port) {
    const path = userPort(run, run.global.port);
    port = ports.find((p) => p.path === path) ?? { path };
    if (path.startsWith('/dev/') && portGone(path)) {
      stop(lines, run, `host: ${path} does not exist`, ports.length ? `ports here: ${ports.map(describePort).join(', ')}` : 'no serial ports at all: plug the programmer in', 3, 'doctor-no-port');
    }
  } else if (programmers.length === 1) {
    port = programmers[0]!;
  } else if (programmers.length > 1) {
    for (const p of programmers) lines.push(`     ${p.path}  ${usbId(p) ?? '----:----'}  ${classifyPort(p).description}`);
    stop(lines, run, `host: ${programmers.length} programmers are connected`, 'unplug the others, or choose one with -P <port> (listed above)', 3, 'doctor-several');
  } else {
    const loaders = ports.filter((p) => classifyPort(p).kind === 'bootloader');
    if (loaders.length) {
      stop(lines, run, `host: no programmer, but ${loaders.map(describePort).join(', ')} is a board in its bootloader`,
        'it is not running the programmer firmware yet: `ispkit programmer install --board <board>` (or wait: a bootloader leaves after a few seconds)', 3, 'doctor-bootloader');
    }
    stop(lines, run, ports.length ? `host: no ISP programmer among ${ports.map(describePort).join(', ')}` : 'host: no serial ports at all',
      'plug the programmer in (a data cable, not a charge-only one); flash it with `ispkit programmer install`; or name its port with -P', 3, 'doctor-no-programmer');
  }
  lines.push(`ok   host: programmer port ${port.path}${'vendorId' in port && usbId(port) ? ` (USB ${usbId(port)})` : ''}`);
  if (port.path.startsWith('/dev/')) {
    try {
      await access(port.path, constants.R_OK | constants.W_OK);
    } catch (err) {
      if ((err as { code?: string }).code === 'EACCES') {
        stop(lines, run, `host: no permission to open ${port.path}`, permissionHint(), 3, 'doctor-permission');
      }
    }
  }
  if (process.platform === 'linux') {
    const mm = modemManagerWarning('/');
    if (mm) lines.push(`WARN host: ${mm}`);
  }
  return port;
}

export const doctorCommand: CliCommand = {
  name: 'doctor',
  register(program, ctx) {
    program
      .command('doctor')
      .description('check the host, the programmer and the wiring in order; stop at the first problem and say what to do')
      .option('--explain [file]', 'explain a dfu-programmer or avrdude error log instead (a file; stdin when no file or -)')
      .action(
        ctx.action(async (run, opts: { explain?: string | boolean }) => {
          if (opts.explain !== undefined) {
            const fromStdin = opts.explain === true || opts.explain === '-';
            let text: string;
            try {
              text = fromStdin ? await readStdin() : await readFile(resolve(run.cwd, opts.explain as string), 'utf8');
            } catch (err) {
              throw new CliError(`cannot read ${String(opts.explain)}: ${(err as { code?: string }).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, {
                code: 'file-error',
                hint: 'give the log file, or pipe the text: `avrdude … 2>&1 | ispkit doctor --explain`',
              });
            }
            const findings = explainLog(text);
            run.out.result('doctor explain', { findings: findings.map((f) => ({ family: f.family.id, tool: f.family.tool, line: f.line, count: f.count, text: f.text, meaning: f.family.meaning, tryThis: f.family.tryThis })) }, formatExplanation(findings));
            return;
          }
          const lines: string[] = [];
          const port = await hostStage(run, lines);
          const env = await run.device();
          let opened;
          try {
            opened = await env.openPort(port.path, (m) => run.out.notice(m));
          } catch (err) {
            const message = (err as Error).message ?? String(err);
            if (/EACCES|Permission denied/i.test(message)) stop(lines, run, `host: no permission to open ${port.path}`, permissionHint(), 3, 'doctor-permission');
            if (/EBUSY|Resource busy|lock/i.test(message)) stop(lines, run, `host: ${port.path} is in use by another program`, 'close the serial monitor, avrdude or QMK Toolbox holding it (or ModemManager probing it: `ispkit setup udev`)', 3, 'doctor-busy');
            stop(lines, run, `host: cannot open ${port.path}: ${message}`, 'check the port with `ispkit list`', 3, 'doctor-open');
          }
          const { stream } = opened;
          const onAbort = (): void => void stream.close();
          run.signal.addEventListener('abort', onAbort, { once: true });
          try {
            const vid = 'vendorId' in port ? port.vendorId : undefined;
            const pid = 'productId' in port ? port.productId : undefined;
            let report;
            try {
              report = await doctorFlow(flowContext(run), { path: port.path, stream, isGone: () => portGone(port.path) }, vid !== undefined && pid !== undefined ? { usb: { vid, pid } } : {});
            } catch (err) {
              const e = toIspkitError(err);
              stop(lines, run, `programmer: ${e.message}`,
                `${e.hint ? `${e.hint}; ` : ''}is the board running the programmer firmware? a Pro Micro still in Caterina or a board with other firmware does not answer STK500: \`ispkit programmer install --board <board>\``, 3, 'doctor-programmer');
            }
            const out = formatDoctorReport(report);
            const d = report.diagnosis;
            run.out.result('doctor', { ok: d.ok, host: { port: port.path }, programmer: report.programmer, diagnosis: d }, [...lines, ...out]);
            if (!d.ok) {
              throw new CliError(`target: ${d.title}`, { exitCode: ExitCode.TARGET, code: `doctor-${d.id}`, hint: d.fix[0] ?? 'see above' });
            }
          } finally {
            run.signal.removeEventListener('abort', onAbort);
            await stream.close();
          }
        }),
      );
  },
};

/**
 * `ispkit doctor --explain`: recognise the error messages of the tools the keyboard guides use (dfu-programmer,
 * avrdude) in a pasted log and say what each means and what to try, cheapest fix first. Pure: text in, findings out.
 *
 * The families and their wording come from the tools' sources and the messages users paste: dfu-programmer prints
 * libusb failures as `dfu.c:<line>: -ETIMEDOUT` / `-EPIPE`, "Device is write protected" when the security bit is
 * set, and "Expected message length of 6, got <n>" when a DFU_GETSTATUS reply is short; avrdude's stk500 driver
 * prints "not in sync: resp=0x…" and "programmer is not responding", and its signature check "Device signature =
 * 0x……" and "Yikes!  Invalid device signature."
 */

export type ExplainTool = 'dfu-programmer' | 'avrdude';

export interface ErrorFamily {
  id: string;
  tool: ExplainTool;
  /** Short title. */
  title: string;
  /** Matches a line of this family. */
  pattern: RegExp;
  /** What it means, one or two sentences. */
  meaning: string;
  /** What to try, cheapest first; ISP (ispkit) last, where it is needed at all. */
  tryThis: readonly string[];
}

export interface ExplainFinding {
  family: ErrorFamily;
  /** 1-based line number of the first line of this family, and that line. */
  line: number;
  text: string;
  /** How many lines of the log belong to this family. */
  count: number;
  /** Extra, from the line itself (e.g. the signature it read). */
  detail?: string;
}

const REENTER_DFU =
  'put the keyboard back into its bootloader (unplug it, hold the reset button or the bootloader key while plugging in) and run the same command again';
const OTHER_PORT = 'plug the keyboard straight into the computer, not a hub or a monitor/dock port, and try another cable';
const DOCTOR = 'wire an ISP programmer to the keyboard and run `ispkit doctor`: it checks the programmer, each wire and the target and names what is wrong';

export const errorFamilies: readonly ErrorFamily[] = [
  {
    id: 'dfu-etimedout',
    tool: 'dfu-programmer',
    title: 'USB transfer timed out (-ETIMEDOUT)',
    pattern: /-ETIMEDOUT\b|\bLIBUSB_ERROR_TIMEOUT\b/,
    meaning:
      'the DFU bootloader stopped answering a USB request in time: a flaky USB path, or the chip left the bootloader (or never was in it) part-way through',
    tryThis: [
      OTHER_PORT,
      REENTER_DFU,
      'erase first, then flash: `dfu-programmer atmega32u4 erase --force`, then `dfu-programmer atmega32u4 flash <file>.hex`',
      `only if it fails the same way every time on every port is the bootloader itself damaged: ${DOCTOR}, then \`ispkit flash\` with a bootloader`,
    ],
  },
  {
    id: 'dfu-epipe',
    tool: 'dfu-programmer',
    title: 'request stalled by the device (-EPIPE)',
    pattern: /-EPIPE\b|\bLIBUSB_ERROR_PIPE\b/,
    meaning:
      'the bootloader refused a request: it is still in an error state from an earlier failed command, the chip is read/write protected until erased, or the command names another chip than the one connected',
    tryThis: [
      'unplug and re-enter the bootloader to clear its error state, then run `dfu-programmer atmega32u4 erase --force` before flashing',
      'check that the target name matches the chip (atmega32u4, atmega16u4, at90usb1286): `dfu-programmer --targets` lists them; QMK Toolbox shows the connected one',
      `if erase itself fails this way: ${DOCTOR}`,
    ],
  },
  {
    id: 'dfu-write-protected',
    tool: 'dfu-programmer',
    title: 'device is write protected',
    pattern: /Device is write protected|write.?protected/i,
    meaning:
      "Atmel DFU's security bit is set (it is after every flash by some tools): the bootloader refuses reads and writes until the flash is erased; nothing is broken",
    tryThis: [
      'erase, then flash: `dfu-programmer atmega32u4 erase --force`, then `dfu-programmer atmega32u4 flash <file>.hex` (QMK Toolbox erases first by itself)',
      'no ISP needed for this one',
    ],
  },
  {
    id: 'dfu-message-length',
    tool: 'dfu-programmer',
    title: 'short DFU status reply ("Expected message length")',
    pattern: /Expected message length/i,
    meaning:
      'a DFU status request got no or a short answer: on Windows usually the wrong driver (not libusb/WinUSB) for the DFU device; elsewhere the device reset or dropped off the bus during the command',
    tryThis: [
      'Windows: install the DFU driver with QMK Toolbox (Tools > Install Drivers) or Zadig (libusb-win32/WinUSB for "ATm32U4DFU")',
      OTHER_PORT,
      REENTER_DFU,
      `if the device never stays in DFU long enough: ${DOCTOR}`,
    ],
  },
  {
    id: 'avrdude-not-in-sync',
    tool: 'avrdude',
    title: 'programmer not in sync',
    pattern: /not in sync(?::\s*resp\s*=\s*0x[0-9a-f]{2})?/i,
    meaning:
      'avrdude reached a serial port, but what answered is not speaking the protocol it chose: the wrong port, the wrong -c/-b for what is on it, or a board that is not running its ISP firmware (or a Caterina bootloader whose 8-second window has closed)',
    tryThis: [
      'check which port is the programmer: `ispkit list --probe` marks ispkit and other ArduinoISP programmers',
      'an ISP programmer (ispkit, ArduinoISP, QMK ISP hex) takes `-c avrisp -b 115200`; a Pro Micro in its own bootloader takes `-c avr109` right after a double reset',
      'if the programmer board was just flashed, make sure it runs the ISP firmware: `ispkit programmer install --board <board>`',
      'then `ispkit doctor` checks the rest',
    ],
  },
  {
    id: 'avrdude-not-responding',
    tool: 'avrdude',
    title: 'programmer is not responding',
    pattern: /programmer is not responding/i,
    meaning:
      'nothing at all came back from the serial port: no programmer on it, a port that vanished (a Caterina board re-enumerates with another name after its reset), or a board stuck in its bootloader',
    tryThis: [
      'list ports again (`ispkit list`) and use the one that is there now; unplug other boards',
      'press reset on the programmer board once and let it start its firmware, then retry',
      'then `ispkit doctor`: it checks the port, permissions, ModemManager and the programmer in order',
    ],
  },
  {
    id: 'avrdude-invalid-signature',
    tool: 'avrdude',
    title: 'invalid device signature ("Yikes!")',
    pattern: /Yikes!\s+Invalid device signature|initialization failed, rc=-1|Expected signature for/i,
    meaning:
      'the programmer works but the chip on the other end did not answer properly: a wire, power, an SCK too fast for its clock, or another chip than -p says. Do not use -F: it writes blind',
    tryThis: [
      'check the six wires against the wiring table (`ispkit info` prints it for your programmer board)',
      'slow the clock: avrdude `-B 32`, or let ispkit choose (`ispkit doctor` tries slower clocks)',
      '`ispkit doctor` names the most likely wire from what the chip answers',
    ],
  },
  {
    id: 'avrdude-signature-zero',
    tool: 'avrdude',
    title: 'signature read as 0x000000 or 0xffffff',
    pattern: /Device signature = 0x(?:000000|ffffff)\b/i,
    meaning:
      '0x000000: MISO reads low all the time, usually a target without power (or SCK and MOSI swapped); 0xffffff: MISO reads high all the time, usually MISO not connected or RESET not reaching the chip',
    tryThis: [
      '0x000000: check that the keyboard is powered (VCC and GND wired, or its own USB cable in), then SCK and MOSI are not swapped',
      '0xffffff: check the MISO wire and the RESET wire (RESET goes to the programmer pin the wiring table names, not to its RST pin)',
      '`ispkit doctor` tells these apart and names the wire',
    ],
  },
];

/** Every family found in `log`, in the order of first appearance; an empty list when none is recognised. */
export function explainLog(log: string, families: readonly ErrorFamily[] = errorFamilies): ExplainFinding[] {
  const found = new Map<string, ExplainFinding>();
  const lines = log.split(/\r?\n/);
  lines.forEach((text, i) => {
    for (const family of families) {
      if (!family.pattern.test(text)) continue;
      const seen = found.get(family.id);
      if (seen) {
        seen.count++;
        continue;
      }
      const finding: ExplainFinding = { family, line: i + 1, text: text.trim(), count: 1 };
      const sig = /Device signature = (0x[0-9a-f]{6})/i.exec(text);
      if (sig) finding.detail = `signature read: ${sig[1]!.toLowerCase()}`;
      found.set(family.id, finding);
    }
  });
  return [...found.values()].sort((a, b) => a.line - b.line);
}

/** The lines `ispkit doctor --explain` prints for the findings. */
export function formatExplanation(findings: readonly ExplainFinding[]): string[] {
  if (findings.length === 0) {
    return [
      'no dfu-programmer or avrdude error recognised in that text',
      'paste the whole output of the failing command; for an ISP programmer, `ispkit doctor` checks everything in order',
    ];
  }
  const out: string[] = [];
  for (const f of findings) {
    out.push(`${f.family.tool}: ${f.family.title} (line ${f.line}${f.count > 1 ? `, ${f.count} lines` : ''}: "${f.text}")`);
    out.push(`  means: ${f.family.meaning}${f.detail ? ` (${f.detail})` : ''}`);
    f.family.tryThis.forEach((t, i) => out.push(`  ${i + 1}. ${t}`));
  }
  return out;
}

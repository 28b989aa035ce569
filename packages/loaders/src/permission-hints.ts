/**
 * One-line fixes for "permission denied" on Linux, shared by the CLI adapters and the test fakes. Both name
 * ispkit's udev rule (60-ispkit.rules, written by `ispkit setup udev`), which covers the programmer, Caterina and
 * HalfKay.
 */

const RULE = "install ispkit's udev rule 60-ispkit.rules ('ispkit setup udev', or 'ispkit setup udev --print' to see it)";

export function serialPermissionHint(path: string): string {
  return (
    `permission denied opening ${path}: ${RULE} and replug the board, or add yourself to the port's group ` +
    `('sudo usermod -aG dialout $USER' on Debian/Ubuntu, 'uucp' on Arch), then log out and back in`
  );
}

export function hidPermissionHint(path: string): string {
  return `permission denied opening ${path}: ${RULE} (it covers HalfKay, 16c0:0478), then unplug and replug the Teensy`;
}

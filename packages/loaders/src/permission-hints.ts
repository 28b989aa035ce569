/** One-line fixes for "permission denied" on Linux, shared by the CLI adapters and the test fakes. */

export function serialPermissionHint(path: string): string {
  return (
    `permission denied opening ${path}: add yourself to the port's group ` +
    `('sudo usermod -aG dialout $USER' on Debian/Ubuntu, 'uucp' on Arch), then log out and back in`
  );
}

export function hidPermissionHint(path: string): string {
  return (
    `permission denied opening ${path}: install PJRC's udev rule 49-teensy.rules ('sudo apt install teensy-loader-cli' ` +
    `puts it in /lib/udev/rules.d; elsewhere copy it into /etc/udev/rules.d and run 'sudo udevadm control --reload'), ` +
    `then unplug and replug the Teensy`
  );
}

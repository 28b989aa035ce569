import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { workspaceRoot } from '@ispkit/sim/testing';

/**
 * Builds stock ArduinoISP for the Leonardo (ATmega32U4, RESET on pin 10 = B6, as on a Pro Micro) from Debian's
 * packages with tools/scripts/build-arduinoisp.sh, into this package's gitignored .tmp/, and returns the hex path.
 */
export function buildStockArduinoIsp(): string {
  const root = workspaceRoot();
  const out = join(root, 'test/e2e/.tmp/arduinoisp');
  return execFileSync('bash', [join(root, 'tools/scripts/build-arduinoisp.sh'), out], { encoding: 'utf8' }).trim();
}

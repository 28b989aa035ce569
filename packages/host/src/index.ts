export { main, buildProgram, VERSION, type CliIo } from './main.js';
export { CliError, ExitCode, EXIT_CODE_HELP, toCliError, usageError, type ExitCodeValue } from './cli-error.js';
export type { CliCommand, RegisterContext, RunContext, GlobalOptions, ActionHandler } from './command.js';
export { Reporter, type OutputEvent, type Level, type ProgressHandle } from './output/reporter.js';
export { renderEvents, flowContext } from './output/flow-events.js';
// moved to @ispkit/core; re-exported for existing importers
export { planMerge, hexReport, fuseReport, type MergeResult, type HexReport } from '@ispkit/core';
export { renderUdevRules, udevRuleIds, UDEV_RULE_FILE, UDEV_RULE_DIR } from './setup/udev-rule.js';

export { main, buildProgram, VERSION, type CliIo } from './main.js';
export { CliError, ExitCode, EXIT_CODE_HELP, toCliError, usageError, type ExitCodeValue } from './cli-error.js';
export type { CliCommand, RegisterContext, RunContext, GlobalOptions, ActionHandler } from './command.js';
export { Reporter, type OutputEvent, type Level, type ProgressHandle } from './output/reporter.js';
export { planMerge, type MergeResult } from './merge-plan.js';
export { hexReport, type HexReport } from './hex-report.js';
export { fuseReport } from './fuse-report.js';

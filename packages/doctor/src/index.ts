export { errorFamilies, explainLog, formatExplanation } from './explain-log.js';
export type { ErrorFamily, ExplainFinding, ExplainTool } from './explain-log.js';

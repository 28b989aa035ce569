/** Test helpers for front ends of @ispkit/core (import from '@ispkit/core/testing'). */
export { recordFlow, type RecordedFlow } from './record-flow.js';
